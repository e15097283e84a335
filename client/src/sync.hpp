// Comparing the folder with what the server has (mig.status()): what to upload, what was edited.
#pragma once
#include "layouts/layout.hpp"
#include "pg_conn.hpp"

#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace mig::client {

struct ServerRow {
    std::string version, name, state, kind;
    std::optional<std::string> batch, applied_at, duration, checksum, down_checksum;
    bool has_down = false, transactional = true;
};

std::vector<ServerRow> fetch_status(Conn &c);
// mig.status() with only what compute_sync() needs (version, name, state, kind, checksums):
// batch, applied_at and duration stay empty, has_down and transactional at their defaults.
std::vector<ServerRow> fetch_sync_status(Conn &c);
extern const char *const kStatusSql;
std::vector<ServerRow> read_status(const Result &r);

struct SyncPlan {
    std::vector<Migration *> upload;
    std::vector<bool> replace;
    std::vector<std::string> drift; // messages: applied migration whose file changed
    std::vector<const Migration *> repeatables;
    bool pending = false; // something pending/partial/failed on the server
};
// The versioned rows of mig.status() by canonical version (hashed: for 1,000 rows a std::map
// cost ~1 ms to build, on the path of a no-op `up`; sorting strings cost ~2.5M instructions).
class ServerIndex {
  public:
    explicit ServerIndex(const std::vector<ServerRow> &status);
    // The row of a canonical version (canonical_version()), or nullptr.
    const ServerRow *find(const std::string &canonical) const;
    bool empty() const { return by_version_.empty(); }

  private:
    std::unordered_map<std::string, const ServerRow *> by_version_;
};

// Flyway's baseline migration (the folder's first, Migration::flyway_baseline) is for a database
// without migrations: where the server has versioned migrations but not it, it is removed from
// the folder (as Flyway ignores it there). compute_sync() does this first.
void drop_unused_flyway_baseline(Folder &f, bool server_has_versions, bool server_has_it);
void drop_unused_flyway_baseline(Folder &f, const ServerIndex &index);
// Whether a server row of the baseline's version is the baseline itself: it has its checksum,
// or (edited: drift, reported) its name. A database that ran the V migrations has the last V
// it replaced there.
bool is_flyway_baseline_row(const Migration &baseline, std::string_view checksum,
                            std::string_view name);

// Needs the checksums of the migrations the server knows (read_known_scripts).
SyncPlan compute_sync(Folder &f, const std::vector<ServerRow> &status);
SyncPlan compute_sync(Folder &f, const std::vector<ServerRow> &status, const ServerIndex &index);

// Reads the unread scripts of the folder's migrations that the server knows (mig.status()
// rows), for compute_sync to compare. Throws InputError naming every bad file (of the whole
// folder: the others are read and checked too then).
void read_known_scripts(Folder &f, const std::vector<ServerRow> &status);
void read_known_scripts(Folder &f, const ServerIndex &index);
// Throws InputError naming every bad file among the folder's unread scripts, if any: what a
// command that stops early (a connection error, an edited migration) reports first, as it
// would have had the folder been read whole.
void throw_if_bad_unread(Folder &f);

// Whether `up` has work for sure, from the versions alone (no checksums needed): a versioned
// migration of the folder (canonical versions, `local`) that the server does not know, or one
// pending (or partial, failed) on the server. Decides whether to take the deploy lock before
// the folder's scripts are read and compared.
bool has_work_by_versions(const std::vector<std::string> &local,
                          const std::vector<ServerRow> &status);

} // namespace mig::client
