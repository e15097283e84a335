// mapping.cpp: matching what another tool recorded with the folder's migrations, by the tool's
// own identity of each (docs/adopting.md, "What is checked").
#include "adopt/adopt.hpp"
#include "errors.hpp"
#include "text.hpp"
#include "version.hpp"

#include <fmt/format.h>
#include <unordered_map>
#include <unordered_set>

namespace mig::client::adopt {

const char *action_text(Action a) {
    switch (a) {
    case Action::Adopt:
        return "adopt";
    case Action::Pending:
        return "pending";
    case Action::AlreadyApplied:
        return "already applied";
    case Action::Stop:
        return "stop";
    case Action::Ignored:
        return "ignored";
    case Action::RunsOnUp:
        return "runs on up";
    }
    return "";
}

const char *problem_kind(Problem p) {
    switch (p) {
    case Problem::Missing:
        return "missing";
    case Problem::Failed:
        return "failed";
    case Problem::Checksum:
        return "checksum";
    default:
        return "";
    }
}

Force parse_force(const std::string &list) {
    Force f;
    size_t at = 0;
    while (at <= list.size()) {
        size_t comma = std::min(list.find(',', at), list.size());
        std::string word = to_lower(trim(list.substr(at, comma - at)));
        if (word == "missing")
            f.missing = true;
        else if (word == "failed" || word == "dirty")
            f.failed = true;
        else if (word == "checksum")
            f.checksum = true;
        else if (word == "all")
            f = Force{true, true, true};
        else
            throw InputError(fmt::format("--force: unknown problem \"{}\" (one or more of "
                                         "missing, failed, checksum, all, comma-separated)",
                                         word));
        at = comma + 1;
    }
    return f;
}

std::vector<std::string> Mapping::versions() const {
    std::vector<std::string> out;
    for (const auto &e : entries)
        if (e.action == Action::Adopt && e.m && !e.m->repeatable)
            out.push_back(e.m->version);
    return out;
}

std::vector<std::pair<std::string, std::string>> Mapping::repeatables() const {
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto &e : entries)
        if (e.action == Action::Adopt && e.m && e.m->repeatable)
            out.emplace_back(e.m->name, e.m->up_sql);
    return out;
}

size_t Mapping::count(Action a) const {
    size_t n = 0;
    for (const auto &e : entries)
        n += e.action == a;
    return n;
}

namespace {

// The entry of a folder migration the tool recorded: adopted, unless it failed or its file
// differs from what the tool checksummed.
Entry recorded_entry(const Reader &r, const Migration &m, const std::string &key,
                     const Recorded &rec, const Force &force) {
    Entry e{&m, key, rec.says, Problem::None, Action::Adopt, {}};
    if (rec.failed) {
        e.problem = Problem::Failed;
        e.action = force.failed ? Action::Pending : Action::Stop;
        e.why = fmt::format("{} says {}: it did not (fully) run", r.tool, rec.says);
    } else if (rec.checksum && r.checksum_matches && !r.checksum_matches(m, *rec.checksum)) {
        e.problem = Problem::Checksum;
        e.action = force.checksum ? Action::Adopt : Action::Stop;
        e.says += fmt::format(" (checksum {})", *rec.checksum);
        e.why = fmt::format("the file differs from what {} applied (its checksum {})", r.tool,
                            *rec.checksum);
    }
    return e;
}

Entry missing_entry(const Reader &r, const Recorded &rec, const Force &force) {
    Entry e{nullptr, rec.key, rec.says, Problem::Missing, Action::Stop, {}};
    if (rec.failed) { // a failed row without a file: nothing of it to adopt either
        e.problem = Problem::Failed;
        e.action = force.failed ? Action::Ignored : Action::Stop;
        e.why = fmt::format("{} says {} and the folder has no such migration", r.tool, rec.says);
        return e;
    }
    e.action = force.missing ? Action::Ignored : Action::Stop;
    e.why = fmt::format("{} applied {}, which no file of the folder is", r.tool, rec.key);
    return e;
}

// A repeatable (Flyway's R__): matched by its file name, its checksum compared. The tool ran
// the folder's script: adopted with it (mig.adopt_repeatable), so `up` does not run it again;
// otherwise (not run, or another script since) `up` runs it once, as the tool would.
Entry repeatable_entry(const Reader &r, const ToolHistory &h, const Migration &m) {
    std::string file = base_name(m.up_file);
    auto it = h.repeatables.find(file);
    std::string says = it == h.repeatables.end() ? "not applied" : it->second;
    auto sum = h.repeatable_checksums.find(file);
    if (sum != h.repeatable_checksums.end() && r.checksum_matches &&
        r.checksum_matches(m, sum->second)) {
        says = fmt::format("applied (checksum {}, the folder's script)", sum->second);
        return {&m, file, says, Problem::None, Action::Adopt, {}};
    }
    return {&m, file, says, Problem::None, Action::RunsOnUp, {}};
}

} // namespace

Mapping plan_adoption(const Reader &r, const Folder &f, const Rows &rows, const Force &force) {
    ToolHistory h = r.history(rows, f);
    std::unordered_map<std::string, const Recorded *> by_key;
    for (const auto &rec : h.recorded)
        by_key[rec.key] = &rec; // a later row of the same key wins
    Mapping out;
    out.entries.reserve(f.migrations.size() + f.repeatables.size());
    std::unordered_set<std::string> matched;
    for (const auto &m : f.migrations) {
        std::string key = r.key(m, f);
        auto it = key.empty() ? by_key.end() : by_key.find(key);
        if (it != by_key.end()) {
            matched.insert(key);
            out.entries.push_back(recorded_entry(r, m, key, *it->second, force));
        } else if (h.applied_up_to && compare_versions(m.version, *h.applied_up_to) <= 0) {
            out.entries.push_back(
                {&m, key, h.applied_up_to_says, Problem::None, Action::Adopt, {}});
        } else {
            out.entries.push_back({&m, key, "not applied", Problem::None, Action::Pending, {}});
        }
    }
    for (const auto &m : f.repeatables)
        out.entries.push_back(repeatable_entry(r, h, m));
    std::unordered_set<std::string> reported;
    for (const auto &rec : h.recorded)
        if (!matched.count(rec.key) && reported.insert(rec.key).second)
            out.entries.push_back(missing_entry(r, *by_key[rec.key], force));
    return out;
}

void check_pgmig_history(Mapping &mapping, const std::vector<ServerRow> &status) {
    // pgmig's versioned rows by canonical version, its repeatables by name
    std::unordered_map<std::string, const ServerRow *> index;
    std::unordered_map<std::string, const ServerRow *> repeatables;
    for (const auto &row : status)
        if (row.kind != "repeatable")
            index.emplace(canonical_version(row.version), &row);
        else
            repeatables.emplace(row.name, &row);
    for (auto &e : mapping.entries) // pgmig ran it already: its own record stands
        if (e.m && e.m->repeatable && e.action == Action::Adopt && repeatables.count(e.m->name))
            e.action = Action::AlreadyApplied;
    if (index.empty())
        return;
    for (auto &e : mapping.entries) {
        if (e.m && e.m->repeatable)
            continue;
        if (!e.m || (e.action != Action::Adopt && e.action != Action::Pending))
            continue;
        auto it = index.find(canonical_version(e.m->version));
        const ServerRow *row = it == index.end() ? nullptr : it->second;
        if (!row || row->state == "pending")
            continue;
        bool done = row->state == "applied" || row->state == "baseline";
        if (e.action == Action::Pending) { // pgmig ran it since (or `up` resumes it)
            if (done)
                e.action = Action::AlreadyApplied;
            continue;
        }
        if (done && !e.m->up_unread && row->checksum == e.m->checksum) {
            e.action = Action::AlreadyApplied;
            continue;
        }
        e.problem = Problem::Conflict;
        e.action = Action::Stop;
        e.why = done ? fmt::format("pgmig has version {} {} with another script (checksum {})",
                                   row->version, row->state, row->checksum.value_or("none"))
                     : fmt::format("pgmig has version {} {}: resume or roll it back with pgmig "
                                   "first",
                                   row->version, row->state);
    }
}

} // namespace mig::client::adopt
