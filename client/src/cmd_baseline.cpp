// pgmig baseline V: adopt an existing database (upload files <= V, then mig.baseline(V)).
#include "commands.hpp"
#include "json_report.hpp"
#include "deploy.hpp"
#include "errors.hpp"
#include "output.hpp"
#include "text.hpp"
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
                *v = folder_version(f, *v);
                auto c = ctx.connect();
                auto status = fetch_status(*c);
                // as `up --to`: a version no migration has would mark later files at or below
                // it applied without a word
                if (!knows_version(f, status, *v))
                    throw InputError(fmt::format(
                        "unknown version \"{}\": no migration in {} or in the database has it "
                        "(baseline names the last migration the database already has; see pgmig "
                        "status)",
                        *v, f.dir));
                read_known_scripts(f, status);
                auto sp = compute_sync(f, status);
                std::vector<UploadItem> todo;
                for (size_t i = 0; i < sp.upload.size(); ++i)
                    if (compare_versions(sp.upload[i]->version, *v) <= 0)
                        todo.push_back({sp.upload[i], sp.replace[i]});
                try {
                    begin_locked(*c, ctx);
                    UploadBuilder ub(f, todo);
                    auto rs = c->pipeline([&](size_t) { return ub.next(); });
                    ub.check(rs);
                    for (size_t i = 0; i < ub.streamed().size(); ++i)
                        upload_streamed(*c, f, *ub.streamed()[i].m, ub.streamed()[i].replace,
                                        i == 0);
                    auto r = c->exec("SELECT version, name, action FROM mig.baseline($1)", {*v});
                    c->exec("COMMIT");
                    for (int i = 0; i < r.rows(); ++i) {
                        json_report::migration(r.str(i, 0), r.str(i, 1), r.str(i, 2), -1,
                                               c->user());
                        if (ctx.show_progress())
                            fmt::print("{:<11} {} {}\n", r.str(i, 2), r.str(i, 0),
                                       printable(r.str(i, 1), false));
                    }
                    if (ctx.show_progress())
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
