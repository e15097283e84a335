// pgmig redo: down 1, then up to the same version.
#include "commands.hpp"
#include "deploy.hpp"
#include "output.hpp"
#include "rollback.hpp"
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
                RollbackRequest r;
                if (int rc = rollback(
                        ctx, *c, [&f] { return &f; }, r))
                    return rc;
                DeployOptions d;
                d.target = last;
                return deploy(ctx, *c, f, d);
            }};
}

} // namespace mig::client
