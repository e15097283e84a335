// deploy(): compare → confirm → transactions, each: lock → upload and plan → apply → commit.
#include "deploy.hpp"

#include "deploy_steps.hpp"
#include "errors.hpp"
#include "errors_report.hpp"
#include "json_report.hpp"
#include "layouts/scripts.hpp"
#include "lock_retry.hpp"
#include "output.hpp"
#include "apply_watch.hpp"
#include "repair.hpp"
#include "text.hpp"
#include "trace.hpp"
#include "version.hpp"

#include <chrono>
#include <fmt/format.h>
#include <functional>
#include <limits>
#include <utility>

namespace mig::client {
namespace {

using Clock = std::chrono::steady_clock;

double since(Clock::time_point t) {
    return std::chrono::duration<double>(Clock::now() - t).count();
}

// One deploy: the state its steps share.
class Deployer {
  public:
    Deployer(Context &ctx, Conn &c, Folder &f, const DeployOptions &o, bool locked)
        : ctx_(ctx), c_(c), f_(f), o_(o), locked_(locked) {}

    int run(const std::vector<ServerRow> &status);

  private:
    std::optional<int> compare_and_confirm(const std::vector<ServerRow> &status);
    void compare(const std::vector<ServerRow> &status);
    void release();
    std::optional<int> next_transaction();
    std::optional<int> callers_transaction();
    std::optional<int> run_outside(const PlanRow &row);
    std::optional<int> apply(const std::vector<PlanRow> &plan, const Transaction &t, bool last);
    void apply_repeatables();
    int finish();
    int failed(const PgError &e);
    void print_row(const std::string &action, const std::string &version, const std::string &name,
                   double secs);
    void save_cache_once();

    Context &ctx_;
    Conn &c_;
    Folder &f_;
    const DeployOptions &o_;
    bool locked_; // c_ holds the deploy lock in an open transaction (taken by the caller)
    Clock::time_point start_ = Clock::now();
    SyncPlan sp_;
    std::vector<UploadItem> uploads_;
    bool uploaded_ = false;    // what was new is uploaded and committed
    bool cache_saved_ = false; // the stat cache is written while the server applies
    int applied_ = 0;
    int reported_ = 0; // applied migrations already named in a "committed N" line
    nlohmann::json report_ = nlohmann::json::array(); // of a dry run
    std::optional<Progress> bar_;
    // the lines of one transaction's rows, written at once: they are all known at the same
    // moment, and one write instead of 1,000 is 2-3 % of a 1,000-migration deploy (stdout is
    // line-buffered: each fmt::print of a line is a write)
    std::optional<std::string> lines_;
};

int Deployer::run(const std::vector<ServerRow> &status) {
    std::optional<int> rc;
    try {
        rc = compare_and_confirm(status);
    } catch (...) {
        release();
        throw;
    }
    if (rc)
        return *rc;
    for (size_t i = 0; i < sp_.upload.size(); ++i)
        uploads_.push_back({sp_.upload[i], sp_.replace[i], o_.strict});
    uploaded_ = uploads_.empty() && sp_.add_down.empty(); // down scripts to store: as uploads
    size_t total = sp_.upload.size() + sp_.repeatables.size();
    for (const auto &s : status)
        if (s.state == "pending" || s.state == "partial" || s.state == "failed")
            ++total;
    bar_.emplace(ctx_.stdout_tty && ctx_.stderr_tty && !ctx_.opt.quiet && !ctx_.opt.json,
                 static_cast<int>(total));
    bool callers = o_.after_callers_work && locked_;
    while (true) {
        try {
            // a lock timeout is retried by the server, statement by statement (docs/safety.md):
            // a transaction that failed is never run again
            if (std::exchange(callers, false))
                rc = callers_transaction();
            else
                rc = rolling_back(c_, "connection lost during the deploy",
                                  [this] { return next_transaction(); });
        } catch (const InputError &) {
            c_.rollback_quietly(); // a file changed or became unreadable mid-deploy
            throw;
        } catch (const PgError &e) {
            return failed(e);
        }
        if (rc)
            return *rc;
    }
}

// The first transaction when it holds the caller's work (DeployOptions::after_callers_work):
// rolled back on an error like the others.
std::optional<int> Deployer::callers_transaction() {
    return rolling_back(c_, "connection lost during the deploy",
                        [this] { return next_transaction(); });
}

// The deploy lock taken by the caller, given back when deploy() stops before applying.
void Deployer::release() {
    if (locked_)
        c_.rollback_quietly();
    locked_ = false;
}

// The folder compared with the server (sp_), then what may stop the deploy before it starts:
// drift, an unknown target, nothing to do, no --yes where required. Returns the exit code when
// it stops.
std::optional<int> Deployer::compare_and_confirm(const std::vector<ServerRow> &status) {
    compare(status);
    if (!sp_.drift.empty()) {
        release();
        print_edit_errors(c_, f_, sp_.drift, sp_.edited, ctx_.opt.full_diff);
        return EXIT_USAGE;
    }
    if (o_.target && !knows_version(f_, status, *o_.target)) {
        // mig.plan refuses such a target (PM006); the plan built from a first upload's results
        // must too, instead of stopping silently at the version below it
        release();
        error_line(fmt::format("unknown version \"{}\": no migration in {} or in the database has "
                               "it (see pgmig status)",
                               *o_.target, f_.dir));
        return EXIT_USAGE;
    }
    if (auto gone = missing_files(c_, sp_, o_.target, f_.dir); !gone.empty()) {
        release(); // a deleted file must never run: not even what comes before it
        for (auto &d : gone)
            error_line(d);
        return EXIT_USAGE;
    }
    if (!o_.instead_of_apply && sp_.upload.empty() && !sp_.pending && sp_.repeatables.empty() &&
        sp_.add_down.empty()) {
        if (o_.after_callers_work && locked_) { // the caller's work stays
            c_.exec("COMMIT");
            locked_ = false;
        }
        release();
        save_cache(f_);
        if (o_.dry_run && ctx_.opt.json)
            dry_run_to_json(nlohmann::json::array());
        else if (ctx_.show_progress())
            fmt::print("nothing to do: {} migrations applied\n", f_.migrations.size());
        return EXIT_OK;
    }
    if (!o_.dry_run && !o_.instead_of_apply)
        ctx_.require_yes("up");
    return std::nullopt;
}

void Deployer::compare(const std::vector<ServerRow> &status) {
    auto pairs = pair_with_server(f_, status);
    read_known_scripts(f_, pairs);
    sp_ = compute_sync(f_, status, pairs);
    if (o_.target) // what is above the target is not uploaded (nor parsed) by this run
        for (size_t i = sp_.upload.size(); i-- > 0;)
            if (compare_versions(sp_.upload[i]->version, *o_.target) > 0) {
                sp_.upload.erase(sp_.upload.begin() + static_cast<std::ptrdiff_t>(i));
                sp_.replace.erase(sp_.replace.begin() + static_cast<std::ptrdiff_t>(i));
            }
    trace("deploy: compared");
    if (!sp_.drift.empty())
        throw_if_bad_unread(f_); // bad files first, as when the folder was read whole
}

// One transaction: the deploy lock, the uploads (until they are committed) and the plan, then
// the plan's first transaction. Returns the exit code when the deploy ends, nullopt when more
// transactions follow.
std::optional<int> Deployer::next_transaction() {
    if (!locked_)
        begin_locked(c_, ctx_);
    locked_ = false; // the next transaction takes the lock itself
    trace("deploy: locked");
    if (!uploaded_)
        store_new_downs(c_, f_, sp_.add_down, ctx_.opt.quiet, o_.dry_run);
    bool own_plan = !o_.dry_run && !o_.per_migration && !sp_.pending;
    auto plan = upload_and_plan(c_, f_, uploaded_ ? std::vector<UploadItem>() : uploads_, o_.target,
                                own_plan);
    trace("deploy: uploaded and planned");
    if (!uploaded_ && !uploads_.empty() && ctx_.opt.verbose > 0)
        fmt::print("uploaded {} migration(s)\n", uploads_.size());
    if (o_.instead_of_apply) {
        save_cache_once();
        return o_.instead_of_apply(c_);
    }
    if (o_.dry_run) {
        int rc = dry_run(ctx_, c_, f_, plan, sp_.repeatables, o_.fail_on, report_);
        save_cache_once();
        return rc;
    }
    auto ts = transactions(plan, o_.per_migration);
    if (ts.empty()) {
        apply_repeatables();
        c_.exec("COMMIT");
        uploaded_ = true;
        return finish();
    }
    if (ts[0].outside)
        return run_outside(plan[ts[0].begin]);
    return apply(plan, ts[0], ts.size() == 1);
}

// A non-transactional migration: what is uploaded and applied so far is committed first, with
// the lease that keeps other deployers waiting while it runs outside the deploy lock.
std::optional<int> Deployer::run_outside(const PlanRow &row) {
    LeaseTaken lease{take_lease(c_, row.version, false, 0)};
    c_.exec("COMMIT");
    uploaded_ = true;
    if (applied_ > reported_ && ctx_.show_progress())
        fmt::print("committed {} migration(s) before non-transactional migration {}\n",
                   applied_ - reported_, row.version);
    reported_ = applied_ + 1; // it, once it ran
    if (ctx_.show_progress())
        fmt::print("running {} {} outside a transaction, statement by statement\n", row.version,
                   row.name);
    auto t0 = Clock::now();
    if (int rc = run_outside_transaction(ctx_, c_, &f_, row.version, row.name, false, lease))
        return rc;
    print_row("applied", row.version, row.name, since(t0));
    ++applied_;
    return std::nullopt;
}

// Applies the transaction t of the plan (mig.apply up to its last migration) and commits;
// with the last one, the repeatables too.
std::optional<int> Deployer::apply(const std::vector<PlanRow> &plan, const Transaction &t,
                                   bool last) {
    size_t n = t.end - t.begin;
    auto t_apply = Clock::now();
    // a long apply: the migration running named on the bar, or in a line of the log
    ApplyWatch watch(ctx_, c_);
    std::function<void()> tick;
    if (ctx_.show_progress())
        tick = [&] {
            auto now = watch.poll();
            if (now && ctx_.live_lines()) {
                size_t k = 0;
                while (k < n && plan[t.begin + k].version != now->version)
                    ++k;
                fmt::print("{:<11} {} {} (migration {} of {}, after {:.1f} s)\n", "running",
                           now->version, now->name, k + 1, n, since(t_apply));
            }
            if (bar_->enabled())
                bar_->tick(
                    watch.label().empty()
                        ? fmt::format("applying {} migration(s)... {:.1f} s", n, since(t_apply))
                        : fmt::format("{} {:.1f} s", watch.label(), since(t_apply)));
        };
    auto r =
        c_.exec_ticking(kApplySql, {plan[t.end - 1].version}, tick, [this] { save_cache_once(); });
    trace("deploy: applied");
    lines_.emplace();
    for (int k = 0; k < r.rows(); ++k) {
        print_row(r.str(k, 2), r.str(k, 0), r.str(k, 1), r.number(k, 3));
        ++applied_;
    }
    fmt::print("{}", *lines_);
    lines_.reset();
    if (last)
        apply_repeatables();
    c_.exec("COMMIT");
    trace("deploy: committed");
    uploaded_ = true;
    if (last)
        return finish();
    // what a reader of the log must know, as for a non-transactional migration: what is
    // committed stays applied if a later migration fails
    if (t.ends_with_enum_label && ctx_.show_progress())
        fmt::print("committed {} migration(s), up to {}, which adds an enum label (the next "
                   "ones can use it only after a commit)\n",
                   applied_ - reported_, plan[t.end - 1].version);
    if (t.ends_with_enum_label)
        reported_ = applied_;
    return std::nullopt;
}

// The repeatables still to do (after every versioned migration), a row each.
void Deployer::apply_repeatables() {
    for (auto *r : sp_.repeatables) {
        auto [ran, secs] = apply_repeatable(c_, *r);
        if (ran) {
            print_row("repeatable", "R", r->name, secs);
            ++applied_;
        }
    }
    sp_.repeatables.clear();
}

int Deployer::finish() {
    bar_->clear();
    save_cache_once();
    if (ctx_.show_progress())
        fmt::print("applied {} migration(s) in {}\n", applied_, human_duration(since(start_)));
    return EXIT_OK;
}

// The error (the transaction is rolled back already), and what it left applied.
int Deployer::failed(const PgError &e) {
    bar_->clear();
    int rc = report_error(e, &f_, false, ctx_.opt.verbose);
    if (o_.dry_run && ctx_.opt.json)
        dry_run_to_json(report_);
    if (rc == EXIT_MIGRATION_FAILED && !ctx_.opt.quiet) {
        if (applied_ > 0)
            fmt::print(stderr,
                       "rolled back: nothing from this transaction was applied; the {} "
                       "migration(s) committed before it stay applied\n",
                       applied_);
        else
            fmt::print(stderr, "rolled back: nothing from this transaction was applied\n");
    }
    return rc;
}

void Deployer::print_row(const std::string &action, const std::string &version,
                         const std::string &name, double secs) {
    json_report::migration(action == "repeatable" ? "" : version, name, action, secs, c_.user());
    bar_->clear();
    if (ctx_.show_progress()) {
        std::string line =
            fmt::format("{} {} {} ({})\n", paint(fmt::format("{:<11}", action), "32"), version,
                        printable(name, false), human_duration(secs)); // a file's name
        if (lines_)
            *lines_ += line;
        else
            fmt::print("{}", line);
    }
    bar_->step(version);
}

void Deployer::save_cache_once() {
    if (!cache_saved_)
        save_cache(f_);
    cache_saved_ = true;
}

} // namespace

int deploy(Context &ctx, Conn &c, Folder &f, const DeployOptions &o,
           std::optional<std::vector<ServerRow>> prefetched, bool locked) {
    Deployer d(ctx, c, f, o, locked); // its clock starts here
    trace("deploy: start");
    auto status = prefetched ? std::move(*prefetched) : fetch_sync_status(c);
    trace("deploy: status fetched");
    return d.run(status);
}

} // namespace mig::client
