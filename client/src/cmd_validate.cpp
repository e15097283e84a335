// pgmig validate [--offline] [--json]: lint the folder; with a connection also classify every
// statement with the server's parser (mig.split) and compare checksums with what is applied.
#include "commands.hpp"
#include "edit_diff.hpp"
#include "json_report.hpp"
#include "deploy.hpp"
#include "errors.hpp"
#include "output.hpp"
#include "placeholders.hpp"
#include "text.hpp"
#include "upload_stream.hpp"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <fmt/format.h>
#include <memory>
#include <nlohmann/json.hpp>
#include <cstdint>
#include <regex>

namespace mig::client {
namespace {

struct Findings {
    std::vector<std::string> errors, warnings, notes;
    std::vector<const Migration *> no_down; // warnings too; summarized in text when many
};

// One warning per migration without a down script, or, for more than a few (an up-only
// folder, as Flyway and golang-migrate users often keep), one line naming the versions.
void warn_no_down(const Findings &fd, size_t total, int verbose) {
    const auto &nd = fd.no_down;
    if (nd.size() <= 5 || verbose > 0) {
        for (const Migration *m : nd)
            warn(fmt::format("{}: migration {} has no down script (it cannot be rolled back)",
                             m->up_file, m->version));
        return;
    }
    std::string versions = fmt::format("{}, {}, {}, ..., {}", nd[0]->version, nd[1]->version,
                                       nd[2]->version, nd.back()->version);
    warn(fmt::format("{} of {} migrations have no down script (they cannot be rolled back): {} "
                     "(-v names each file)",
                     nd.size(), total, versions));
}

// Whether the database has the extension (mig.split and mig.status), asked once instead of
// failing on the first script.
bool has_extension(Conn &c) {
    auto r = c.exec("SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_extension "
                    "WHERE extname OPERATOR(pg_catalog.=) 'pgmig')");
    return r.str(0, 0) == "t";
}

// The server's parser on a big up script that is not in memory (above PGMIG_STREAM_ABOVE): sent
// by COPY into a temporary table of a transaction rolled back after, so that the client's
// memory stays flat whatever its size (docs/cli.md, "Big scripts").
Result split_streamed(Conn &c, const Migration &m) {
    c.exec("BEGIN");
    try {
        c.exec("CREATE TEMP TABLE pgmig_lint_body (up text) ON COMMIT DROP");
        copy_script_file(c, "COPY pgmig_lint_body (up) FROM STDIN", m.up_file);
        auto r = c.exec("SELECT stmt_no, line, transactional, tag FROM "
                        "mig.split((SELECT up FROM pgmig_lint_body))");
        c.exec("ROLLBACK");
        return r;
    } catch (...) {
        c.rollback_quietly();
        throw;
    }
}

// A down script that does not parse is a warning (up stores it with its error and deploys:
// docs/cli.md), an error with --strict.
void split_check(Conn &c, const Migration &m, bool down, Findings &out, bool strict = false) {
    const std::string &sql = down ? *m.down_sql : m.up_sql;
    const std::string &file = down ? m.down_file : m.up_file;
    try {
        auto r = !down && m.up_streamed
                     ? split_streamed(c, m)
                     : c.exec("SELECT stmt_no, line, transactional, tag FROM mig.split($1)",
                              {Param::ref(sql)});
        // the script's own BEGIN; … COMMIT; wrapper, which the upload drops (the server's rule:
        // the first and last statements, no other transaction control, a transactional body)
        auto txcontrol = [](const std::string &tag) {
            static const char *const tags[] = {"BEGIN",
                                               "START TRANSACTION",
                                               "COMMIT",
                                               "ROLLBACK",
                                               "SAVEPOINT",
                                               "RELEASE",
                                               "PREPARE TRANSACTION",
                                               "COMMIT PREPARED",
                                               "ROLLBACK PREPARED"};
            return std::find(std::begin(tags), std::end(tags), tag) != std::end(tags);
        };
        int n = r.rows();
        bool wrapped = !m.no_transaction && n >= 2 &&
                       (r.str(0, 3) == "BEGIN" || r.str(0, 3) == "START TRANSACTION") &&
                       r.str(n - 1, 3) == "COMMIT";
        for (int i = 1; wrapped && i < n - 1; ++i)
            wrapped = r.str(i, 2) == "t" && !txcontrol(r.str(i, 3));
        if (wrapped) {
            out.notes.push_back(fmt::format(
                "{}:{}: its own {} ... COMMIT wrapper is dropped when it is uploaded (with a "
                "warning): the body runs in the migration's transaction",
                file, m.file_line(down, std::stoi(r.str(0, 1))), r.str(0, 3)));
            return;
        }
        for (int i = 0; i < r.rows(); ++i)
            if (r.str(i, 2) == "f")
                out.notes.push_back(fmt::format(
                    "{}:{}: {} cannot run in a transaction: the migration runs statement by "
                    "statement outside a transaction",
                    file, m.file_line(down, std::stoi(r.str(i, 1))), r.str(i, 3)));
    } catch (const PgError &e) {
        static const std::regex where(R"(line (\d+), column (\d+))");
        std::smatch mm;
        int line = 0, col = 0;
        if (std::regex_search(e.context, mm, where)) {
            line = std::stoi(mm[1]);
            col = std::stoi(mm[2]);
        } else if (e.internal_position > 0 && !sql.empty()) {
            auto lc = line_col_at(sql, char_to_byte(sql, e.internal_position));
            line = lc.first;
            col = lc.second;
        }
        std::string what = line ? fmt::format("{}:{}:{}: {} ({})", file, m.file_line(down, line),
                                              col, e.message, e.sqlstate)
                                : fmt::format("{}: {} ({})", file, e.message, e.sqlstate);
        if (down && !strict && e.sqlstate == "42601")
            out.warnings.push_back(what +
                                   ": the down script is stored with this error, and "
                                   "rolling the migration back is refused until it is fixed");
        else
            out.errors.push_back(what);
    }
}

// The folder, or its errors (one per line of the InputError) in fd.
std::optional<Folder> load_for_lint(const Context &ctx, Findings &fd, bool offline) {
    try {
        // every body but the big up scripts, which split_streamed sends from their files
        Folder f = load_folder(ctx.dir(), LoadOptions{});
        expand_folder(ctx, f, offline); // Flyway's ${name}: what runs is checked
        return f;
    } catch (const InputError &e) {
        std::string s = e.what();
        for (size_t start = 0; start < s.size();) {
            size_t nl = s.find('\n', start);
            fd.errors.push_back(s.substr(start, nl == std::string::npos ? nl : nl - start));
            if (nl == std::string::npos)
                break;
            start = nl + 1;
        }
        return std::nullopt;
    }
}

// What the folder alone shows: its warnings, missing downs, declarations.
void offline_checks(const Folder &f, Findings &fd) {
    fd.warnings = f.warnings;
    for (auto &m : f.migrations) {
        if (!m.down_sql)
            fd.no_down.push_back(&m);
        if (m.no_transaction)
            fd.notes.push_back(fmt::format(
                "{}: declared non-transactional (runs statement by statement)", m.up_file));
    }
}

// Every script through the server's parser, and the checksums against what is applied.
// Returns whether it was checked online.
bool online_checks(const Context &ctx, Folder &f, Findings &fd, bool strict) {
    try {
        auto c = ctx.connect();
        if (!has_extension(*c)) {
            fd.notes.push_back("the database has no pgmig extension (`pgmig init` or "
                               "CREATE EXTENSION pgmig adds it): offline checks only");
            return false;
        }
        for (auto &m : f.migrations) {
            split_check(*c, m, false, fd);
            if (m.down_sql)
                split_check(*c, m, true, fd, strict);
        }
        for (auto &m : f.repeatables)
            split_check(*c, m, false, fd);
        auto sp = compute_sync(f, fetch_status(*c));
        for (size_t i = 0; i < sp.drift.size(); ++i) { // each with its diff under it
            std::string text = sp.drift[i];
            for (auto &l : explain_edit(*c, f, sp.edited[i], ctx.opt.full_diff ? 0 : kDiffLines))
                text += "\n  " + l;
            fd.errors.push_back(std::move(text));
        }
        return true;
    } catch (const ConnectError &e) {
        fd.notes.push_back(fmt::format("not connected ({}): offline checks only", e.what()));
        return false;
    }
}

void print_findings_json(const Context &ctx, const std::optional<Folder> &f, Findings &fd,
                         bool online) {
    for (const Migration *m : fd.no_down)
        fd.warnings.push_back(
            fmt::format("{}: migration {} has no down script (it cannot be rolled back)",
                        m->up_file, m->version));
    json_report::set("dir", ctx.dir());
    json_report::set("layout", f ? nlohmann::json(layout_name(f->layout)) : nullptr);
    json_report::set("migration_count", f ? f->migrations.size() : 0);
    json_report::set("repeatable_count", f ? f->repeatables.size() : 0);
    json_report::set("online", online);
    json_report::set("errors", fd.errors);
    json_report::set("warnings", fd.warnings);
    json_report::set("notes", fd.notes);
}

void print_findings_text(const Context &ctx, const std::optional<Folder> &f, const Findings &fd,
                         bool online) {
    for (auto &e : fd.errors)
        error_line(e);
    for (auto &w : fd.warnings)
        warn(w);
    if (f)
        warn_no_down(fd, f->migrations.size(), ctx.opt.verbose);
    for (auto &n : fd.notes)
        fmt::print(stderr, "note: {}\n", n);
    if (f && fd.errors.empty())
        fmt::print(
            "{}: {} layout, {} migration(s){}, {}\n", ctx.dir(), layout_name(f->layout),
            f->migrations.size(),
            f->repeatables.empty() ? "" : fmt::format(" and {} repeatable", f->repeatables.size()),
            online ? "checked against the server" : "checked offline");
}

// validate = load → offline checks → online checks → print
int run_validate(const Context &ctx, bool offline, bool strict) {
    Findings fd;
    std::optional<Folder> f = load_for_lint(ctx, fd, offline);
    bool online = false;
    if (f) {
        offline_checks(*f, fd);
        if (!offline)
            online = online_checks(ctx, *f, fd, strict);
    }
    if (ctx.opt.json)
        print_findings_json(ctx, f, fd, online);
    else
        print_findings_text(ctx, f, fd, online);
    return fd.errors.empty() ? 0 : 2;
}

} // namespace

Command register_validate(CLI::App &app) {
    auto offline = std::make_shared<bool>(false);
    auto strict = std::make_shared<bool>(false);
    auto full = std::make_shared<bool>(false);
    auto *sub = app.add_subcommand(
        "validate", "lint the folder (layout, duplicates, missing downs, names); with a "
                    "connection also statements and checksums");
    sub->add_flag("--offline", *offline, "do not connect");
    add_full_diff_flag(*sub, *full);
    sub->add_flag("--strict", *strict,
                  "a down script that does not parse is an error (as up --strict)");
    return {sub, [offline, strict, full](Context &ctx) {
                ctx.opt.full_diff = *full;
                return run_validate(ctx, *offline, *strict);
            }};
}

} // namespace mig::client
