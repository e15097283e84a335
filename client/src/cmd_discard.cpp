// pgmig discard V: removes a pending migration from the database (mig.discard), the way out
// for one whose file was deleted (status: missing-file; `up` refuses to run it).
#include "commands.hpp"
#include "json_report.hpp"
#include "deploy_lock.hpp"
#include "errors.hpp"
#include "errors_report.hpp"
#include "folder_pairs.hpp"
#include "output.hpp"
#include "text.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <memory>
#include <nlohmann/json.hpp>

namespace mig::client {
namespace {

struct DiscardOptions {
    std::string version;
    bool dry_run = false;
};

int run_discard(Context &ctx, const DiscardOptions &o) {
    std::string v = checked_version(o.version);
    if (!o.dry_run)
        ctx.require_yes("discard");
    std::optional<Folder> f = load_if_present(ctx);
    auto c = ctx.connect();
    try {
        begin_locked(*c, ctx);
        Result r = c->exec("SELECT version, name, checksum, uploaded_by FROM mig.discard($1)", {v});
        c->exec(o.dry_run ? "ROLLBACK" : "COMMIT");
        if (ctx.opt.json) { // the document of docs/json.md
            json_report::migration(r.str(0, 0), r.str(0, 1),
                                   o.dry_run ? "would discard" : "discarded", -1);
            json_report::set("dry_run", o.dry_run);
            json_report::set("discard", nlohmann::json{{"checksum", r.str(0, 2)},
                                                       {"uploaded_by", r.str(0, 3)}});
        } else if (!ctx.opt.quiet) {
            fmt::print("{} pending migration {} ({}), uploaded by {}\n",
                       o.dry_run ? "would discard" : "discarded", r.str(0, 0),
                       printable(r.str(0, 1), false), printable(r.str(0, 3), false));
        }
        // still in the folder: the next up uploads it again (what a discard of a stale upload
        // wants; not what one of a deleted migration expects)
        if (f)
            if (const Migration *m = find_migration(*f, v); m && !ctx.opt.quiet)
                warn(fmt::format("{} is still in the folder: the next pgmig up uploads and "
                                 "applies it again",
                                 m->up_file));
    } catch (const PgError &e) {
        c->rollback_quietly();
        return report_error(e, f ? &*f : nullptr, false, ctx.opt.verbose);
    }
    return EXIT_OK;
}

} // namespace

Command register_discard(CLI::App &app) {
    auto o = std::make_shared<DiscardOptions>();
    auto *sub = app.add_subcommand(
        "discard", "remove pending migration V from the database (one whose file was deleted: "
                   "status missing-file); an applied one is refused");
    sub->add_option("V", o->version, "the pending migration's version")->required();
    sub->add_flag("--dry-run", o->dry_run, "show what would be removed, remove nothing");
    return {sub, [o](Context &ctx) { return run_discard(ctx, *o); }};
}

} // namespace mig::client
