// pgmig log [--limit N] [--json]: the audit log (mig.log), oldest first.
#include "commands.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <memory>
#include <nlohmann/json.hpp>

namespace mig::client {

Command register_log(CLI::App &app) {
    auto limit = std::make_shared<long>(50);
    auto *sub = app.add_subcommand("log", "the audit log: applies, rollbacks, baselines, failures");
    sub->add_option("--limit", *limit, "the last N entries (default 50; 0 = all)");
    return {
        sub, [limit](Context &ctx) {
            auto c = ctx.connect();
            auto r = c->exec(
                "SELECT id, at, action, version, name, batch, duration, role, client_addr, "
                "application_name, sqlstate, message FROM "
                "(SELECT * FROM mig.log ORDER BY id DESC LIMIT $1) l ORDER BY id",
                {*limit > 0 ? std::optional<std::string>(std::to_string(*limit)) : std::nullopt});
            if (ctx.opt.json) {
                nlohmann::json out = nlohmann::json::array();
                const char *names[] = {
                    "id",       "at",   "action",      "version",          "name",     "batch",
                    "duration", "role", "client_addr", "application_name", "sqlstate", "message"};
                for (int i = 0; i < r.rows(); ++i) {
                    nlohmann::json row = nlohmann::json::object();
                    for (int k = 0; k < 12; ++k) {
                        if (r.null(i, k))
                            row[names[k]] = nullptr;
                        else if (k == 0 || k == 5)
                            row[names[k]] = std::stol(r.str(i, k));
                        else
                            row[names[k]] = r.str(i, k);
                    }
                    out.push_back(row);
                }
                fmt::print("{}\n", out.dump(2));
                return 0;
            }
            fmt::print("{:>5}  {:<19}  {:<15}  {:<20}  {:>5}  {:<12}  {}\n", "id", "at", "action",
                       "version", "batch", "role", "name / message");
            for (int i = 0; i < r.rows(); ++i) {
                std::string tail = r.str(i, 4);
                if (!r.null(i, 10))
                    tail += fmt::format(" [{}] {}", r.str(i, 10), r.str(i, 11));
                fmt::print("{:>5}  {:<19}  {:<15}  {:<20}  {:>5}  {:<12}  {}\n", r.str(i, 0),
                           r.str(i, 1).substr(0, 19), r.str(i, 2), r.str(i, 3), r.str(i, 5),
                           r.str(i, 7), tail);
            }
            return 0;
        }};
}

} // namespace mig::client
