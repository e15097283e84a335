// Deploying: comparing the folder with mig.status(), uploading only what is new (one pipeline),
// the deploy lock, and running the plan transaction by transaction.
#pragma once
#include "context.hpp"
#include "errors_report.hpp"
#include "layouts/layout.hpp"
#include "pg_conn.hpp"
#include "trace.hpp"
#include "upload.hpp"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace mig::client {

struct ServerRow {
    std::string version, name, state, kind;
    std::optional<std::string> batch, applied_at, duration, checksum, down_checksum;
    bool has_down = false, transactional = true;
};

std::vector<ServerRow> fetch_status(Conn &c);
extern const char *const kStatusSql;
std::vector<ServerRow> read_status(const Result &r);

struct SyncPlan {
    std::vector<const Migration *> upload;
    std::vector<bool> replace;
    std::vector<std::string> drift; // messages: applied migration whose file changed
    std::vector<const Migration *> repeatables;
    bool pending = false; // something pending/partial/failed on the server
};
SyncPlan compute_sync(const Folder &f, const std::vector<ServerRow> &status);

// mig.upload() with the body as a parameter (read from the file when not in memory); its
// result must go through check_uploaded
Query upload_query(const Migration &m, bool replace);
// Throws InputError when the server's checksum of an upload_query differs from m.checksum (the
// file changed after it was hashed or its checksum was cached).
void check_uploaded(const Migration &m, const Result &r, int row = 0);
// mig.upload_many() for several migrations (bodies as binary text[] parameters); row k of its
// result is ms[k]'s (check_uploaded with row k)
Query upload_many_query(const std::vector<std::pair<const Migration *, bool>> &ms);
// How deploy() sends the uploads: small scripts many to a mig.upload_many call, big ones alone
struct UploadUnit {
    std::vector<std::pair<const Migration *, bool>> items; // migration, replace
    bool many;
};
std::vector<UploadUnit> upload_units(const std::vector<std::pair<const Migration *, bool>> &ups);
// Whether m's body is too big for a parameter: upload_streamed() sends it by COPY.
bool upload_streams(const Migration &m);
// Uploads a big body by COPY into a temporary table, in the open transaction. `first`: the
// first such upload of the transaction (creates the table).
void upload_streamed(Conn &c, const Migration &m, bool replace, bool first);

// BEGIN; takes the deploy lock (polling while another deployer holds it, showing who) and sets
// lock_timeout/statement_timeout for the transaction. Throws ConnectError after --lock-wait.
void begin_locked(Conn &c, const Context &ctx);

struct DeployOptions {
    std::optional<std::string> target;
    bool dry_run = false;
    bool per_migration = false;
};

// `pgmig up` on an open connection (also used by redo, reset, goto). Returns the exit code.
// `status`: mig.status() rows when the caller already has them (fetched otherwise).
int deploy(Context &ctx, Conn &c, const Folder &f, const DeployOptions &o,
           std::optional<std::vector<ServerRow>> status = std::nullopt);

// Runs a non-transactional migration statement by statement at top level, recording progress.
// Returns 0 or the exit code after reporting the error.
int run_outside_transaction(const Context &ctx, Conn &c, const Folder *f,
                            const std::string &version, const std::string &name, bool down);

// Sleeps before retry `attempt` (1, 2, 3) after a lock_timeout error.
void lock_backoff(int attempt);

} // namespace mig::client
