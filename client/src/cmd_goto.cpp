// pgmig goto V: roll back above V, or apply up to V.
#include "commands.hpp"
#include "deploy.hpp"
#include "rollback.hpp"
#include "version.hpp"

#include <CLI/CLI.hpp>
#include <memory>

namespace mig::client {

Command register_goto(CLI::App &app) {
    auto v = std::make_shared<std::string>();
    auto *sub = app.add_subcommand("goto", "migrate up or down to exactly version V");
    sub->add_option("V", *v, "target version")->required();
    return {sub, [v](Context &ctx) {
                ctx.require_yes("goto");
                *v = checked_version(*v);
                Folder f = ctx.load();
                *v = folder_version(f, *v);
                auto c = ctx.connect();
                bool above = false;
                for (auto &s : fetch_status(*c))
                    if (s.kind != "repeatable" && s.state != "pending" && s.state != "baseline" &&
                        compare_versions(s.version, *v) > 0)
                        above = true;
                if (above) {
                    RollbackRequest r;
                    r.mode = RollbackMode::To;
                    r.version = *v;
                    if (int rc = rollback(
                            ctx, *c, [&f] { return &f; }, r))
                        return rc;
                }
                DeployOptions d;
                d.target = *v;
                return deploy(ctx, *c, f, d);
            }};
}

} // namespace mig::client
