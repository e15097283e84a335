// pgmig goto V: roll back above V and apply up to V, in one transaction when it can be
// (down_up.hpp); goto 0: roll back everything.
#include "commands.hpp"
#include "down_up.hpp"
#include "errors.hpp"
#include "output.hpp"
#include "sync.hpp"
#include "version.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <memory>

namespace mig::client {
namespace {

// "0", "000", "0.0": before every migration (as mig.rollback_to('0') takes it).
bool zero_version(const std::string &v) {
    return v.find_first_not_of("0.") == std::string::npos;
}

} // namespace

Command register_goto(CLI::App &app) {
    auto v = std::make_shared<std::string>();
    auto *sub = app.add_subcommand("goto", "migrate up or down to exactly version V");
    sub->add_option("V", *v, "target version (0: roll back everything)")->required();
    return {sub, [v](Context &ctx) -> int {
                ctx.require_yes("goto");
                *v = checked_version(*v);
                Folder f = ctx.load();
                *v = folder_version(f, *v);
                auto c = ctx.connect();
                DownUp r;
                r.verb = "goto";
                r.range.above = *v;
                r.up_to = *v;
                if (!knows_version(f, fetch_status(*c), *v)) {
                    // refused before anything runs, unless it is 0: everything down, nothing up
                    if (!zero_version(*v)) {
                        error_line(fmt::format("unknown version \"{}\": no migration in {} or in "
                                               "the database has it (see pgmig status; goto 0 "
                                               "rolls back everything)",
                                               *v, f.dir));
                        return EXIT_USAGE;
                    }
                    r.range.above.reset();
                    r.deploy = false;
                    r.up_to.reset();
                }
                return down_then_up(ctx, *c, f, r);
            }};
}

} // namespace mig::client
