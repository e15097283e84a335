// pgmig up [--to V] [--dry-run] [--per-migration]
#include "commands.hpp"
#include "deploy.hpp"

#include <CLI/CLI.hpp>
#include <future>
#include <memory>

namespace mig::client {

struct UpOptions {
    std::string to;
    bool dry_run = false;
    bool per_migration = false;
};

Command register_up(CLI::App &app) {
    auto o = std::make_shared<UpOptions>();
    auto *sub = app.add_subcommand("up", "upload what is new and apply every pending migration");
    sub->add_option("--to", o->to, "apply up to and including this version");
    sub->add_flag("--dry-run", o->dry_run,
                  "really run the migrations in a transaction, report, and roll back");
    sub->add_flag("--per-migration", o->per_migration,
                  "commit after each migration (default: one transaction for everything)");
    return {sub, [o](Context &ctx) {
                // Connecting and reading mig.status() (read-only) overlap with reading the
                // folder; bad input still stops everything before anything is sent that could
                // change the database, and is reported even when the server is down.
                trace("up: start");
                auto pending = std::async(std::launch::async, [&ctx] {
                    auto c = ctx.connect();
                    trace("up: connected");
                    auto rows = fetch_status(*c);
                    return std::make_pair(std::move(c), std::move(rows));
                });
                Folder f;
                try {
                    f = ctx.load();
                } catch (...) {
                    try {
                        pending.get();
                    } catch (...) {
                    }
                    throw;
                }
                trace("up: folder read");
                auto [c, rows] = pending.get();
                trace("up: status read");
                DeployOptions d;
                if (!o->to.empty())
                    d.target = checked_version(o->to);
                d.dry_run = o->dry_run;
                d.per_migration = o->per_migration;
                return deploy(ctx, *c, f, d, std::move(rows));
            }};
}

} // namespace mig::client
