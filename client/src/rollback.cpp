#include "rollback.hpp"
#include "json_report.hpp"
#include "vouch.hpp"

#include "deploy_lock.hpp"
#include "error_codes.hpp"
#include "errors.hpp"
#include "errors_report.hpp"
#include "lock_retry.hpp"
#include "output.hpp"
#include "run_outside.hpp"
#include "sync.hpp"
#include "version.hpp"
#include "text.hpp"

#include <algorithm>
#include <chrono>
#include <fmt/format.h>
#include <set>

namespace mig::client {
namespace {

Query rollback_query(const RollbackRequest &req) {
    const char *cols = "SELECT version, name, action, extract(epoch FROM duration) FROM ";
    switch (req.mode) {
    case RollbackMode::Steps:
        return {std::string(cols) + "mig.rollback($1::int)", {std::to_string(req.steps)}};
    case RollbackMode::To:
        return {std::string(cols) + "mig.rollback_to($1)", {req.version}};
    case RollbackMode::Batch:
        return {std::string(cols) + "mig.rollback_batch()", {}};
    case RollbackMode::All:
        // every applied migration, version 0 (diesel's initial setup) included
        return {std::string(cols) + "mig.rollback($1::int)", {std::string("2147483647")}};
    }
    return {};
}

// The applied migrations in the request's range (mig.rollback's, in rollback.cpp of the
// extension: $1 how many, NULL for all; $2 above this version; $3 the last batch only) whose down
// mig.rollback cannot run: non-transactional, or part-way. Usually none, then one row each for
// the few there are: `pgmig down` asks this first (one small query) instead of calling
// mig.rollback to be refused (PM004, an ERROR in the server's log). `refused`: the server
// refuses the range for another reason first (no down script, one that does not parse, an
// unknown version): the range is then sent as it is, for the server's own error.
const char *const kOutsideSql =
    "SELECT x.version, x.refused FROM ("
    "  SELECT a.vkey, m.version, "
    "         NOT a.complete AND coalesce(a.statements_done, 0) OPERATOR(pg_catalog.=) 0 "
    "         AND coalesce(a.down_statements_done, 0) OPERATOR(pg_catalog.=) 0 AS nothing_ran, "
    "         m.down_transactional AND a.complete AS in_transaction, "
    "         m.down_sql IS NULL OR m.down_error IS NOT NULL AS refused "
    "  FROM mig.applied a JOIN mig.migration m ON m.vkey OPERATOR(pg_catalog.=) a.vkey "
    "  WHERE ($2::pg_catalog.text IS NULL "
    "         OR a.vkey OPERATOR(pg_catalog.>) mig.version_key($2::pg_catalog.text)) "
    "    AND (NOT $3::pg_catalog.bool OR a.batch OPERATOR(pg_catalog.=) "
    "         (SELECT pg_catalog.max(b.batch) FROM mig.applied b)) "
    "  ORDER BY a.vkey DESC LIMIT $1::pg_catalog.int4) x "
    "WHERE NOT x.nothing_ran AND (NOT x.in_transaction OR x.refused) "
    // a version above which to roll back that no migration has (but 0) is refused too (PM006)
    "UNION ALL SELECT NULL, true "
    "WHERE $2::pg_catalog.text OPERATOR(pg_catalog.~) '[1-9]' AND NOT EXISTS ("
    "  SELECT 1 FROM mig.migration u "
    "  WHERE u.vkey OPERATOR(pg_catalog.=) mig.version_key($2::pg_catalog.text))";

// What kOutsideSql finds.
struct Outside {
    std::set<std::string> versions; // run statement by statement (undo_outside)
    bool refused = false;
};

Outside outside_downs(Conn &c, const RollbackRequest &req) {
    std::optional<std::string> steps, above;
    if (req.mode == RollbackMode::Steps)
        steps = std::to_string(req.steps);
    if (req.mode == RollbackMode::To)
        above = req.version;
    auto r = c.exec(kOutsideSql,
                    {steps, above, std::string(req.mode == RollbackMode::Batch ? "t" : "f")});
    Outside out;
    for (int k = 0; k < r.rows(); ++k) {
        out.versions.insert(r.str(k, 0));
        out.refused = out.refused || r.flag(k, 1);
    }
    return out;
}

// The applied migrations the request would undo, newest first (for the step-by-step path).
std::vector<ServerRow> to_undo(Conn &c, const RollbackRequest &req) {
    auto st = fetch_status(c);
    std::vector<ServerRow> applied;
    for (auto &s : st)
        if (s.kind != "repeatable" &&
            (s.state == "applied" || s.state == "partial" || s.state == "failed"))
            applied.push_back(s);
    std::sort(applied.begin(), applied.end(), [](const ServerRow &a, const ServerRow &b) {
        return compare_versions(a.version, b.version) > 0;
    });
    std::vector<ServerRow> out;
    long max_batch = 0;
    for (auto &s : applied)
        if (s.batch)
            max_batch = std::max(max_batch, std::atol(s.batch->c_str()));
    for (auto &s : applied) {
        switch (req.mode) {
        case RollbackMode::Steps:
            if (static_cast<int>(out.size()) < req.steps)
                out.push_back(s);
            break;
        case RollbackMode::To:
            if (compare_versions(s.version, req.version) > 0)
                out.push_back(s);
            break;
        case RollbackMode::Batch:
            if (s.batch && std::atol(s.batch->c_str()) == max_batch)
                out.push_back(s);
            break;
        case RollbackMode::All:
            out.push_back(s);
            break;
        }
    }
    return out;
}

// A non-transactional down, statement by statement; returns 0 or the exit code.
int undo_outside(const Context &ctx, Conn &c, const FolderSource &folder, const ServerRow &s,
                 int &count) {
    if (ctx.show_progress())
        fmt::print("rolling back {} {} outside a transaction\n", s.version, s.name);
    int rc = run_outside_transaction(ctx, c, folder(), s.version, s.name, true);
    if (rc != 0) {
        if (!ctx.opt.quiet)
            fmt::print(stderr,
                       "{} migration(s) were rolled back before this one; {} "
                       "{} is rolled back part-way: fix the cause and run `pgmig "
                       "down` again, which resumes at the failed statement\n",
                       count, s.version, s.name);
        return rc;
    }
    json_report::migration(s.version, s.name, "rolled back", -1);
    if (ctx.show_progress())
        fmt::print("{} {} {}\n", paint(fmt::format("{:<11}", "rolled back"), "33"), s.version,
                   printable(s.name, false));
    ++count;
    return 0;
}

// One migration in a transaction of its own; returns 0 or the exit code. A non-transactional
// down found there all the same (a concurrent deploy changed the range since it was asked)
// runs statement by statement.
int undo_in_transaction(Context &ctx, Conn &c, const FolderSource &folder, const ServerRow &s,
                        int &count) {
    try {
        begin_locked(c, ctx);
        auto r = c.exec("SELECT version, name, action, extract(epoch FROM duration) "
                        "FROM mig.rollback(1)");
        c.exec("COMMIT");
        count += print_rolled_back(ctx, r);
        return 0;
    } catch (const PgError &e) {
        c.rollback_quietly();
        if (e.sqlstate != sqlstate::kNonTransactional)
            return report_rollback_failure(ctx, e, folder(), count);
        return undo_outside(ctx, c, folder, s, count);
    }
}

// A non-transactional down in the range (`outside`, asked first): one migration at a time,
// each in a transaction of its own unless it is one of those. Returns 0 or the exit code.
int one_at_a_time(Context &ctx, Conn &c, const FolderSource &folder, const RollbackRequest &req,
                  const Outside &outside, int &count) {
    if (ctx.opt.verbose > 0)
        fmt::print("a migration to undo is non-transactional: rolling back one at a time\n");
    for (const auto &s : to_undo(c, req)) {
        int rc = outside.versions.count(s.version) ? undo_outside(ctx, c, folder, s, count)
                                                   : undo_in_transaction(ctx, c, folder, s, count);
        if (rc)
            return rc;
    }
    return 0;
}

// The range in one transaction (mig.rollback*), unless a down in it must run outside one: then
// nullopt, and nothing ran.
std::optional<Result> all_at_once(Context &ctx, Conn &c, const RollbackRequest &req,
                                  Outside &outside) {
    Query q = rollback_query(req);
    return rolling_back(
        c, "connection lost during the rollback", [&]() -> std::optional<Result> {
            begin_locked(c, ctx);
            outside = outside_downs(c, req);
            if (!outside.versions.empty() && !outside.refused) {
                c.exec("ROLLBACK");
                return std::nullopt;
            }
            auto r = c.exec(q.sql, q.params);
            c.exec("COMMIT");
            return r;
        });
}

} // namespace

Result rollback_steps_locked(Conn &c, int steps) {
    return c.exec("SELECT version, name, action, extract(epoch FROM duration) "
                  "FROM mig.rollback($1::int)",
                  {std::to_string(steps)});
}

int print_rolled_back(const Context &ctx, const Result &r) {
    for (int k = 0; k < r.rows(); ++k) {
        double secs = r.number(k, 3);
        json_report::migration(r.str(k, 0), r.str(k, 1), r.str(k, 2), secs);
        if (ctx.show_progress())
            fmt::print("{} {} {} ({})\n", paint(fmt::format("{:<11}", r.str(k, 2)), "33"),
                       r.str(k, 0), printable(r.str(k, 1), false), human_duration(secs));
    }
    return r.rows();
}

void print_rollback_total(const Context &ctx, int count, double secs) {
    if (ctx.show_progress())
        fmt::print("rolled back {} migration(s) in {}\n", count, human_duration(secs));
}

// The error, then what it left (as `up` says "nothing from this transaction was applied"):
// a failed rollback transaction undid itself; the migrations rolled back one at a time before
// it stay rolled back.
int report_rollback_failure(const Context &ctx, const PgError &e, const Folder *f,
                            int rolled_back) {
    int rc = report_error(e, f, true, ctx.opt.verbose);
    if (rc == EXIT_MIGRATION_FAILED && !ctx.opt.quiet) {
        if (rolled_back == 0)
            fmt::print(stderr, "nothing was rolled back: the migrations are still applied\n");
        else
            fmt::print(stderr,
                       "{} migration(s) were rolled back before this one; it and the ones "
                       "below it are still applied\n",
                       rolled_back);
    }
    return rc;
}

int rollback(Context &ctx, Conn &c, const FolderSource &folder, const RollbackRequest &req) {
    auto t0 = std::chrono::steady_clock::now();
    int count = 0;
    try {
        // the down scripts that run must be the caller's: vouch for those the folder holds
        vouch_for_folder(ctx, c, folder, req.trust_uploads);
        Outside outside;
        if (auto r = all_at_once(ctx, c, req, outside))
            count += print_rolled_back(ctx, *r);
        else if (int rc = one_at_a_time(ctx, c, folder, req, outside, count))
            return rc;
    } catch (const PgError &e) {
        if (e.sqlstate != sqlstate::kNonTransactional)
            return report_rollback_failure(ctx, e, folder(), count);
        // a concurrent deploy made a down of the range non-transactional since it was asked
        Outside none;
        if (int rc = one_at_a_time(ctx, c, folder, req, none, count))
            return rc;
    }
    print_rollback_total(
        ctx, count, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    return EXIT_OK;
}

} // namespace mig::client
