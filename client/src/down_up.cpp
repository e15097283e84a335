#include "down_up.hpp"

#include "deploy.hpp"
#include "deploy_lock.hpp"
#include "errors.hpp"
#include "lock_retry.hpp"
#include "output.hpp"
#include "rollback.hpp"
#include "vouch.hpp"

#include <algorithm>
#include <chrono>
#include <fmt/format.h>
#include <set>

namespace mig::client {
namespace {

// Every migration the server knows, in version order: whether mig.rollback would undo it (a row
// of mig.applied), whether mig.apply would run it (mig.pending's condition), its up's class, and
// whether mig.rollback can run its down (not a non-transactional or part-way one: the server's
// rule, in rollback.cpp of the extension).
const char *const kTouchedSql =
    "SELECT m.version, m.name, a.vkey IS NOT NULL, "
    "       (a.vkey IS NULL OR NOT a.complete) "
    "       AND (st.baseline IS NULL OR m.vkey OPERATOR(pg_catalog.>) st.baseline), "
    "       m.transactional, m.ends_transaction, "
    "       a.vkey IS NULL OR (m.down_transactional AND a.complete) "
    "       OR (NOT a.complete AND coalesce(a.statements_done, 0) OPERATOR(pg_catalog.=) 0 "
    "           AND coalesce(a.down_statements_done, 0) OPERATOR(pg_catalog.=) 0) "
    "FROM mig.migration m "
    "LEFT JOIN mig.applied a ON a.vkey OPERATOR(pg_catalog.=) m.vkey "
    "LEFT JOIN mig.state st ON true "
    "ORDER BY m.vkey";

double since(std::chrono::steady_clock::time_point t) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

bool downs_in_transaction(const DownUpPlan &p) {
    return std::all_of(p.downs.begin(), p.downs.end(),
                       [](const Touched &d) { return d.down_in_transaction; });
}

DeployOptions up_options(const DownUp &req) {
    DeployOptions d;
    d.target = req.up_to;
    return d;
}

// After a deploy that followed the rollback failed: whether the rollback was undone with it
// (nothing changed), or had committed before (announced before it started).
void say_what_stays(const Context &ctx, Conn &c, const DownUpPlan &p) {
    if (ctx.opt.quiet)
        return;
    std::set<std::string> rolled_back;
    for (const auto &d : p.downs)
        rolled_back.insert(d.version);
    size_t still = 0;
    try {
        for (const auto &t : read_touched(c))
            still += t.applied && rolled_back.count(t.version);
    } catch (const std::exception &) {
        return; // the connection is gone: the error said so
    }
    if (still == p.downs.size())
        fmt::print(stderr,
                   "nothing changed: the rollback of {} migration(s) was undone with it; they "
                   "are still applied\n",
                   p.downs.size());
    else
        fmt::print(stderr, "the rollback of {} migration(s) had committed before it and stays\n",
                   p.downs.size() - still);
}

// Under the deploy lock (a lock timeout: the server retries the statement): what to roll back and apply, the lines
// that say what commits separately (printed once, before anything runs), and, when every down
// runs in a transaction, the rollback itself, left uncommitted in `rolled`. Throws PgError.
void plan_and_roll_back(const Context &ctx, Conn &c, Folder &f, const DownUp &req, DownUpPlan &p,
                        std::optional<Result> &rolled) {
    // the down scripts that run must be the caller's: vouch for those the folder holds
    vouch_for_folder(
        ctx, c, [&f] { return &f; }, false);
    bool announced = false;
    rolling_back(c, "connection lost during the rollback", [&] {
            begin_locked(c, ctx);
            p = plan_down_up(read_touched(c), f, req.range, req.deploy, req.up_to);
            if (!announced && !ctx.opt.quiet)
                for (const auto &line : separate_commits(req.verb, p))
                    fmt::print(stderr, "{}\n", line);
            announced = true;
            if (!p.downs.empty() && downs_in_transaction(p))
                rolled = rollback_steps_locked(c, static_cast<int>(p.downs.size()));
        });
}

// A down runs outside a transaction: the rollback commits first (one migration at a time, as
// `down` does), then the deploy runs as `up` does.
int down_then_up_separately(Context &ctx, Conn &c, Folder &f, const DownUp &req,
                            const DownUpPlan &p) {
    c.rollback_quietly(); // the lock, taken to decide
    RollbackRequest r;
    r.steps = static_cast<int>(p.downs.size());
    if (int rc = rollback(
            ctx, c, [&f] { return &f; }, r))
        return rc;
    if (!req.deploy)
        return EXIT_OK;
    int rc = deploy(ctx, c, f, up_options(req));
    if (rc != EXIT_OK)
        say_what_stays(ctx, c, p);
    return rc;
}

// The rollback `rolled` (in the open transaction), then the deploy in the same transaction, or a
// commit when nothing is to be applied.
int then_up(Context &ctx, Conn &c, Folder &f, const DownUp &req, const DownUpPlan &p,
            const std::optional<Result> &rolled, double secs) {
    int count = rolled ? print_rolled_back(ctx, *rolled) : 0;
    if (!req.deploy) {
        try {
            c.exec("COMMIT");
        } catch (const PgError &e) {
            c.rollback_quietly();
            return report_rollback_failure(ctx, e, &f, 0);
        }
        print_rollback_total(ctx, count, secs);
        return EXIT_OK;
    }
    print_rollback_total(ctx, count, secs);
    DeployOptions d = up_options(req);
    d.after_callers_work = true;
    int rc = deploy(ctx, c, f, d, std::nullopt, true);
    if (rc != EXIT_OK)
        say_what_stays(ctx, c, p);
    return rc;
}

} // namespace

std::vector<Touched> read_touched(Conn &c) {
    auto r = c.exec(kTouchedSql);
    std::vector<Touched> out;
    out.reserve(static_cast<size_t>(r.rows()));
    for (int k = 0; k < r.rows(); ++k)
        out.push_back({r.str(k, 0), r.str(k, 1), r.flag(k, 2), r.flag(k, 3), r.flag(k, 4),
                       r.flag(k, 5), r.flag(k, 6)});
    return out;
}

int down_then_up(Context &ctx, Conn &c, Folder &f, const DownUp &req) {
    auto t0 = std::chrono::steady_clock::now();
    DownUpPlan p;
    std::optional<Result> rolled;
    try {
        plan_and_roll_back(ctx, c, f, req, p, rolled);
    } catch (const PgError &e) {
        return report_rollback_failure(ctx, e, &f, 0);
    }
    if (p.downs.empty() && req.deploy) // nothing to roll back: a deploy, under the lock taken
        return deploy(ctx, c, f, up_options(req), std::nullopt, true);
    if (!p.downs.empty() && !rolled)
        return down_then_up_separately(ctx, c, f, req, p);
    return then_up(ctx, c, f, req, p, rolled, since(t0));
}

} // namespace mig::client
