// pgmig drift [--since WHEN] [--check] [--exit-code] [--json]: DDL run outside pgmig, as the
// server recorded it (mig.drift), or --check: the live catalog against the fingerprint stored
// when the last deploy ended (mig.drift_check()), which needs no event trigger.
#include "commands.hpp"
#include "drift.hpp"
#include "errors.hpp"
#include "json_report.hpp"
#include "output.hpp"
#include "text.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <memory>

namespace mig::client {
namespace {

struct DriftOptions {
    std::string since = "last-deploy";
    bool check = false, exit_code = false;
};

DriftStatus require_drift(Conn &c) {
    auto d = fetch_drift_status(c);
    if (!d)
        throw InputError("the installed pgmig extension has no drift capture (mig.drift_status() "
                         "is missing): install this pgmig version's extension and run ALTER "
                         "EXTENSION pgmig UPDATE, or CREATE EXTENSION pgmig again");
    return *d;
}

// --since: last-deploy (NULL: the server's last deploy), all, or a time the server parses.
std::optional<std::string> since_param(const std::string &since) {
    if (since == "last-deploy")
        return std::nullopt;
    if (since == "all")
        return std::string("-infinity");
    return since;
}

enum { ID, AT, ROLE, SESSION_ROLE, ADDR, APP, EVENT, TAG, TYPE, IDENTITY, STATEMENT };
const char *const kRowFields[] = {
    "id",    "at",          "role",        "session_role",    "client_addr", "application_name",
    "event", "command_tag", "object_type", "object_identity", "statement"};

Result fetch_rows(Conn &c, const std::string &since) {
    return c.exec("SELECT x.id, pg_catalog.to_json(x.at) OPERATOR(pg_catalog.#>>) '{}', x.role, "
                  "x.session_role, x.client_addr, x.application_name, x.event, x.command_tag, "
                  "x.object_type, x.object_identity, x.statement FROM mig.drift x "
                  "WHERE x.at OPERATOR(pg_catalog.>) coalesce($1::pg_catalog.timestamptz, "
                  "(SELECT d.last_deploy FROM mig.drift_status() d), '-infinity') ORDER BY x.id",
                  {since_param(since)});
}

nlohmann::json rows_json(const Result &r) {
    nlohmann::json out = nlohmann::json::array();
    for (int i = 0; i < r.rows(); ++i) {
        nlohmann::json row = nlohmann::json::object();
        for (int k = ID; k <= STATEMENT; ++k)
            row[kRowFields[k]] = r.null(i, k) ? nlohmann::json(nullptr)
                                 : k == ID    ? nlohmann::json(r.integer(i, k))
                                              : nlohmann::json(r.str(i, k));
        out.push_back(std::move(row));
    }
    return out;
}

// One line per object; under it, the statement's first line (anyone's text: printed without
// control characters), once for the rows of one statement.
void print_rows(const Result &r, int verbose) {
    fmt::print("{:>5}  {:<19}  {:<12}  {:<16}  {}\n", "id", "at", "role", "command_tag", "object");
    std::string last_statement;
    for (int i = 0; i < r.rows(); ++i) {
        std::string what =
            r.null(i, IDENTITY) ? r.str(i, TYPE) : r.str(i, TYPE) + " " + r.str(i, IDENTITY);
        fmt::print("{:>5}  {:<19}  {:<12}  {:<16}  {}\n", r.str(i, ID),
                   rfc3339(r.str(i, AT)).substr(0, 19), printable(r.str(i, ROLE), false),
                   r.str(i, TAG), printable(what, false));
        std::string st = r.str(i, STATEMENT);
        if (st == last_statement)
            continue;
        last_statement = st;
        std::string shown = verbose > 0 ? st : st.substr(0, st.find('\n'));
        if (verbose == 0 && shown.size() > 100)
            shown = shown.substr(0, 97) + "...";
        fmt::print("       {}\n", printable(shown, verbose > 0));
    }
}

int list_drift(Context &ctx, Conn &c, const DriftOptions &o, const DriftStatus &d) {
    Result r;
    try {
        r = fetch_rows(c, o.since);
    } catch (const PgError &e) {
        if (e.sqlstate.rfind("22", 0) != 0) // data exceptions: the time given
            throw;
        throw InputError(fmt::format("--since '{}': {} (last-deploy, all, or a time such as "
                                     "'2026-12-01 10:00')",
                                     o.since, e.message));
    }
    if (ctx.opt.json) {
        json_report::set("drift", rows_json(r));
    } else if (r.rows() == 0) {
        fmt::print("no changes outside pgmig {}\n",
                   o.since == "all"           ? "recorded"
                   : o.since != "last-deploy" ? "since " + o.since
                   : d.last_deploy.empty()    ? "recorded (no deploy yet)"
                                              : "since the last deploy (" + d.last_deploy + ")");
    } else {
        print_rows(r, ctx.opt.verbose);
    }
    return o.exit_code && r.rows() > 0 ? EXIT_NOT_UP_TO_DATE : EXIT_OK;
}

// --check: added, removed and changed objects against the last deploy's fingerprint.
int check_catalog(Context &ctx, Conn &c) {
    Result snap = c.exec("SELECT pg_catalog.to_json(s.at) OPERATOR(pg_catalog.#>>) '{}' "
                         "FROM mig.drift_snapshot s");
    if (snap.rows() == 0)
        throw InputError("no fingerprint of the catalog is stored yet: one is stored when a "
                         "deploy ends (pgmig up, down, baseline)");
    Result r = c.exec("SELECT change, kind, identity, stored, live FROM mig.drift_check()");
    if (ctx.opt.json) {
        nlohmann::json out = nlohmann::json::array();
        auto text = [&](int i, int k) {
            return r.null(i, k) ? nlohmann::json(nullptr) : nlohmann::json(r.str(i, k));
        };
        for (int i = 0; i < r.rows(); ++i)
            out.push_back(nlohmann::json{{"change", r.str(i, 0)},
                                         {"kind", r.str(i, 1)},
                                         {"identity", r.str(i, 2)},
                                         {"stored", text(i, 3)},
                                         {"live", text(i, 4)}});
        json_report::set("changes", std::move(out));
        json_report::set("fingerprint_at", snap.str(0, 0));
    } else if (r.rows() == 0) {
        fmt::print("the catalog matches the fingerprint of the last deploy ({})\n", snap.str(0, 0));
    } else {
        for (int i = 0; i < r.rows(); ++i) {
            fmt::print("{:<8} {:<12} {}\n", r.str(i, 0), r.str(i, 1),
                       printable(r.str(i, 2), false));
            if (ctx.opt.verbose > 0 && !r.null(i, 3))
                fmt::print("         was: {}\n", printable(r.str(i, 3), false));
            if (ctx.opt.verbose > 0 && !r.null(i, 4))
                fmt::print("         now: {}\n", printable(r.str(i, 4), false));
        }
    }
    return r.rows() > 0 ? EXIT_NOT_UP_TO_DATE : EXIT_OK;
}

int run_drift(Context &ctx, const DriftOptions &o) {
    auto c = ctx.connect();
    DriftStatus d = require_drift(*c);
    if (ctx.opt.json)
        json_report::set("capture", d.capture);
    if (d.capture == "off" && !ctx.opt.quiet)
        warn("drift capture is off here (pgmig.drift_capture): DDL is not recorded; "
             "`pgmig drift --check` compares the catalog with the last deploy");
    else if (d.capture == "unavailable")
        warn_about_drift(DriftStatus{d.capture, "", "", 0, 0});
    return o.check ? check_catalog(ctx, *c) : list_drift(ctx, *c, o, d);
}

} // namespace

Command register_drift(CLI::App &app) {
    auto o = std::make_shared<DriftOptions>();
    auto *sub = app.add_subcommand(
        "drift", "DDL run outside pgmig (recorded by the server), or --check: the catalog "
                 "against the last deploy");
    sub->add_option("--since", o->since,
                    "last-deploy (default), all, or a time such as '2026-12-01 10:00'");
    sub->add_flag("--check", o->check,
                  "compare the live catalog with the fingerprint stored when the last deploy "
                  "ended (works with capture off); exit 4 when they differ");
    sub->add_flag("--exit-code", o->exit_code, "exit 4 when changes are listed");
    return {sub, [o](Context &ctx) { return run_drift(ctx, *o); }};
}

} // namespace mig::client
