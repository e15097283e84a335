// pgmig: the command-line client of the pgmig extension (docs/cli.md).
#include "commands.hpp"
#include "context.hpp"
#include "errors.hpp"
#include "errors_report.hpp"
#include "mask.hpp"
#include "output.hpp"
#include "trace.hpp"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <fmt/format.h>

namespace {

const char *kFooter = R"(Exit codes:
  0  done
  1  a migration failed (SQL error; its transaction was rolled back)
  2  usage or input error (bad files, edited applied migration, missing down script, ...)
  3  cannot connect, or the deploy lock was not obtained in time
Environment: PGMIG_DSN, DATABASE_URL, PG* (libpq), PGMIG_CONFIG, NO_COLOR.
Global options may come before or after the verb. See docs/cli.md.)";

} // namespace

// Everything inside is caught and mapped to exit codes; only constructing CLI::App could throw
// (std::bad_alloc), and then terminating is right.
int main(int argc, char **argv) { // NOLINT(bugprone-exception-escape)
    using namespace mig::client;
    trace("main");
    CLI::App app{"pgmig: schema migrations that live inside PostgreSQL"};
    app.set_version_flag("--version", "pgmig 0.1.0");
    app.footer(kFooter);
    app.require_subcommand(1);
    app.fallthrough();
    Context ctx;
    add_global_options(app, ctx.opt);

    std::vector<Command> cmds = {register_init(app),     register_new(app),     register_up(app),
                                 register_down(app),     register_redo(app),    register_reset(app),
                                 register_goto(app),     register_status(app),  register_log(app),
                                 register_validate(app), register_baseline(app)};
    cmds.push_back(register_adopt(app)); // after `up`: it adds `up --ignore-other-tools`
    // The global options are added to a verb too, so that `pgmig VERB --help` lists them and
    // they may follow the verb; but only to a verb named on the command line (no other can be
    // parsed): for all eleven it took ~2M instructions, before anything else could start.
    auto named = [argc, argv](const std::string &verb) {
        for (int i = 1; i < argc; ++i)
            if (verb == argv[i])
                return true;
        return false;
    };
    for (auto &c : cmds) {
        c.sub->footer(kFooter);
        if (named(c.sub->get_name()))
            add_global_options(*c.sub, ctx.opt);
    }

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError &e) {
        int rc = app.exit(e);
        return rc == 0 ? 0 : EXIT_USAGE;
    }
    trace("main: arguments parsed");
    try {
        ctx.resolve(cmds[0].sub->parsed());
        for (auto &c : cmds)
            if (c.sub->parsed())
                return c.run(ctx);
    } catch (const Exit &e) {
        return e.code;
    } catch (const InputError &e) {
        // one problem per line (a folder's bad files), as `validate` lists them; indented
        // lines continue the one above
        std::string all = mask_password(e.what());
        for (size_t at = 0; at <= all.size();) {
            size_t nl = std::min(all.find('\n', at), all.size());
            std::string line = all.substr(at, nl - at);
            if (!line.empty() && (line[0] == ' ' || line[0] == '\t'))
                fmt::print(stderr, "{}\n", line);
            else if (!line.empty() || at == 0)
                error_line(line);
            at = nl + 1;
        }
        return EXIT_USAGE;
    } catch (const ConnectError &e) {
        error_line(mask_password(e.what()));
        return EXIT_CONNECT;
    } catch (const PgError &e) {
        return report_error(e, nullptr, false, ctx.opt.verbose);
    } catch (const std::exception &e) {
        error_line(mask_password(e.what()));
        return EXIT_MIGRATION_FAILED;
    }
    return EXIT_USAGE;
}
