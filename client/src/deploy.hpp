// Deploying: comparing the folder with mig.status(), uploading only what is new (one pipeline),
// the deploy lock, and running the plan transaction by transaction.
#pragma once
#include "context.hpp"
#include "errors_report.hpp"
#include "layouts/layout.hpp"
#include "pg_conn.hpp"
#include "sync.hpp"
#include "trace.hpp"
#include "upload.hpp"

#include <optional>
#include <string>
#include <vector>

namespace mig::client {

// Uploads a big body by COPY into a temporary table, in the open transaction. `first`: the
// first such upload of the transaction (creates the table).
// The checksum of a script that was not read yet is the one computed while sending it.
void upload_streamed(Conn &c, Folder &f, Migration &m, bool replace, bool first);

// BEGIN; takes the deploy lock (polling while another deployer holds it, showing who) and sets
// lock_timeout/statement_timeout for the transaction. Throws ConnectError after --lock-wait.
void begin_locked(Conn &c, const Context &ctx);
// One attempt of begin_locked: false (rolled back) when another deployer holds the lock.
bool try_begin_locked(Conn &c, const Context &ctx);

struct DeployOptions {
    std::optional<std::string> target;
    bool dry_run = false;
    bool per_migration = false;
};

// `pgmig up` on an open connection (also used by redo, reset, goto). Returns the exit code.
// `status`: mig.status() rows when the caller already has them (fetched otherwise). `locked`:
// c is in a transaction that holds the deploy lock already (begin_locked). Scripts the folder
// has not read yet are read when needed: those of migrations the server knows before
// comparing, the others while uploading.
int deploy(Context &ctx, Conn &c, Folder &f, const DeployOptions &o,
           std::optional<std::vector<ServerRow>> status = std::nullopt, bool locked = false);

// Runs a non-transactional migration statement by statement at top level, recording progress.
// Returns 0 or the exit code after reporting the error.
int run_outside_transaction(const Context &ctx, Conn &c, const Folder *f,
                            const std::string &version, const std::string &name, bool down);

// Sleeps before retry `attempt` (1, 2, 3) after a lock_timeout error.
void lock_backoff(int attempt);

// Whether `version` is a versioned migration of the folder or of the server.
bool knows_version(const Folder &f, const std::vector<ServerRow> &status,
                   const std::string &version);

} // namespace mig::client
