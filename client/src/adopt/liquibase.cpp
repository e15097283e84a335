// Liquibase: databasechangelog (id, author, filename, dateexecuted, orderexecuted, exectype,
// md5sum, …), a row per changeset run. A formatted SQL file is one migration of the folder: it
// is applied when every changeset of it that runs on PostgreSQL has a row EXECUTED, RERAN or
// MARK_RAN. Source: liquibase/liquibase liquibase-standard/src/main/java/liquibase/sqlgenerator/
// core/CreateDatabaseChangeLogTableGenerator.java (the table), .../sqlgenerator/core/
// MarkChangeSetRanGenerator.java (id, author, filename of each row) and .../parser/
// AbstractFormattedChangeLogParser.java (CHANGE_SET_REGEX: `--changeset author:id`). MD5SUM is
// not compared: its algorithm changed between Liquibase versions (7:, 8:, 9:).
#include "adopt/readers.hpp"

#include "text.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <regex>
#include <unordered_map>

namespace mig::client::adopt {
namespace {

enum Col { kId, kAuthor, kFilename, kExectype };

std::string unquote(const std::string &s) {
    return s.size() >= 2 && s.front() == '"' && s.back() == '"' ? s.substr(1, s.size() - 2) : s;
}

std::string attribute(const std::string &attrs, const char *key) {
    std::regex re(std::string(R"((?:^|\s))") + key + R"(:(\S*))", std::regex::icase);
    std::smatch m;
    return std::regex_search(attrs, m, re) ? m[1].str() : std::string();
}

// Whether a changeset with these attributes runs on PostgreSQL (pgmig's Liquibase layout skips
// the others alike: layouts/liquibase.cpp).
bool runs_here(const std::string &attrs) {
    if (to_lower(attribute(attrs, "ignore")) == "true")
        return false;
    std::string dbms = to_lower(attribute(attrs, "dbms"));
    if (dbms.empty() || dbms == "all")
        return true;
    if (dbms.find('!') != std::string::npos)
        return dbms.find("!postgresql") == std::string::npos;
    return dbms.find("postgresql") != std::string::npos;
}

// The "author:id" of the changesets of a formatted SQL file that run on PostgreSQL.
std::vector<std::string> changesets(const std::string &text) {
    static const std::regex re(R"(^\s*--\s*changeset\s+("[^"]+"|[^:]+):\s*("[^"]+"|\S+)(.*)$)",
                               std::regex::icase);
    std::vector<std::string> out;
    size_t at = 0;
    while (at < text.size()) {
        size_t nl = std::min(text.find('\n', at), text.size());
        std::string line = text.substr(at, nl - at);
        if (!line.empty() && line.back() == '\r')
            line.pop_back();
        std::smatch m;
        if (line.find("changeset") != std::string::npos && std::regex_match(line, m, re) &&
            runs_here(m[3].str()))
            out.push_back(unquote(trim(m[1].str())) + ":" + unquote(m[2].str()));
        at = nl + 1;
    }
    return out;
}

bool ran(const std::string &exectype) {
    return exectype == "EXECUTED" || exectype == "RERAN" || exectype == "MARK_RAN";
}

// What the rows of one file say of its changesets.
Recorded file_state(const std::string &file, const std::vector<std::string> &sets,
                    std::unordered_map<std::string, std::string> &rows_of_file) {
    size_t done = 0;
    std::string failed;
    for (const auto &s : sets) {
        auto it = rows_of_file.find(s);
        if (it == rows_of_file.end())
            continue;
        if (ran(it->second))
            ++done;
        else if (it->second == "FAILED" && failed.empty())
            failed = s;
        rows_of_file.erase(it);
    }
    if (!failed.empty())
        return {file, fmt::format("changeset {} FAILED", failed), true, std::nullopt};
    if (done == sets.size())
        return {file, fmt::format("applied ({} changesets)", done), false, std::nullopt};
    if (done == 0)
        return {};
    return {file, fmt::format("partly applied ({} of {} changesets)", done, sets.size()), true,
            std::nullopt};
}

} // namespace

ToolHistory liquibase_history(const Rows &rows, const Folder &f) {
    // file name -> "author:id" -> exectype of its last row
    std::unordered_map<std::string, std::unordered_map<std::string, std::string>> by_file;
    for (const auto &row : rows)
        if (row[kId] && row[kAuthor] && row[kFilename])
            by_file[base_name(*row[kFilename])][*row[kAuthor] + ":" + *row[kId]] =
                row[kExectype].value_or("");
    ToolHistory h;
    for (const auto &m : f.migrations) {
        std::string file = base_name(m.up_file);
        auto it = by_file.find(file);
        if (it == by_file.end())
            continue;
        Recorded r = file_state(file, changesets(read_up_file(m)), it->second);
        if (!r.key.empty())
            h.recorded.push_back(std::move(r));
    }
    // rows of changesets that no file of the folder has (sorted: the map has no order)
    std::vector<std::string> unknown;
    for (const auto &[file, sets] : by_file)
        for (const auto &[set, exectype] : sets)
            if (ran(exectype))
                unknown.push_back(fmt::format("{} changeset {}", file, set));
    std::sort(unknown.begin(), unknown.end());
    for (auto &key : unknown)
        h.recorded.push_back({std::move(key), "applied", false, std::nullopt});
    return h;
}

std::string liquibase_key(const Migration &m, const Folder &) {
    return base_name(m.up_file);
}

} // namespace mig::client::adopt
