// sqitch: sqitch.changes (change_id, script_hash, change, project, note, committed_at, …), a
// row per deployed change of a project (a revert deletes it); script_hash is the SHA-1 of the
// deploy script. Source: sqitchers/sqitch lib/App/Sqitch/Engine/pg.sql (the registry) and
// lib/App/Sqitch/Plan/Change.pm (_deploy_hash). A reworked change has one row per deployed
// occurrence: each is matched to the plan's occurrence whose deploy script has its hash
// (deploy/NAME@TAG.sql for the earlier ones), else to the first one not matched yet.
#include "adopt/readers.hpp"

#include "text.hpp"

#include <fstream>
#include <sstream>
#include <unordered_map>
#include <unordered_set>

namespace mig::client::adopt {
namespace {

enum Col { kChange, kHash, kProject };

// The occurrences of each change name in the plan, in plan order.
std::unordered_map<std::string, std::vector<const Migration *>> occurrences(const Folder &f) {
    std::unordered_map<std::string, std::vector<const Migration *>> out;
    for (const auto &m : f.migrations)
        out[m.name].push_back(&m);
    return out;
}

std::string file_sha1(const Migration &m) {
    try {
        return sha1_hex(read_up_file(m));
    } catch (const std::exception &) {
        return {};
    }
}

} // namespace

std::string sqitch_project(const Folder &f) {
    std::ifstream in(f.dir + "/sqitch.plan");
    std::string line;
    while (std::getline(in, line)) {
        std::string t = trim(line);
        if (starts_with(t, "%project="))
            return trim(t.substr(9));
        if (!t.empty() && t[0] != '%' && t[0] != '#')
            break; // pragmas come first
    }
    return {};
}

ToolHistory sqitch_history(const Rows &rows, const Folder &f) {
    std::string project = sqitch_project(f);
    auto occ = occurrences(f);
    std::unordered_set<const Migration *> taken;
    ToolHistory h;
    for (const auto &row : rows) {
        if (!row[kChange] || (!project.empty() && row[kProject].value_or("") != project))
            continue;
        const Migration *match = nullptr;
        auto it = occ.find(*row[kChange]);
        if (it != occ.end()) {
            for (const Migration *m : it->second)
                if (!taken.count(m) && it->second.size() > 1 && row[kHash] &&
                    file_sha1(*m) == *row[kHash]) {
                    match = m;
                    break;
                }
            for (const Migration *m : it->second)
                if (!match && !taken.count(m))
                    match = m;
        }
        if (match)
            taken.insert(match);
        h.recorded.push_back(
            {match ? sqitch_key(*match, f) : *row[kChange], "deployed", false, row[kHash]});
    }
    return h;
}

// deploy/NAME.sql or deploy/NAME@TAG.sql: NAME or NAME@TAG
std::string sqitch_key(const Migration &m, const Folder &f) {
    std::string rel(f.relative(m.up_file));
    if (starts_with(rel, "/"))
        rel.erase(0, 1);
    if (starts_with(rel, "deploy/"))
        rel.erase(0, 7);
    if (ends_with(rel, ".sql"))
        rel.erase(rel.size() - 4);
    return rel;
}

bool sqitch_checksum_matches(const Migration &m, const std::string &recorded) {
    return file_sha1(m) == recorded;
}

} // namespace mig::client::adopt
