#include "sync.hpp"

#include "errors.hpp"
#include "layouts/scripts.hpp"
#include "trace.hpp"
#include "version.hpp"

#include <fmt/format.h>
#include <map>

namespace mig::client {

const char *const kStatusSql =
    "SELECT version, name, state, kind, batch, applied_at, duration, checksum, "
    "down_checksum, has_down, transactional FROM mig.status()";

std::vector<ServerRow> fetch_status(Conn &c) {
    return read_status(c.exec(kStatusSql));
}

// Only what comparing with the folder needs: no batch, times or durations, whose output
// functions were a third of the query for 1,000 migrations (the first query of `up`, on the
// path of a no-op up).
const char *const kSyncStatusSql =
    "SELECT version, name, state, kind, checksum, down_checksum FROM mig.status()";

namespace {
// The rows of a status query: the four columns both queries start with (version, name, state,
// kind), then what `rest` reads from the others.
template <class Rest> std::vector<ServerRow> status_rows(const Result &r, Rest rest) {
    std::vector<ServerRow> out;
    out.reserve(r.rows());
    for (int i = 0; i < r.rows(); ++i) {
        ServerRow s;
        s.version = r.str(i, 0);
        s.name = r.str(i, 1);
        s.state = r.str(i, 2);
        s.kind = r.opt(i, 3).value_or("versioned");
        rest(s, r, i);
        out.push_back(std::move(s));
    }
    return out;
}
} // namespace

std::vector<ServerRow> fetch_sync_status(Conn &c) {
    return status_rows(c.exec(kSyncStatusSql), [](ServerRow &s, const Result &r, int i) {
        s.checksum = r.opt(i, 4);
        s.down_checksum = r.opt(i, 5);
    });
}

std::vector<ServerRow> read_status(const Result &r) {
    return status_rows(r, [](ServerRow &s, const Result &r, int i) {
        s.batch = r.opt(i, 4);
        s.applied_at = r.opt(i, 5);
        s.duration = r.opt(i, 6);
        s.checksum = r.opt(i, 7);
        s.down_checksum = r.opt(i, 8);
        s.has_down = r.str(i, 9) == "t";
        s.transactional = r.str(i, 10) != "f";
    });
}

ServerIndex::ServerIndex(const std::vector<ServerRow> &status) {
    by_version_.reserve(status.size());
    for (const auto &s : status)
        if (s.kind != "repeatable")
            by_version_.emplace(canonical_version(s.version), &s);
}

const ServerRow *ServerIndex::find(const std::string &canonical) const {
    auto it = by_version_.find(canonical);
    return it != by_version_.end() ? it->second : nullptr;
}

SyncPlan compute_sync(Folder &f, const std::vector<ServerRow> &status) {
    return compute_sync(f, status, ServerIndex(status));
}

void drop_unused_flyway_baseline(Folder &f, bool server_has_versions, bool server_has_it) {
    if (!f.migrations.empty() && f.migrations.front().flyway_baseline && server_has_versions &&
        !server_has_it)
        f.migrations.erase(f.migrations.begin());
}

void drop_unused_flyway_baseline(Folder &f, const ServerIndex &index) {
    if (f.migrations.empty() || !f.migrations.front().flyway_baseline)
        return;
    const Migration &b = f.migrations.front();
    const ServerRow *row = index.find(canonical_version(b.version));
    drop_unused_flyway_baseline(
        f, !index.empty(), row && is_flyway_baseline_row(b, row->checksum.value_or(""), row->name));
}

bool is_flyway_baseline_row(const Migration &baseline, std::string_view checksum,
                            std::string_view name) {
    return (!checksum.empty() && checksum == baseline.checksum) || name == baseline.name;
}

SyncPlan compute_sync(Folder &f, const std::vector<ServerRow> &status, const ServerIndex &index) {
    drop_unused_flyway_baseline(f, index);
    SyncPlan p;
    std::map<std::string, const ServerRow *> by_repeatable;
    for (const auto &s : status) {
        if (s.kind == "repeatable")
            by_repeatable[s.name] = &s;
        else if (s.state == "pending" || s.state == "partial" || s.state == "failed")
            p.pending = true;
    }
    for (auto &m : f.migrations) {
        const ServerRow *row = index.find(canonical_version(m.version));
        if (!row) {
            p.upload.push_back(&m);
            p.replace.push_back(false);
            continue;
        }
        const ServerRow &s = *row;
        bool up_same = s.checksum && *s.checksum == m.checksum;
        bool down_same = s.down_checksum == m.down_checksum;
        if (up_same && down_same)
            continue;
        if (s.state == "pending") {
            p.upload.push_back(&m);
            p.replace.push_back(true);
        } else if (s.state == "baseline") {
            continue; // never runs; nothing to compare against
        } else if (!up_same) {
            p.drift.push_back(fmt::format(
                "{}: migration {} was {} with checksum {}, but the file's checksum is now {}; "
                "an applied migration must not be edited (add a new migration instead)",
                m.up_file, m.version, s.state, s.checksum.value_or("(none)"), m.checksum));
        } else {
            p.drift.push_back(fmt::format(
                "{}: the down script of applied migration {} changed (checksum {} on the "
                "server, {} in the file)",
                m.down_file.empty() ? m.up_file : m.down_file, m.version,
                s.down_checksum.value_or("(none)"), m.down_checksum.value_or("(none)")));
        }
    }
    for (const auto &r : f.repeatables) {
        auto it = by_repeatable.find(r.name);
        if (it == by_repeatable.end() || !it->second->checksum ||
            *it->second->checksum != r.checksum)
            p.repeatables.push_back(&r);
    }
    return p;
}

void read_known_scripts(Folder &f, const std::vector<ServerRow> &status) {
    read_known_scripts(f, ServerIndex(status));
}

void read_known_scripts(Folder &f, const ServerIndex &index) {
    std::vector<Migration *> which;
    for (auto &m : f.migrations)
        if ((m.up_unread || m.down_unread) && index.find(canonical_version(m.version)))
            which.push_back(&m);
    if (which.empty())
        return;
    // two threads: the server waits for us meanwhile, and this machine class has two cores
    ReadOptions ro;
    auto errors = read_scripts(f, which, ro, 2);
    trace("deploy: known scripts read");
    if (!errors.empty()) {
        auto more = check_unread(f);
        errors.insert(errors.end(), more.begin(), more.end());
        throw InputError(fmt::format("{}", fmt::join(errors, "\n")));
    }
}

void throw_if_bad_unread(Folder &f) {
    auto errors = check_unread(f);
    if (!errors.empty())
        throw InputError(fmt::format("{}", fmt::join(errors, "\n")));
}

bool has_work_by_versions(const std::vector<std::string> &local,
                          const std::vector<ServerRow> &status) {
    for (const auto &s : status)
        if (s.kind != "repeatable" &&
            (s.state == "pending" || s.state == "partial" || s.state == "failed"))
            return true;
    if (local.size() > status.size())
        return true; // more versions than the server has rows
    ServerIndex index(status);
    for (const auto &v : local)
        if (!index.find(v))
            return true;
    return false;
}

} // namespace mig::client
