#include "errors_report.hpp"

#include "error_codes.hpp"

#include "interrupt.hpp"
#include "json_report.hpp"
#include "output.hpp"
#include "text.hpp"
#include "version.hpp"

#include <fmt/format.h>
#include <regex>
#include <sstream>

namespace mig::client {

std::optional<ErrorSite> site_from_context(const PgError &e, const Folder *f, bool down) {
    // ", down script" is there when the error is in a down script whatever the verb: `up`
    // uploads down scripts too, and parses them (a broken one is refused before it is needed).
    static const std::regex mig_re(
        R"(^migration (\S+) \((.*?)\)(, down script)?(?:, file (.*?))?, line (\d+), column (\d+)$)");
    static const std::regex rep_re(R"(^repeatable migration (.*), line (\d+), column (\d+)$)");
    std::istringstream in(e.context);
    std::string line;
    while (std::getline(in, line)) {
        std::smatch m;
        if (std::regex_match(line, m, mig_re)) {
            ErrorSite s;
            if (m[3].matched)
                down = true;
            s.in_down = down;
            s.version = m[1].str();
            s.file = m[4].str();
            s.line = std::stoi(m[5]);
            s.col = std::stoi(m[6]);
            if (f) {
                std::string key = canonical_version(m[1].str());
                for (const auto &mg : f->migrations) {
                    if (canonical_version(mg.version) != key)
                        continue;
                    const std::string &file = down ? mg.down_file : mg.up_file;
                    if (file.empty())
                        break;
                    s.source = script_line(mg, down, s.line);
                    s.file = file;
                    s.line = mg.file_line(down, s.line);
                    break;
                }
            }
            if (s.file.empty())
                s.file = fmt::format("migration {}", m[1].str());
            return s;
        }
        if (std::regex_match(line, m, rep_re)) {
            ErrorSite s;
            s.line = std::stoi(m[2]);
            s.col = std::stoi(m[3]);
            s.file = fmt::format("repeatable {}", m[1].str());
            if (f)
                for (const auto &r : f->repeatables)
                    if (r.name == m[1].str()) {
                        s.file = r.up_file;
                        s.source = line_of(r.up_sql, s.line);
                    }
            return s;
        }
    }
    return std::nullopt;
}

void print_pg_error(const PgError &e, const std::optional<ErrorSite> &site, int verbose) {
    json_report::error(e, site);
    std::string head = paint_err("ERROR:", "1;31");
    std::string state = e.sqlstate.empty() ? "" : fmt::format(" ({})", e.sqlstate);
    if (site)
        fmt::print(stderr, "{}:{}:{}: {} {}{}\n", site->file, site->line, site->col, head,
                   printable(e.message), state);
    else
        fmt::print(stderr, "{} {}{}\n", head, printable(e.message), state);
    if (!e.detail.empty())
        fmt::print(stderr, "DETAIL: {}\n", printable(e.detail));
    if (!e.hint.empty())
        fmt::print(stderr, "HINT: {}\n", printable(e.hint));
    if (site && !site->source.empty() && e.sqlstate == "42601") {
        size_t at = char_to_byte(site->source, site->col);
        if (auto ph = placeholder_at(site->source, at); !ph.empty())
            fmt::print(stderr,
                       "HINT: {} is a placeholder of Flyway (or Liquibase): pgmig expands "
                       "Flyway's only in a Flyway folder (not $${{…}}, nor in a script with "
                       "placeholderReplacement=false) and no other tool's; write its value into "
                       "the script\n",
                       ph);
        else if (at < site->source.size() && site->source[at] == '\\' &&
                 site->source.find_first_not_of(" \t") == at)
            fmt::print(stderr,
                       "HINT: {} is a psql meta-command, not SQL: pgmig sends scripts to "
                       "the server, which has no meta-commands; write it in SQL (\\set "
                       "variables as literals, \\i as a migration of its own)\n",
                       trim(site->source));
    }
    if (site && !site->source.empty()) {
        std::string num = std::to_string(site->line);
        fmt::print(stderr, " {} | {}\n", num, site->source);
        std::string pad;
        // caret under the column (tabs kept so it lines up)
        int c = 1;
        for (size_t i = 0; i < site->source.size() && c < site->col; ++i) {
            unsigned char ch = static_cast<unsigned char>(site->source[i]);
            if ((ch & 0xC0) == 0x80)
                continue;
            pad += site->source[i] == '\t' ? '\t' : ' ';
            ++c;
        }
        fmt::print(stderr, " {} | {}{}\n", std::string(num.size(), ' '), pad,
                   paint_err("^", "1;32"));
    }
    if (site && verbose == 0)
        return;
    // pgmig's own PL/pgSQL functions (mig.plan's RAISE of an unknown version, ...) are where
    // the error was raised, not where the user's input was: shown only with -v.
    std::string context;
    std::istringstream in(e.context);
    for (std::string line; std::getline(in, line);)
        if (verbose > 0 || (line.rfind("PL/pgSQL function mig.", 0) != 0 &&
                            line.rfind("SQL statement \"SELECT mig.", 0) != 0 &&
                            line.rfind("SQL statement \"SELECT * FROM mig.", 0) != 0))
            context += (context.empty() ? "" : "\n") + line;
    if (!context.empty())
        fmt::print(stderr, "CONTEXT: {}\n", printable(context));
}

int exit_code_for(const PgError &e) {
    namespace st = sqlstate;
    const std::string &s = e.sqlstate;
    // refused before anything ran: input the user must change (docs/troubleshooting.md)
    for (const char *input :
         {st::kAppliedChanged, st::kDuplicateVersion, st::kNoDownScript, st::kInvalidVersion,
          st::kUnknownVersion, st::kNotVouched, st::kUnsupportedStatement, st::kPendingChanged,
          st::kStoredScriptChanged, st::kBrokenDownScript, st::kNotApplied, st::kStatementsChanged,
          st::kAlreadyApplied})
        if (s == input)
            return 2;
    if (s == st::kLockNotAvailable || s == "55P03" || s.rfind("08", 0) == 0 || s == "57P01" ||
        s.empty())
        return 3;
    return 1;
}

namespace {

// A statement cancelled by SIGINT/SIGTERM (interrupt.hpp): which migration it was, so that the
// log says what was not applied.
void note_interrupted(const std::optional<ErrorSite> &site, const Folder *f) {
    if (!site || site->version.empty())
        return;
    std::string name;
    if (f) {
        std::string key = canonical_version(site->version);
        for (const auto &m : f->migrations)
            if (canonical_version(m.version) == key)
                name = fmt::format(" ({})", m.name);
    }
    fmt::print(stderr,
               "note: migration {}{} was running when pgmig was interrupted by {}: cancelled "
               "and rolled back, not applied\n",
               site->version, name, interrupt_name());
}

} // namespace

int report_error(const PgError &e, const Folder *f, bool down, int verbose) {
    auto site = site_from_context(e, f, down);
    print_pg_error(e, site, verbose);
    if (e.sqlstate == "57014" && interrupted())
        note_interrupted(site, f);
    if (site && site->in_down && !down) // `up` parses down scripts as it uploads them
        fmt::print(stderr,
                   "note: the error is in the down script of migration {}: `up` parses down "
                   "scripts as it uploads them, so that a broken one is refused before a "
                   "rollback needs it\n",
                   site->version);
    if ((e.sqlstate == "3F000" && e.message.find("\"mig\"") != std::string::npos) ||
        (e.sqlstate == "42P01" && e.message.find("relation \"mig.") != std::string::npos) ||
        (e.sqlstate == "42883" && e.message.find("function mig.") != std::string::npos)) {
        fmt::print(stderr, "HINT: the pgmig extension is not installed in this database: run "
                           "`pgmig init` or CREATE EXTENSION pgmig\n");
        return 2;
    }
    return exit_code_for(e);
}

} // namespace mig::client
