// pgmig baseline V: adopt an existing database (upload files <= V, then mig.baseline(V)).
#include "commands.hpp"
#include "deploy.hpp"
#include "errors.hpp"
#include "output.hpp"
#include "version.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <memory>

namespace mig::client {

Command register_baseline(CLI::App &app) {
    auto v = std::make_shared<std::string>();
    auto *sub = app.add_subcommand("baseline", "adopt an existing database: mark every migration "
                                               "up to V applied without running it");
    sub->add_option("V", *v, "baseline version")->required();
    return {sub, [v](Context &ctx) {
                ctx.require_yes("baseline");
                *v = checked_version(*v);
                Folder f = ctx.load();
                auto c = ctx.connect();
                auto sp = compute_sync(f, fetch_status(*c));
                std::vector<size_t> todo;
                for (size_t i = 0; i < sp.upload.size(); ++i)
                    if (compare_versions(sp.upload[i]->version, *v) <= 0)
                        todo.push_back(i);
                try {
                    begin_locked(*c, ctx);
                    auto rs = c->pipeline(todo.size(), [&](size_t k) {
                        return upload_query(*sp.upload[todo[k]], sp.replace[todo[k]]);
                    });
                    for (size_t k = 0; k < todo.size(); ++k)
                        check_uploaded(*sp.upload[todo[k]], rs[k]);
                    auto r = c->exec("SELECT version, name, action FROM mig.baseline($1)", {*v});
                    c->exec("COMMIT");
                    for (int i = 0; i < r.rows(); ++i)
                        if (ctx.show_progress())
                            fmt::print("{:<11} {} {}\n", r.str(i, 2), r.str(i, 0), r.str(i, 1));
                    if (!ctx.opt.quiet)
                        fmt::print("baseline {}: {} migration(s) marked applied without running\n",
                                   *v, r.rows());
                } catch (const PgError &e) {
                    c->rollback_quietly();
                    return report_error(e, &f, false, ctx.opt.verbose);
                } catch (const InputError &) {
                    c->rollback_quietly();
                    throw;
                }
                return 0;
            }};
}

} // namespace mig::client
