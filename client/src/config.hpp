// pgmig.toml: optional project configuration.
//
//   dir = "db/migrations"          # migrations folder (default "migrations")
//   dsn = "postgres://..."         # default connection
//   lock_timeout = "5s"            # defaults for --lock-timeout, --statement-timeout, --lock-wait
//   lock_retries = 10              # defaults for --lock-retries, --lock-wait-max
//   lock_wait_max = "60s"
//   [env.production]
//   dsn = "service=prod"
//   require_yes = true             # changing verbs refuse to run without --yes
//   strict = true                  # up refuses a down script that does not parse
//   dir = "..."                    # an environment may override dir and the timeouts too
//   [placeholders]                 # Flyway's ${name} (docs/layouts.md, Flyway placeholders)
//   schema_name = "app"
//   [env.production.placeholders]  # an environment's values replace the top-level ones
#pragma once
#include <map>
#include <optional>
#include <string>

namespace mig::client {

struct EnvConfig {
    std::optional<std::string> dsn;
    std::optional<std::string> dir;
    std::optional<std::string> lock_timeout;
    std::optional<std::string> statement_timeout;
    std::optional<double> lock_wait;
    std::optional<int> lock_retries;          // --lock-retries (docs/safety.md)
    std::optional<std::string> lock_wait_max; // --lock-wait-max
    bool require_yes = false;
    // a down script that does not parse is refused at upload (up --strict; docs/cli.md)
    std::optional<bool> strict;
    // [placeholders]: Flyway's placeholders, name -> value (names as written)
    std::map<std::string, std::string> placeholders;
};

struct Config {
    EnvConfig base;                        // top-level keys
    std::map<std::string, EnvConfig> envs; // [env.NAME]
    std::string path;                      // file it came from, empty when none
};

// Throws InputError (with the file name and line) on a malformed file.
Config parse_config(const std::string &text, const std::string &path);
Config load_config(const std::string &path); // path must exist
// Settings of `env` layered over the top-level ones; throws InputError for an unknown env.
EnvConfig resolve_env(const Config &cfg, const std::string &env);

} // namespace mig::client
