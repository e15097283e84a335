// pgmig init: creates the migrations folder and pgmig.toml; CREATE EXTENSION IF NOT EXISTS pgmig.
#include "commands.hpp"
#include "errors.hpp"

#include <CLI/CLI.hpp>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <memory>

namespace mig::client {

Command register_init(CLI::App &app) {
    auto no_db = std::make_shared<bool>(false);
    auto *sub = app.add_subcommand(
        "init", "create the migrations folder and pgmig.toml, and the extension in the database");
    sub->add_flag("--no-db", *no_db, "only create the folder and pgmig.toml");
    return {sub, [no_db](Context &ctx) {
                namespace fs = std::filesystem;
                std::string dir = ctx.dir();
                std::error_code ec;
                if (!fs::exists(dir)) {
                    fs::create_directories(dir, ec);
                    if (ec)
                        throw InputError(fmt::format("cannot create {}: {}", dir, ec.message()));
                    fmt::print("created {}/\n", dir);
                }
                std::string cfg = ctx.cfg.path.empty() ? "pgmig.toml" : ctx.cfg.path;
                if (!fs::exists(cfg)) {
                    std::ofstream out(cfg);
                    out << "# pgmig configuration (docs/cli.md)\n"
                        << fmt::format("dir = \"{}\"\n", dir)
                        << "# dsn = \"postgres://user@localhost/app\"   # or -d / PGMIG_DSN / "
                           "DATABASE_URL / PG* variables\n"
                        << "# lock_timeout = \"5s\"\n\n"
                        << "# [env.production]\n# dsn = \"service=prod\"\n# require_yes = true\n";
                    if (!out)
                        throw InputError(fmt::format("cannot write {}", cfg));
                    fmt::print("created {}\n", cfg);
                }
                if (*no_db)
                    return 0;
                auto c = ctx.connect();
                c->exec("CREATE EXTENSION IF NOT EXISTS pgmig");
                auto r = c->exec(
                    "SELECT extversion FROM pg_catalog.pg_extension WHERE extname = 'pgmig'");
                fmt::print("extension pgmig {} is installed in database {}\n",
                           r.rows() ? r.str(0, 0) : "?", PQdb(c->raw()));
                return 0;
            }};
}

} // namespace mig::client
