// Comparing the folder with what the server has (mig.status()): what to upload, what was edited.
#pragma once
#include "edit_diff.hpp"
#include "folder_pairs.hpp"
#include "layouts/layout.hpp"
#include "pg_conn.hpp"

#include <optional>
#include <string>
#include <vector>

namespace mig::client {

struct ServerRow {
    std::string version, name, state, kind;
    std::optional<std::string> batch, checksum, down_checksum;
    bool has_down = false, transactional = true;
};

std::vector<ServerRow> fetch_status(Conn &c);
// mig.status() with only what compute_sync() needs (version, name, state, kind, checksums):
// batch stays empty, has_down and transactional at their defaults.
std::vector<ServerRow> fetch_sync_status(Conn &c);
extern const char *const kStatusSql;
std::vector<ServerRow> read_status(const Result &r);

// The folder's migrations paired with these rows (folder_pairs.hpp).
FolderPairs pair_with_server(const Folder &f, const std::vector<ServerRow> &status);

struct SyncPlan {
    std::vector<Migration *> upload;
    std::vector<bool> replace;
    std::vector<std::string> drift;   // messages: applied migration whose file changed
    std::vector<EditedScript> edited; // drift[i]'s script, for explain_edit()
    std::vector<const Migration *> repeatables;
    bool pending = false; // something pending/partial/failed on the server
    // applied migrations the server has no down script for, whose file now has one (same up
    // script): `up` stores it (mig.set_down) instead of refusing
    std::vector<std::pair<Migration *, const ServerRow *>> add_down;
    // pending migrations of the server that no file of the folder has (server rows): `up`
    // refuses to run those uploaded from a file (missing_files())
    std::vector<const ServerRow *> unpaired_pending;
};

// Needs the checksums of the migrations the server knows (read_known_scripts). Drops an unused
// Flyway baseline from the folder first (FolderPairs::drop_unused_flyway_baseline).
SyncPlan compute_sync(Folder &f, const std::vector<ServerRow> &status);
SyncPlan compute_sync(Folder &f, const std::vector<ServerRow> &status, FolderPairs &pairs);

// Reads the unread scripts of the folder's migrations that the server knows (mig.status()
// rows), for compute_sync to compare. Throws InputError naming every bad file (of the whole
// folder: the others are read and checked too then).
void read_known_scripts(Folder &f, const std::vector<ServerRow> &status);
void read_known_scripts(Folder &f, const FolderPairs &pairs);
// Throws InputError naming every bad file among the folder's unread scripts, if any: what a
// command that stops early (a connection error, an edited migration) reports first, as it
// would have had the folder been read whole.
void throw_if_bad_unread(Folder &f);

// Of sp.unpaired_pending (up to `target`, if any), those uploaded from a file that is gone:
// "FILE: ..." messages naming the way out (pgmig discard). One query, only when there are any.
std::vector<std::string> missing_files(Conn &c, const SyncPlan &sp,
                                       const std::optional<std::string> &target,
                                       const std::string &dir);

// Whether `up` has work for sure, from the versions alone (no checksums needed): a versioned
// migration of the folder (canonical versions, `local`) that the server does not know, or one
// pending (or partial, failed) on the server. Decides whether to take the deploy lock before
// the folder's scripts are read and compared.
bool has_work_by_versions(const std::vector<std::string> &local,
                          const std::vector<ServerRow> &status);

// Whether `version` is a versioned migration of the folder or of the server.
bool knows_version(const Folder &f, const std::vector<ServerRow> &status,
                   const std::string &version);

} // namespace mig::client
