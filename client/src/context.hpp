// What every verb shares: global options, configuration, output settings, connecting.
#pragma once
#include "config.hpp"
#include "lock_policy.hpp"
#include "layouts/layout.hpp"
#include "pg_conn.hpp"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace mig::client {

struct GlobalOptions {
    std::string dsn;              // -d/--dbname/--dsn (also PGMIG_DSN)
    std::string host, port, user; // -h/-p/-U, as psql's: override the connection string's
    bool password_prompt = false; // -W: ask for the password before connecting
    bool no_password = false;     // -w: never ask
    std::string color = "auto";   // --color=auto|always|never
    std::string env;              // --env NAME from pgmig.toml
    std::string dir;              // --dir
    std::string config;           // --config FILE (default ./pgmig.toml when it exists)
    int verbose = 0;              // -v
    bool quiet = false;           // -q
    bool json = false;            // --json
    bool no_cache = false;        // --no-cache
    bool yes = false;             // --yes
    double wait = 0;              // --wait[=SECONDS]
    std::string lock_timeout;     // --lock-timeout (default 5s)
    std::string statement_timeout;
    std::vector<std::string> placeholders; // --placeholder NAME=VALUE (Flyway's ${NAME})
    double lock_wait = -1;                 // --lock-wait SECONDS (default 60)
    int lock_retries = -1;                 // --lock-retries N (default 10)
    std::string lock_wait_max;             // --lock-wait-max T (default 60s)
    bool full_diff = false; // --full (up, status, validate, adopt): the whole diff of an edit
};

struct Context {
    GlobalOptions opt;
    Config cfg;
    EnvConfig env;
    bool stdout_tty = false, stderr_tty = false, color = false;
    // not empty: connect to this database instead of the connection string's (the scratch
    // database of `verify --scratch`)
    std::string dbname;

    // After parsing: reads pgmig.toml and the environment. Throws InputError.
    void resolve(bool config_may_be_missing = false);
    std::string dir() const;
    bool dir_given() const;
    std::string conninfo() const;
    std::string lock_timeout() const;
    std::string statement_timeout() const;
    double lock_wait() const;
    // --lock-retries and --lock-wait-max (docs/safety.md); checked by resolve()
    LockPolicy lock_policy() const;
    // Lines for people on stdout (what is applied, summaries): on a terminal and in a log alike,
    // never with --quiet or --json (docs/cli.md, "Output").
    bool show_progress() const { return !opt.quiet && !opt.json; }
    // Not on a terminal (a CI log): a line as each migration starts too, since there is no bar.
    bool live_lines() const { return show_progress() && !stdout_tty; }
    // For verbs that change the database: refuses (exit 2) when the environment requires --yes.
    void require_yes(const char *verb) const;
    // check_version: refuse an extension older than the client, or none (`verify --scratch`
    // connects first to a database that may have none).
    std::unique_ptr<Conn> connect(bool check_version = true) const;
    // A second connection for looking on (apply_watch.hpp), with the first one's password
    // (typed at its prompt): never asks, never waits, no version check; throws ConnectError
    // when it cannot connect so.
    std::unique_ptr<Conn> connect_quietly(const std::string &password) const;
    // Loads the migrations folder, printing its warnings to stderr. defer_reads: see
    // LoadOptions (only names are read; deploy() reads the scripts when it needs them).
    Folder load(bool defer_reads = false) const;
};

// A version given on the command line, normalised; InputError (exit 2) when it is not one.
std::string checked_version(const std::string &v);
// The folder's own version for a normalised command-line version: diesel records
// 2026-05-05-180007-0000 as 202605051800070000 (dashes dropped), which, typed like that, is the
// folder's 20260505180007.0000 (a number above every 14-digit version otherwise: `baseline`
// would mark too much applied). Any other version is returned as it is.
std::string folder_version(const Folder &f, const std::string &v);

// Adds the global options to `app` (main app and every subcommand).
void add_global_options(CLI::App &app, GlobalOptions &opt);

} // namespace mig::client
