#include "context.hpp"

#include "errors.hpp"
#include "extension_check.hpp"
#include "mask.hpp"
#include "output.hpp"
#include "password_prompt.hpp"
#include "placeholders.hpp"
#include "version.hpp"

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <filesystem>
#include <regex>
#include <fmt/format.h>
#include <unistd.h>

namespace mig::client {

void add_global_options(CLI::App &app, GlobalOptions &o) {
    const char *g = "Connection";
    app.add_option("-d,--dbname,--dsn", o.dsn,
                   "database URL or conninfo (like psql -d); default: PGMIG_DSN, the --env's dsn, "
                   "DATABASE_URL, then libpq's PG* variables")
        ->envname("PGMIG_DSN")
        ->group(g);
    app.add_option("-h,--host", o.host, "database server host or socket directory (as psql's)")
        ->group(g);
    app.add_option("-p,--port", o.port, "database server port")->group(g);
    app.add_option("-U,--username", o.user, "database user name")->group(g);
    app.add_flag("-W,--password", o.password_prompt, "ask for the password (no echo)")->group(g);
    app.add_flag("-w,--no-password", o.no_password, "never ask for a password")->group(g);
    app.add_option("--env", o.env, "environment from pgmig.toml ([env.NAME])")->group(g);
    app.add_option("--wait", o.wait,
                   "wait for the server to accept connections (30 seconds when no value)")
        ->expected(0, 1)
        ->default_str("30")
        ->option_text("[=SECONDS]")
        ->group(g);
    const char *m = "Migrations";
    app.add_option("--dir", o.dir, "migrations folder (default: pgmig.toml's dir, or migrations)")
        ->group(m);
    app.add_option("--config", o.config, "configuration file (default: ./pgmig.toml if present)")
        ->group(m);
    app.add_option("--lock-timeout", o.lock_timeout,
                   "lock_timeout for migration SQL (default 5s; 0 = none)")
        ->group(m);
    app.add_option("--statement-timeout", o.statement_timeout,
                   "statement_timeout for migration SQL (default: server's)")
        ->group(m);
    app.add_option("--lock-wait", o.lock_wait,
                   "seconds to wait for another deployer's lock (default 60)")
        ->group(m);
    app.add_option("--lock-retries", o.lock_retries,
                   "retries of a statement that hit the lock timeout (default 10; 0 = none)")
        ->check(CLI::Range(0, 1000))
        ->option_text("N")
        ->group(m);
    app.add_option("--lock-wait-max", o.lock_wait_max,
                   "longest a statement retries after lock timeouts (default 60s; 0 = only "
                   "--lock-retries bounds it)")
        ->option_text("T")
        ->group(m);
    app.add_option("--placeholder", o.placeholders,
                   "a Flyway placeholder's value, ${NAME} in the scripts (repeatable; over "
                   "pgmig.toml's [placeholders])")
        ->allow_extra_args(false) // one value per --placeholder, given as often as needed
        ->option_text("NAME=VALUE")
        ->group(m);
    app.add_flag("-y,--yes", o.yes, "confirm changes to an environment that requires it")->group(m);
    const char *out = "Output";
    app.add_flag("-v,--verbose", o.verbose, "more output (a line per migration even when piped)")
        ->group(out);
    app.add_flag("-q,--quiet", o.quiet, "only errors")->group(out);
    app.add_flag("--no-cache", o.no_cache,
                 "read every script instead of trusting the stat cache (see docs/cli.md)")
        ->group(out);
    app.add_flag("--json", o.json, "JSON output (status, log, validate, up --dry-run)")->group(out);
    app.add_option("--color", o.color, "colour: auto (terminals, unless NO_COLOR), always, never")
        ->check(CLI::IsMember({"auto", "always", "never"}))
        ->option_text("WHEN")
        ->group(out);
}

std::string checked_version(const std::string &v) {
    auto n = normalize_version(v);
    if (!n)
        throw InputError(fmt::format("'{}' is not a version (digits, optionally in '.'-separated "
                                     "groups, e.g. 20240115093000 or 1.2)",
                                     v));
    return *n;
}

std::string folder_version(const Folder &f, const std::string &v) {
    if (v.size() <= 14 || v.find('.') != std::string::npos)
        return v;
    std::string key = canonical_version(v);
    std::string sequenced = canonical_version(v.substr(0, 14) + "." + v.substr(14));
    const Migration *found = nullptr;
    for (const auto &m : f.migrations) {
        std::string c = canonical_version(m.version);
        if (c == key)
            return v;
        if (c == sequenced)
            found = &m;
    }
    return found ? found->version : v;
}

void Context::resolve(bool config_may_be_missing) {
    std::string path = opt.config;
    if (path.empty()) {
        if (const char *e = std::getenv("PGMIG_CONFIG"))
            path = e;
    }
    if (path.empty() && std::filesystem::exists("pgmig.toml"))
        path = "pgmig.toml";
    if (!path.empty()) {
        if (config_may_be_missing && !std::filesystem::exists(path))
            cfg.path = path;
        else
            cfg = load_config(path);
    }
    env = resolve_env(cfg, opt.env);
    // PostgreSQL's time settings (a number, optionally a unit): checked before anything is
    // sent, so that a typo is a usage error (exit 2), not a failed migration
    static const std::regex time_setting(R"(\s*[0-9]+(\.[0-9]*)?\s*(us|ms|s|min|h|d)?\s*)");
    auto check_time = [](const char *what, const std::string &v) {
        if (!v.empty() && !std::regex_match(v, time_setting))
            throw InputError(fmt::format("{} '{}' is not a time: a number with an optional unit "
                                         "(us, ms, s, min, h, d), e.g. 5s, 500ms, 2min; 0 = none",
                                         what, v));
    };
    check_time("lock timeout", lock_timeout());
    check_time("statement timeout", statement_timeout());
    check_time("lock wait max", lock_policy().wait_max_setting);
    stdout_tty = isatty(1);
    stderr_tty = isatty(2);
    const char *term = std::getenv("TERM"), *no_color = std::getenv("NO_COLOR");
    bool color_out = color_wanted(opt.color, stdout_tty, term, no_color);
    color = color_wanted(opt.color, stderr_tty, term, no_color);
    set_output_color(color_out, color);
}

bool Context::dir_given() const {
    return !opt.dir.empty() || env.dir.has_value();
}

std::string Context::dir() const {
    if (!opt.dir.empty())
        return opt.dir;
    if (env.dir) {
        // relative to the configuration file's folder
        std::filesystem::path p(*env.dir);
        if (p.is_relative() && !cfg.path.empty())
            return (std::filesystem::path(cfg.path).parent_path() / p).lexically_normal().string();
        return *env.dir;
    }
    return "migrations";
}

std::string Context::conninfo() const {
    if (!opt.dsn.empty())
        return opt.dsn;
    if (env.dsn)
        return *env.dsn;
    // DATABASE_URL only when libpq has nothing else to go on
    auto set = [](const char *name) {
        const char *v = std::getenv(name);
        return v && *v;
    };
    if (!set("PGHOST") && !set("PGDATABASE") && !set("PGSERVICE") && set("DATABASE_URL"))
        return std::getenv("DATABASE_URL");
    return "";
}

std::string Context::lock_timeout() const {
    if (!opt.lock_timeout.empty())
        return opt.lock_timeout;
    return env.lock_timeout.value_or("5s");
}

std::string Context::statement_timeout() const {
    if (!opt.statement_timeout.empty())
        return opt.statement_timeout;
    return env.statement_timeout.value_or("");
}

double Context::lock_wait() const {
    if (opt.lock_wait >= 0)
        return opt.lock_wait;
    return env.lock_wait.value_or(60);
}

LockPolicy Context::lock_policy() const {
    LockPolicy p;
    if (opt.lock_retries >= 0)
        p.retries = opt.lock_retries;
    else if (env.lock_retries)
        p.retries = *env.lock_retries;
    if (!opt.lock_wait_max.empty())
        p.wait_max_setting = opt.lock_wait_max;
    else if (env.lock_wait_max)
        p.wait_max_setting = *env.lock_wait_max;
    p.wait_max = setting_seconds(p.wait_max_setting).value_or(60);
    return p;
}

void Context::require_yes(const char *verb) const {
    if (env.require_yes && !opt.yes)
        throw InputError(
            fmt::format("environment '{}' requires --yes for `pgmig {}`", opt.env, verb));
}

std::unique_ptr<Conn> Context::connect(bool check_version) const {
    ConnParams p;
    p.conninfo = conninfo();
    p.dbname = dbname;
    p.host = opt.host;
    p.port = opt.port;
    p.user = opt.user;
    p.wait_seconds = opt.wait;
    if (opt.password_prompt && !opt.no_password)
        p.password =
            prompt_password(opt.user.empty() ? "Password: "
                                             : fmt::format("Password for user {}: ", opt.user),
                            false)
                .value_or("");
    if (!opt.no_password) // as psql: only on a terminal, never in a CI job
        p.ask_password = [](const std::string &user) {
            return prompt_password(fmt::format("Password for user {}: ", user), true);
        };
    auto c = std::make_unique<Conn>(p);
    c->show_every_notice(opt.verbose > 0);
    if (check_version)
        check_extension_version(*c); // an older extension: stop before anything is sent to it
    return c;
}

std::unique_ptr<Conn> Context::connect_quietly(const std::string &password) const {
    ConnParams p;
    p.conninfo = conninfo();
    p.dbname = dbname;
    p.host = opt.host;
    p.port = opt.port;
    p.user = opt.user;
    p.password = password;
    return std::make_unique<Conn>(p);
}

Folder Context::load(bool defer_reads) const {
    LoadOptions lo;
    lo.use_cache = !opt.no_cache;
    lo.defer_reads = defer_reads;
    Folder f = load_folder(dir(), lo);
    for (auto &w : f.warnings)
        warn(w);
    expand_folder(*this, f); // Flyway's ${name} (placeholders.hpp)
    return f;
}

} // namespace mig::client
