// pgmig down [N | --to V | --batch | --all]
#include "commands.hpp"
#include "errors.hpp"
#include "placeholders.hpp"
#include "rollback.hpp"

#include <CLI/CLI.hpp>
#include <memory>

namespace mig::client {

std::optional<Folder> load_if_present(const Context &ctx) {
    try {
        Folder f = load_folder(ctx.dir());
        expand_folder(ctx, f); // Flyway's ${name} in undo scripts
        return f;
    } catch (const InputError &) {
        return std::nullopt;
    }
}

struct DownOptions {
    int steps = 1;
    std::string to;
    bool batch = false, all = false;
    bool trust_uploads = false;
};

Command register_down(CLI::App &app) {
    auto o = std::make_shared<DownOptions>();
    auto *sub = app.add_subcommand("down", "roll back (default: the last migration); the down "
                                           "scripts come from the database");
    auto *n = sub->add_option("N", o->steps, "number of migrations to roll back (default 1)")
                  ->check(CLI::Range(1, 2147483647));
    auto *to = sub->add_option("--to", o->to, "roll back every migration above this version");
    auto *b = sub->add_flag("--batch", o->batch, "roll back the last batch");
    auto *a = sub->add_flag("--all", o->all, "roll back everything");
    sub->add_flag("--trust-uploads", o->trust_uploads,
                  "also run down scripts of migrations that only the server has and another role "
                  "uploaded (each is named first; docs/security.md)");
    n->excludes(to)->excludes(b)->excludes(a);
    to->excludes(b)->excludes(a);
    b->excludes(a);
    return {sub, [o](Context &ctx) {
                ctx.require_yes("down");
                RollbackRequest r;
                r.trust_uploads = o->trust_uploads;
                if (!o->to.empty()) {
                    r.mode = RollbackMode::To;
                    r.version = checked_version(o->to);
                } else if (o->batch) {
                    r.mode = RollbackMode::Batch;
                } else if (o->all) {
                    r.mode = RollbackMode::All;
                } else {
                    r.steps = o->steps;
                }
                auto c = ctx.connect();
                std::optional<Folder> f;
                bool tried = false;
                if (r.mode == RollbackMode::To && r.version.size() > 14) {
                    tried = true; // diesel's undashed form needs the folder's versions
                    f = load_if_present(ctx);
                    if (f)
                        r.version = folder_version(*f, r.version);
                }
                auto folder = [&]() -> Folder * {
                    if (!tried) {
                        tried = true;
                        f = load_if_present(ctx);
                    }
                    return f ? &*f : nullptr;
                };
                return rollback(ctx, *c, folder, r);
            }};
}

} // namespace mig::client
