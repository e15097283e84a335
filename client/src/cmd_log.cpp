// pgmig log [--limit N] [--json]: the audit log (mig.log), oldest first: fetch → render.
#include "commands.hpp"
#include "json_report.hpp"
#include "text.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <memory>
#include <nlohmann/json.hpp>

namespace mig::client {
namespace {

// The columns, in the order fetch_log asks for them (also the JSON fields' names); then, for
// --json, `at` as RFC 3339 and the duration in seconds.
const char *const kColumns[] = {"id",       "at",       "action", "version",     "name",
                                "batch",    "duration", "role",   "client_addr", "application_name",
                                "sqlstate", "message",  "at",     "duration_s"};
enum {
    ID,
    AT,
    ACTION,
    VERSION,
    NAME,
    BATCH,
    DURATION,
    ROLE,
    ADDR,
    APP,
    SQLSTATE,
    MESSAGE,
    AT_RFC3339,
    DURATION_S
};

// The last `limit` entries (0: all). For the table, the duration stays the server's interval
// text, in the session's IntervalStyle, as `at` follows its DateStyle.
Result fetch_log(Conn &c, long limit) {
    return c.exec("SELECT id, at, action, version, name, batch, duration, role, client_addr, "
                  "application_name, sqlstate, message, "
                  "pg_catalog.to_json(at) OPERATOR(pg_catalog.#>>) '{}', "
                  "extract(epoch FROM duration) FROM "
                  "(SELECT * FROM mig.log ORDER BY id DESC LIMIT $1) l ORDER BY id",
                  {limit > 0 ? std::optional<std::string>(std::to_string(limit)) : std::nullopt});
}

// --json: the report's "entries" (docs/json.md).
void log_to_json(const Result &r) {
    nlohmann::json out = nlohmann::json::array();
    for (int i = 0; i < r.rows(); ++i) {
        nlohmann::json row = nlohmann::json::object();
        for (int k = ID; k <= DURATION_S; ++k) {
            if (k == AT || k == DURATION)
                continue; // the session's text: AT_RFC3339 and DURATION_S instead
            if (r.null(i, k))
                row[kColumns[k]] = nullptr;
            else if (k == ID || k == BATCH)
                row[kColumns[k]] = std::stol(r.str(i, k));
            else if (k == DURATION_S)
                row[kColumns[k]] = r.number(i, k);
            else
                row[kColumns[k]] = r.str(i, k);
        }
        out.push_back(row);
    }
    json_report::set("entries", std::move(out));
}

void print_log_table(const Result &r) {
    fmt::print("{:>5}  {:<19}  {:<15}  {:<20}  {:>5}  {:<12}  {}\n", "id", "at", "action",
               "version", "batch", "role", "name / message");
    for (int i = 0; i < r.rows(); ++i) {
        std::string tail = r.str(i, NAME);
        if (!r.null(i, SQLSTATE))
            tail += fmt::format(" [{}] {}", r.str(i, SQLSTATE), r.str(i, MESSAGE));
        // names, roles and messages are anyone's text: printed without control characters
        fmt::print("{:>5}  {:<19}  {:<15}  {:<20}  {:>5}  {:<12}  {}\n", r.str(i, ID),
                   r.str(i, AT).substr(0, 19), r.str(i, ACTION), printable(r.str(i, VERSION)),
                   r.str(i, BATCH), printable(r.str(i, ROLE), false), printable(tail, false));
    }
}

} // namespace

// `log --verify`: where mig.log's hash chain breaks (mig.log_verify(): a row removed, changed
// or swapped outside pgmig; docs/security.md). Exit 0 intact, 1 broken.
int verify_log(const Context &ctx, Conn &c) {
    auto r = c.exec("SELECT id, problem FROM mig.log_verify()");
    int breaks = r.rows();
    std::string rows = c.exec("SELECT count(*) FROM mig.log").str(0, 0);
    if (ctx.opt.json) {
        nlohmann::json list = nlohmann::json::array();
        for (int i = 0; i < breaks; ++i)
            list.push_back({{"id", std::stol(r.str(i, 0))}, {"problem", r.str(i, 1)}});
        json_report::set("rows", std::stol(rows));
        json_report::set("breaks", std::move(list));
    } else if (breaks == 0) {
        fmt::print("the audit log's hash chain is intact ({} rows)\n", rows);
    } else {
        for (int i = 0; i < breaks; ++i)
            fmt::print("mig.log id {}: {}\n", r.str(i, 0), r.str(i, 1));
    }
    return breaks == 0 ? 0 : 1;
}

Command register_log(CLI::App &app) {
    auto limit = std::make_shared<long>(50);
    auto verify = std::make_shared<bool>(false);
    auto *sub = app.add_subcommand("log", "the audit log: applies, rollbacks, baselines, failures");
    sub->add_option("--limit", *limit, "the last N entries (default 50; 0 = all)");
    sub->add_flag("--verify", *verify,
                  "check the log's hash chain instead (exit 1 where a row was removed, changed or "
                  "swapped outside pgmig)");
    return {sub, [limit, verify](Context &ctx) {
                auto c = ctx.connect();
                if (*verify)
                    return verify_log(ctx, *c);
                auto r = fetch_log(*c, *limit);
                if (ctx.opt.json)
                    log_to_json(r);
                else
                    print_log_table(r);
                return 0;
            }};
}

} // namespace mig::client
