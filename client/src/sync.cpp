#include "sync.hpp"

#include "errors.hpp"
#include "layouts/scripts.hpp"
#include "text.hpp"
#include "trace.hpp"
#include "version.hpp"

#include <fmt/format.h>
#include <unordered_set>

namespace mig::client {

const char *const kStatusSql = "SELECT version, name, state, kind, batch, checksum, "
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

bool unfinished(const ServerRow &s) {
    return s.state == "pending" || s.state == "partial" || s.state == "failed";
}

// The drift message of an applied migration whose file no longer matches the server's
// checksums; nullopt when it matches, or when the row needs no comparison.
std::optional<std::string> drift(const Migration &m, const ServerRow &s, bool up_same) {
    if (s.state == "baseline")
        return std::nullopt; // never runs; nothing to compare against
    if (!up_same)
        return fmt::format(
            "{}: migration {} was {} with checksum {}, but the file's checksum is now {}; "
            "an applied migration must not be edited (add a new migration instead; after a "
            "reviewed edit of comments or whitespace: pgmig repair {})",
            m.up_file, m.version, s.state, s.checksum.value_or("(none)"), m.checksum, m.version);
    return fmt::format("{}: the down script of applied migration {} changed (checksum {} on the "
                       "server, {} in the file); to store the file's: pgmig repair --down {}",
                       m.down_file.empty() ? m.up_file : m.down_file, m.version,
                       s.down_checksum.value_or("(none)"), m.down_checksum.value_or("(none)"),
                       m.version);
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
        s.checksum = r.opt(i, 5);
        s.down_checksum = r.opt(i, 6);
        s.has_down = r.str(i, 7) == "t";
        s.transactional = r.str(i, 8) != "f";
    });
}

FolderPairs pair_with_server(const Folder &f, const std::vector<ServerRow> &status) {
    return FolderPairs(f, status.size(), [&status](size_t i) {
        const ServerRow &s = status[i];
        return ServerKey{s.version, s.name,
                         s.checksum ? std::string_view(*s.checksum) : std::string_view(),
                         s.kind == "repeatable"};
    });
}

SyncPlan compute_sync(Folder &f, const std::vector<ServerRow> &status) {
    auto pairs = pair_with_server(f, status);
    return compute_sync(f, status, pairs);
}

SyncPlan compute_sync(Folder &f, const std::vector<ServerRow> &status, FolderPairs &pairs) {
    pairs.drop_unused_flyway_baseline(f);
    SyncPlan p;
    for (const auto &s : status)
        p.pending = p.pending || (s.kind != "repeatable" && unfinished(s));
    for (size_t k = 0; k < f.migrations.size(); ++k) {
        Migration &m = f.migrations[k];
        size_t row = pairs.row_of_migration(k);
        if (row == FolderPairs::none) {
            p.upload.push_back(&m);
            p.replace.push_back(false);
            continue;
        }
        const ServerRow &s = status[row];
        bool up_same = s.checksum && *s.checksum == m.checksum;
        if (up_same && s.down_checksum == m.down_checksum)
            continue;
        if (s.state == "pending") {
            p.upload.push_back(&m);
            p.replace.push_back(true);
        } else if (up_same && s.state == "applied" && !s.down_checksum && m.down_checksum) {
            p.add_down.emplace_back(&m, &s); // a forgotten down file, added since
        } else if (auto d = drift(m, s, up_same)) {
            p.drift.push_back(std::move(*d));
            p.edited.push_back({&m, up_same}); // the up script, unless only the down changed
        }
    }
    for (size_t i = 0; i < status.size(); ++i)
        if (status[i].state == "pending" && status[i].kind != "repeatable" &&
            !pairs.local_of_row(f, i))
            p.unpaired_pending.push_back(&status[i]);
    for (size_t k = 0; k < f.repeatables.size(); ++k) {
        size_t row = pairs.row_of_repeatable(k);
        const Migration &r = f.repeatables[k];
        if (row == FolderPairs::none || status[row].checksum != r.checksum)
            p.repeatables.push_back(&r);
    }
    return p;
}

void read_known_scripts(Folder &f, const std::vector<ServerRow> &status) {
    read_known_scripts(f, pair_with_server(f, status));
}

void read_known_scripts(Folder &f, const FolderPairs &pairs) {
    std::vector<Migration *> which;
    for (size_t k = 0; k < f.migrations.size(); ++k) {
        Migration &m = f.migrations[k];
        if ((m.up_unread || m.down_unread) && pairs.row_of_migration(k) != FolderPairs::none)
            which.push_back(&m);
    }
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

std::vector<std::string> missing_files(Conn &c, const SyncPlan &sp,
                                       const std::optional<std::string> &target,
                                       const std::string &dir) {
    std::vector<const std::string *> versions;
    for (const ServerRow *s : sp.unpaired_pending)
        if (!target || compare_versions(s->version, *target) <= 0)
            versions.push_back(&s->version);
    if (versions.empty())
        return {};
    // a binary text[] parameter (no quoting), sent through the pipeline as mig.vouch's
    Query q{"SELECT m.version, m.name, m.options OPERATOR(pg_catalog.->>) 'file' "
            "FROM mig.migration m WHERE m.version OPERATOR(pg_catalog.=) ANY "
            "($1::pg_catalog.text[]) AND m.options OPERATOR(pg_catalog.->>) 'file' IS NOT NULL "
            "ORDER BY m.vkey",
            {Param::binary(binary_text_array(versions))}};
    Result r = std::move(c.pipeline({q}).at(0));
    std::vector<std::string> out;
    for (int i = 0; i < r.rows(); ++i)
        out.push_back(fmt::format(
            "{}: pending migration {} ({}) was uploaded from this file, which is no longer in {}: "
            "up does not run a migration whose file is gone (restore the file, or remove the "
            "migration from the database: pgmig discard {})",
            printable(r.str(i, 2), false), r.str(i, 0), printable(r.str(i, 1), false), dir,
            r.str(i, 0)));
    return out;
}

bool has_work_by_versions(const std::vector<std::string> &local,
                          const std::vector<ServerRow> &status) {
    for (const auto &s : status)
        if (s.kind != "repeatable" && unfinished(s))
            return true;
    if (local.size() > status.size())
        return true; // more versions than the server has rows
    // hashed: this runs on the connection thread while the folder is still being read, on the
    // path of a no-op `up` (for 1,000 rows a std::map cost ~1 ms to build)
    std::unordered_set<std::string> known;
    known.reserve(status.size());
    for (const auto &s : status)
        if (s.kind != "repeatable")
            known.insert(canonical_version(s.version));
    for (const auto &v : local)
        if (!known.count(v))
            return true;
    return false;
}

bool knows_version(const Folder &f, const std::vector<ServerRow> &status,
                   const std::string &version) {
    for (const auto &m : f.migrations)
        if (compare_versions(m.version, version) == 0)
            return true;
    for (const auto &r : status)
        if (r.kind != "repeatable" && compare_versions(r.version, version) == 0)
            return true;
    return false;
}

} // namespace mig::client
