// pgmig reset: down --all, then up, in one transaction when it can be (down_up.hpp).
#include "commands.hpp"
#include "down_up.hpp"

#include <CLI/CLI.hpp>

namespace mig::client {

Command register_reset(CLI::App &app) {
    auto *sub = app.add_subcommand("reset", "roll back everything, then apply everything again");
    return {sub, [](Context &ctx) {
                ctx.require_yes("reset");
                Folder f = ctx.load();
                auto c = ctx.connect();
                DownUp r;
                r.verb = "reset";
                return down_then_up(ctx, *c, f, r);
            }};
}

} // namespace mig::client
