// Deploying (`pgmig up`, also redo, reset, goto): compare the folder with mig.status(), upload
// what is new, plan, and apply transaction by transaction (transactions.hpp says where each
// ends) under the deploy lock.
#pragma once
#include "context.hpp"
#include "deploy_lock.hpp"
#include "errors_report.hpp"
#include "layouts/layout.hpp"
#include "pg_conn.hpp"
#include "run_outside.hpp"
#include "sync.hpp"
#include "trace.hpp"
#include "upload.hpp"
#include "upload_stream.hpp"

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace mig::client {

struct DeployOptions {
    std::optional<std::string> target;
    bool dry_run = false;
    // with dry_run: the lock report's flags that make the exit code EXIT_FLAGGED (--fail-on)
    std::vector<std::string> fail_on;
    bool per_migration = false;
    // a down script that does not parse is refused at upload (else stored with its error and
    // warned about: docs/sql-api.md, "Broken down scripts")
    bool strict = false;
    // With `locked`: the caller's open transaction holds work of its own (redo's rollback,
    // down_up.hpp), which must commit with the deploy or not at all. It is committed when there
    // is nothing to apply, and the first transaction is not retried after a lock timeout (the
    // retry would apply without that work).
    bool after_callers_work = false;
    // Instead of applying (`pgmig verify`): called in the deploy's first transaction once what
    // is new is uploaded and the plan read (the same code path as `up`); it must end that
    // transaction (rolling back the uploads too) and returns deploy()'s exit code. Nothing to
    // upload or apply does not end the deploy early then, and no --yes is required.
    std::function<int(Conn &)> instead_of_apply;
};

// `pgmig up` on an open connection (also used by redo, reset, goto). Returns the exit code.
// `status`: mig.status() rows when the caller already has them (fetched otherwise). `locked`:
// c is in a transaction that holds the deploy lock already (begin_locked). Scripts the folder
// has not read yet are read when needed: those of migrations the server knows before
// comparing, the others while uploading.
int deploy(Context &ctx, Conn &c, Folder &f, const DeployOptions &o,
           std::optional<std::vector<ServerRow>> status = std::nullopt, bool locked = false);

} // namespace mig::client
