#include "rollback.hpp"
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

#include <algorithm>
#include <chrono>
#include <fmt/format.h>

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

void print_rows(const Context &ctx, const Result &r, int &count) {
    for (int k = 0; k < r.rows(); ++k) {
        double secs = r.number(k, 3);
        if (ctx.show_progress())
            fmt::print("{} {} {} ({})\n", paint(fmt::format("{:<11}", r.str(k, 2)), "33"),
                       r.str(k, 0), r.str(k, 1), human_duration(secs));
        ++count;
    }
}

// The error, then what it left (as `up` says "nothing from this transaction was applied"):
// a failed rollback transaction undid itself; the migrations rolled back one at a time before
// it stay rolled back.
int report_failure(const Context &ctx, const PgError &e, const Folder *f, int rolled_back) {
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
    if (ctx.show_progress())
        fmt::print("{} {} {}\n", paint(fmt::format("{:<11}", "rolled back"), "33"), s.version,
                   s.name);
    ++count;
    return 0;
}

// A non-transactional down in the range: one migration at a time, each in a transaction of its
// own unless it is one of those. Returns 0 or the exit code.
int one_at_a_time(Context &ctx, Conn &c, const FolderSource &folder, const RollbackRequest &req,
                  int &count) {
    if (ctx.opt.verbose > 0)
        fmt::print("a migration to undo is non-transactional: rolling back one at a time\n");
    for (const auto &s : to_undo(c, req)) {
        try {
            begin_locked(c, ctx);
            auto r = c.exec("SELECT version, name, action, extract(epoch FROM duration) "
                            "FROM mig.rollback(1)");
            c.exec("COMMIT");
            print_rows(ctx, r, count);
        } catch (const PgError &e) {
            c.rollback_quietly();
            if (e.sqlstate != sqlstate::kNonTransactional)
                return report_failure(ctx, e, folder(), count);
            if (int rc = undo_outside(ctx, c, folder, s, count))
                return rc;
        }
    }
    return 0;
}

} // namespace

int rollback(Context &ctx, Conn &c, const FolderSource &folder, const RollbackRequest &req) {
    auto t0 = std::chrono::steady_clock::now();
    int count = 0;
    Query q = rollback_query(req);
    try {
        // the down scripts that run must be the caller's: vouch for those the folder holds
        vouch_for_folder(ctx, c, folder, req.trust_uploads);
        auto r = with_lock_retry(
            c, "connection lost during the rollback",
            [](const PgError &e, int retry) {
                return fmt::format("lock timeout ({}); retrying ({} of 3)", e.message, retry);
            },
            [&] {
                begin_locked(c, ctx);
                auto r = c.exec(q.sql, q.params);
                c.exec("COMMIT");
                return r;
            });
        print_rows(ctx, r, count);
    } catch (const PgError &e) {
        if (e.sqlstate != sqlstate::kNonTransactional)
            return report_failure(ctx, e, folder(), count);
        if (int rc = one_at_a_time(ctx, c, folder, req, count))
            return rc;
    }
    if (ctx.show_progress())
        fmt::print(
            "rolled back {} migration(s) in {}\n", count,
            human_duration(
                std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count()));
    return EXIT_OK;
}

} // namespace mig::client
