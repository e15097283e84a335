// The steps of deploy() (deploy.cpp) that have files of their own: uploading and planning
// (deploy_plan.cpp), applying repeatables, and the dry run (deploy_dry_run.cpp).
#pragma once
#include "context.hpp"
#include "layouts/layout.hpp"
#include "pg_conn.hpp"
#include "transactions.hpp"
#include "upload.hpp"

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace mig::client {

// mig.apply(up to `version`), one row per migration applied: version, name, action, and the
// duration in seconds (asked as a number: no interval text, whatever the session's
// IntervalStyle).
extern const char *const kApplySql;

// In the open transaction: uploads `uploads` (none: nothing new) in one pipeline, then returns
// what mig.plan(target) returns. own_plan: nothing was pending on the server before, and the
// plan may then be built from the uploads' own results when it is one transaction
// (plan_from_uploads in deploy_plan.cpp), saving a query.
std::vector<PlanRow> upload_and_plan(Conn &c, Folder &f, const std::vector<UploadItem> &uploads,
                                     const std::optional<std::string> &target, bool own_plan);

// Runs one Flyway R__ migration (the server skips it when its checksum was applied already);
// returns whether it ran and how long it took, in seconds.
std::pair<bool, double> apply_repeatable(Conn &c, const Migration &r);

// `up --dry-run` in the open transaction: runs what one transaction can, reports every
// migration (`report` gets the JSON rows) and the lock report of its statements (mig.dry_run),
// rolls back. Returns the exit code: EXIT_FLAGGED when a statement has a flag of `fail_on`.
int dry_run(const Context &ctx, Conn &c, const Folder &f, const std::vector<PlanRow> &plan,
            const std::vector<const Migration *> &repeatables,
            const std::vector<std::string> &fail_on, nlohmann::json &report);

// `up --dry-run --json`: the report's migrations (so far, when it failed) and "dry_run".
void dry_run_to_json(const nlohmann::json &report);

} // namespace mig::client
