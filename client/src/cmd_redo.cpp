// pgmig redo: down 1, then up to the same version, in one transaction when it can be
// (down_up.hpp).
#include "commands.hpp"
#include "down_up.hpp"
#include "output.hpp"
#include "sync.hpp"
#include "version.hpp"

#include <CLI/CLI.hpp>

namespace mig::client {

Command register_redo(CLI::App &app) {
    auto *sub = app.add_subcommand("redo", "roll back the last migration and apply it again");
    return {sub, [](Context &ctx) {
                ctx.require_yes("redo");
                Folder f = ctx.load();
                auto c = ctx.connect();
                std::string last;
                for (auto &s : fetch_status(*c))
                    if (s.kind != "repeatable" && s.state == "applied" &&
                        (last.empty() || compare_versions(s.version, last) > 0))
                        last = s.version;
                if (last.empty()) {
                    warn("nothing to redo: no migration is applied");
                    return 0;
                }
                DownUp r;
                r.verb = "redo";
                r.range.steps = 1;
                r.up_to = last;
                return down_then_up(ctx, *c, f, r);
            }};
}

} // namespace mig::client
