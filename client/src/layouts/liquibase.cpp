// Liquibase "formatted SQL" changelogs: one file per migration, its changesets in order
// (docs/layouts.md, Liquibase).
#include "layouts/lines.hpp"
#include "layouts/sectioned.hpp"
#include "text.hpp"

#include <fmt/format.h>
#include <regex>
#include <string_view>

namespace mig::client {
namespace {

// The value of `key:value` among a changeset line's attributes ("" when absent).
std::string attribute(const std::string &attrs, const char *key) {
    std::regex re(std::string(R"((?:^|\s))") + key + R"(:(\S*))", std::regex::icase);
    std::smatch m;
    return std::regex_search(attrs, m, re) ? m[1].str() : std::string();
}

struct Changeset {
    std::string id;
    int line;
    std::string rollback;
    std::vector<int> rollback_lines; // the file's line of each line of `rollback`
    bool has_rollback = false;
    size_t start = 0, end = 0; // byte range of its lines (for blanking)
    bool skip = false;         // for another DBMS
};

// What pgmig cannot honour: the first such thing found is the one reported.
void refuse(SectionedScript &s, int line, std::string why) {
    if (s.unsupported.empty()) {
        s.unsupported = std::move(why);
        s.unsupported_line = line;
    }
}

// Whether a changeset's `dbms` attribute leaves PostgreSQL out.
bool for_other_dbms(const std::string &attrs) {
    std::string dbms = to_lower(attribute(attrs, "dbms"));
    if (dbms.empty())
        return false;
    // a list: postgresql, or anything but some (!h2); "all" too
    bool listed = dbms.find("postgresql") != std::string::npos || dbms == "all";
    bool negated = dbms.find('!') != std::string::npos;
    return negated ? dbms.find("!postgresql") != std::string::npos : !listed;
}

// A changeset's attributes: runInTransaction:false makes the migration non-transactional;
// those pgmig cannot honour are refused.
void read_attributes(const Changeset &c, const std::string &attrs, SectionedScript &s) {
    if (to_lower(attribute(attrs, "runintransaction")) == "false")
        s.up_no_transaction = true;
    for (const char *key : {"runAlways", "runOnChange"})
        if (to_lower(attribute(attrs, key)) == "true")
            refuse(s, c.line,
                   fmt::format("changeset {}: {}:true has no equivalent in pgmig (a migration "
                               "runs once; Flyway-style repeatables are R__ files)",
                               c.id, key));
    for (const char *key : {"context", "contextFilter", "labels"})
        if (!attribute(attrs, key).empty())
            refuse(s, c.line,
                   fmt::format("changeset {}: {} is not supported: pgmig would run it everywhere "
                               "(move such changesets to a folder of their own)",
                               c.id, key));
    if (!attribute(attrs, "endDelimiter").empty() ||
        to_lower(attribute(attrs, "splitStatements")) == "false")
        refuse(s, c.line,
               fmt::format("changeset {}: endDelimiter / splitStatements are not supported "
                           "(statements are split by the server's parser)",
                           c.id));
}

// A `--rollback` line of changeset c (line `number` of the file), its text `body`.
void add_rollback_line(Changeset &c, const std::string &body, int number) {
    std::string l = to_lower(body);
    // "not required" / "empty": nothing to undo; an empty line alone (a template left
    // unfilled) is no rollback
    if (l == "not required" || l == "empty") {
        c.has_rollback = true;
    } else if (body.find_first_not_of(" \t") != std::string::npos) {
        c.has_rollback = true;
        c.rollback += body + "\n";
        c.rollback_lines.push_back(number);
    }
}

std::vector<Changeset> read_changesets(const std::string &text, SectionedScript &s) {
    static const std::regex changeset(R"(^--\s*changeset\s+(\S+)(.*)$)", std::regex::icase);
    static const std::regex rollback(R"(^--\s*rollback\b\s?(.*)$)", std::regex::icase);
    static const std::regex precondition(R"(^--\s*precondition)", std::regex::icase);
    std::vector<Changeset> sets;
    for_each_line(text, [&](const std::string &line, size_t start, size_t, int idx) {
        int number = idx + 1;
        std::smatch m;
        if (std::regex_match(line, m, changeset)) {
            if (!sets.empty())
                sets.back().end = start;
            Changeset c{m[1].str(), number, {}, {}, false, start, text.size(), false};
            std::string attrs = m[2].str();
            c.skip = for_other_dbms(attrs);
            if (!c.skip)
                read_attributes(c, attrs, s);
            sets.push_back(std::move(c));
        } else if (!sets.empty() && std::regex_match(line, m, rollback)) {
            add_rollback_line(sets.back(), m[1].str(), number);
        } else if (std::regex_search(line, precondition) && !sets.empty() && !sets.back().skip) {
            refuse(s, number,
                   fmt::format("changeset {}: preconditions are not supported", sets.back().id));
        }
        return true;
    });
    return sets;
}

// The down script: each changeset's rollback, the last changeset's first; none when one of them
// has no rollback (Liquibase could not roll that changeset back either).
void assemble_rollbacks(const std::vector<Changeset> &sets, SectionedScript &s) {
    bool all = !sets.empty();
    std::string down;
    for (auto it = sets.rbegin(); it != sets.rend(); ++it) {
        if (it->skip)
            continue;
        if (!it->has_rollback) {
            all = false;
            break;
        }
        if (!it->rollback.empty()) {
            down += fmt::format("-- rollback of changeset {} (line {})\n{}", it->id, it->line,
                                it->rollback);
            s.down_lines.push_back(it->line);
            s.down_lines.insert(s.down_lines.end(), it->rollback_lines.begin(),
                                it->rollback_lines.end());
        }
    }
    if (all)
        s.down = std::move(down);
    else
        s.down_lines.clear();
}

constexpr SectionFormat kLiquibaseFormat = [] {
    SectionFormat f{SectionStyle::Liquibase, Layout::Liquibase, "--liquibase formatted sql",
                    parse_liquibase};
    f.heads = is_liquibase_formatted;
    f.dashed_names = true;
    return f;
}();

} // namespace

const ReaderSpec kLiquibaseReader = sectioned_reader_spec(kLiquibaseFormat);

bool is_liquibase_formatted(const std::string &text) {
    static const std::regex header(R"(^--\s*liquibase\s+formatted\s+sql\b)", std::regex::icase);
    size_t start = 0;
    while (start < text.size()) { // the first line that is not blank
        size_t end = text.find('\n', start);
        if (end == std::string::npos)
            end = text.size();
        std::string line = text.substr(start, end - start);
        if (line.find_first_not_of(" \t\r") != std::string::npos)
            return std::regex_search(line, header);
        start = end + 1;
    }
    return false;
}

SectionedScript parse_liquibase(const std::string &text) {
    SectionedScript s;
    s.has_up = true;
    std::vector<Changeset> sets = read_changesets(text, s);
    // The up script is the file, changesets for another DBMS blanked (newlines kept, so that
    // positions stay the file's).
    s.up = text;
    for (const auto &c : sets)
        if (c.skip)
            for (size_t i = c.start; i < c.end; ++i)
                if (s.up[i] != '\n')
                    s.up[i] = ' ';
    assemble_rollbacks(sets, s);
    return s;
}

} // namespace mig::client
