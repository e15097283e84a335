// pgmig reset: down --all, then up.
#include "commands.hpp"
#include "deploy.hpp"
#include "rollback.hpp"

#include <CLI/CLI.hpp>

namespace mig::client {

Command register_reset(CLI::App &app) {
    auto *sub = app.add_subcommand("reset", "roll back everything, then apply everything again");
    return {sub, [](Context &ctx) {
                ctx.require_yes("reset");
                Folder f = ctx.load();
                auto c = ctx.connect();
                RollbackRequest r;
                r.mode = RollbackMode::All;
                if (int rc = rollback(
                        ctx, *c, [&f] { return &f; }, r))
                    return rc;
                return deploy(ctx, *c, f, DeployOptions{});
            }};
}

} // namespace mig::client
