// pgmig: the command-line client of the pgmig extension (docs/cli.md).
#include "cli_args.hpp"
#include "commands.hpp"
#include "context.hpp"
#include "errors.hpp"
#include "errors_report.hpp"
#include "interrupt.hpp"
#include "json_report.hpp"
#include "mask.hpp"
#include "output.hpp"
#include "trace.hpp"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <fmt/format.h>

#ifndef PGMIG_VERSION
#error "PGMIG_VERSION is defined by client/CMakeLists.txt (EXTVERSION of the top Makefile)"
#endif

namespace mig::client {
namespace {

const char *kFooter = R"(Exit codes:
  0    done
  1    a migration failed (SQL error; its transaction was rolled back)
  2    usage or input error (bad files, edited applied migration, missing down script, ...)
  3    cannot connect, or the deploy lock was not obtained in time
  4    status --exit-code: a migration is pending, new, modified, missing or failed;
       up --dry-run --fail-on: a statement has a flag of the list
       drift --check: the catalog differs from the last deploy's; drift --exit-code: drift listed
  5    verify: a down script does not restore the schema
  130  interrupted by SIGINT, 143 by SIGTERM (the running statement cancelled, rolled back)
Environment: PGMIG_DSN, DATABASE_URL, PG* (libpq), PGMIG_CONFIG, NO_COLOR.
Global options may come before or after the verb. See docs/cli.md.)";

Arity arity_of(const CLI::App &app, const std::vector<Command> &cmds, const std::string &name) {
    const CLI::Option *o = app.get_option_no_throw(name);
    for (size_t i = 0; !o && i < cmds.size(); ++i)
        o = cmds[i].sub->get_option_no_throw(name);
    if (!o || o->get_expected_max() == 0)
        return Arity::None;
    return o->get_expected_min() == 0 ? Arity::Optional : Arity::One;
}

// CLI11's own message, but never with a password: an argument it did not expect is echoed.
int parse_failed(CLI::App &app, const CLI::ParseError &e) {
    if (e.get_exit_code() == 0) // --help, --version
        return app.exit(e);
    error_line(mask_password(e.what()));
    fmt::print(stderr, "Run with --help for more information.\n");
    return EXIT_USAGE;
}

// What the command line holds besides CLI11's options: the verb (a typo gets the closest verb),
// and a connection string given as an argument, which becomes -d. Neither message echoes a
// connection string: it may hold a password. Returns an exit code, or -1 to go on.
int check_scan(const ArgScan &scan, const std::vector<std::string> &verbs,
               const CLI::Option *dsn_option, GlobalOptions &opt) {
    if (!scan.verb.empty() && std::find(verbs.begin(), verbs.end(), scan.verb) == verbs.end()) {
        auto near = closest(scan.verb, verbs);
        error_line(near ? fmt::format("unknown command '{}'; did you mean '{}'?",
                                      mask_password(scan.verb), *near)
                        : fmt::format("unknown command '{}'; the commands are {}",
                                      mask_password(scan.verb), fmt::join(verbs, ", ")));
        return EXIT_USAGE;
    }
    if (scan.conninfos.empty())
        return -1;
    bool dash_d = std::any_of(scan.options.begin(), scan.options.end(),
                              [&](const std::string &n) { return dsn_option->check_name(n); });
    if (scan.conninfos.size() > 1 || dash_d) {
        error_line("more than one connection string: give one, with -d or as an argument (not "
                   "shown here: it may hold a password)");
        return EXIT_USAGE;
    }
    opt.dsn = scan.conninfos[0];
    return -1;
}

// Runs the parsed verb, mapping what it throws to the documented exit codes.
int run_verb(Context &ctx, std::vector<Command> &cmds) {
    try {
        ctx.resolve(cmds[0].sub->parsed());
        for (auto &c : cmds)
            if (c.sub->parsed()) {
                if (ctx.opt.json)
                    json_report::begin(c.sub->get_name());
                return c.run(ctx);
            }
    } catch (const Exit &e) {
        return e.code;
    } catch (const InputError &e) {
        // one problem per line (a folder's bad files), as `validate` lists them; indented
        // lines continue the one above
        std::string all = mask_password(e.what());
        json_report::error(all);
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

} // namespace
} // namespace mig::client

// Everything inside is caught and mapped to exit codes; only constructing CLI::App could throw
// (std::bad_alloc), and then terminating is right.
int main(int argc, char **argv) { // NOLINT(bugprone-exception-escape)
    using namespace mig::client;
    trace("main");
    line_buffer_output();
    install_interrupt_handlers();
    CLI::App app{"pgmig: schema migrations that live inside PostgreSQL"};
    // before the verbs, which copy it; -h is --host, as in psql
    app.set_help_flag("-?,--help", "print this help message and exit");
    app.set_version_flag("--version", "pgmig " PGMIG_VERSION);
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
    cmds.push_back(register_repair(app));
    cmds.push_back(register_discard(app));
    cmds.push_back(register_drift(app));
    cmds.push_back(register_verify(app));
    std::vector<std::string> verbs;
    verbs.reserve(cmds.size());
    for (auto &c : cmds)
        verbs.push_back(c.sub->get_name());
    ArgScan scan = scan_args(
        std::vector<std::string>(argv + 1, argv + argc),
        [&](const std::string &name) { return arity_of(app, cmds, name); }, verbs);
    if (int rc = check_scan(scan, verbs, app.get_option("--dsn"), ctx.opt); rc >= 0)
        return rc;
    // The global options are added to a verb too, so that `pgmig VERB --help` lists them and
    // they may follow the verb; but only to the verb named on the command line (no other can be
    // parsed): for all eleven it took ~2M instructions, before anything else could start.
    for (auto &c : cmds) {
        c.sub->footer(kFooter);
        if (c.sub->get_name() == scan.verb)
            add_global_options(*c.sub, ctx.opt);
    }
    std::vector<const char *> rest = {argv[0]};
    for (const auto &a : scan.rest)
        rest.push_back(a.c_str());
    std::string positional_dsn = ctx.opt.dsn; // CLI11 would replace it with PGMIG_DSN's
    try {
        app.parse(static_cast<int>(rest.size()), rest.data());
    } catch (const CLI::ParseError &e) {
        return parse_failed(app, e);
    }
    if (!positional_dsn.empty())
        ctx.opt.dsn = positional_dsn;
    trace("main: arguments parsed");
    int rc = run_verb(ctx, cmds);
    if (interrupted()) {
        std::string msg = fmt::format(
            "interrupted by {}: the work in progress was cancelled on the server and rolled "
            "back; what was committed before stays applied (`pgmig status` shows what is "
            "applied and what is pending)",
            interrupt_name());
        fmt::print(stderr, "{}\n", msg);
        json_report::error(msg);
        rc = interrupt_exit_code();
    }
    json_report::finish(rc); // --json: the run's one document
    return rc;
}
