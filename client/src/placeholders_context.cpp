// A command's Flyway placeholder values (placeholders.hpp): pgmig.toml, --placeholder, and the
// built-ins the server knows.
#include "context.hpp"
#include "errors.hpp"
#include "placeholders.hpp"

#include <fmt/format.h>

namespace mig::client {

Placeholders command_placeholders(const Context &ctx, bool offline) {
    Placeholders p;
    for (const auto &[name, value] : ctx.env.placeholders)
        p.set(name, value);
    for (const auto &arg : ctx.opt.placeholders) {
        auto [name, value] = parse_placeholder_arg(arg);
        p.set(name, std::move(value));
    }
    p.on_server([&ctx, offline]() -> ServerFacts {
        if (offline)
            throw InputError("a script uses flyway:user, flyway:database or "
                             "flyway:defaultSchema, whose values come from the server: give "
                             "them with --placeholder (or in [placeholders]) to check offline");
        // one round trip on a connection of its own, only for a folder that needs it
        auto c = ctx.connect();
        auto r = c->exec("SELECT current_user, pg_catalog.current_database(), "
                         "coalesce(pg_catalog.current_schema(), 'public')");
        return ServerFacts{r.str(0, 0), r.str(0, 1), r.str(0, 2)};
    });
    return p;
}

void expand_folder(const Context &ctx, Folder &f, bool offline) {
    if (f.layout != Layout::Flyway)
        return;
    Placeholders p = command_placeholders(ctx, offline);
    expand_folder(f, p);
}

} // namespace mig::client
