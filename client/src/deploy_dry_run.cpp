#include "deploy_steps.hpp"

#include "errors.hpp"
#include "errors_report.hpp"
#include "folder_pairs.hpp"
#include "json_report.hpp"
#include "lock_report.hpp"
#include "output.hpp"

#include <cmath>
#include <fmt/format.h>

namespace mig::client {
namespace {

double to_s(double secs) { // to the microsecond, as the server measures
    return std::round(secs * 1e6) / 1e6;
}

// Applies the plan up to `version` (what one transaction can) and reports each migration.
void report_applied(const Context &ctx, Conn &c, const Folder &f, const std::string &version,
                    nlohmann::json &report) {
    auto r = c.exec(kApplySql, {version});
    for (int k = 0; k < r.rows(); ++k) {
        double secs = r.number(k, 3);
        const Migration *m = find_migration(f, r.view(k, 0));
        report.push_back({{"version", r.str(k, 0)},
                          {"name", r.str(k, 1)},
                          {"file", m ? m->up_file : ""},
                          {"action", "apply"},
                          {"transactional", true},
                          {"duration_s", to_s(secs)}});
        if (!ctx.opt.json && !ctx.opt.quiet)
            fmt::print("would apply {} {} ({})\n", r.str(k, 0), r.str(k, 1), human_duration(secs));
    }
}

// The migrations the lock report ran, each with the sum of its statements' times: what
// report_applied says, without running them a second time.
void report_from_lock_report(const Context &ctx, const Folder &f,
                             const std::vector<ReportStatement> &locks, nlohmann::json &report) {
    for (size_t i = 0; i < locks.size();) {
        const auto &first = locks[i];
        double secs = 0;
        for (; i < locks.size() && locks[i].version == first.version; ++i)
            secs += locks[i].duration_s.value_or(0);
        if (!first.executed)
            continue; // reported by report_not_executed
        const Migration *m = find_migration(f, first.version);
        report.push_back({{"version", first.version},
                          {"name", first.name},
                          {"file", m ? m->up_file : ""},
                          {"action", "apply"},
                          {"transactional", true},
                          {"duration_s", to_s(secs)}});
        if (!ctx.opt.json && !ctx.opt.quiet)
            fmt::print("would apply {} {} ({})\n", first.version, first.name, human_duration(secs));
    }
}

// The plan's rows from `from` on, which a dry run cannot execute: after a non-transactional
// migration, or after an enum label that would need a commit (enum_stop).
void report_not_executed(const Context &ctx, const Folder &f, const std::vector<PlanRow> &plan,
                         size_t from, bool enum_stop, nlohmann::json &report) {
    for (size_t i = from; i < plan.size(); ++i) {
        const Migration *m = find_migration(f, plan[i].version);
        bool outside = !plan[i].transactional;
        report.push_back({{"version", plan[i].version},
                          {"name", plan[i].name},
                          {"file", m ? m->up_file : ""},
                          {"action", outside ? "outside-transaction" : "not-executed"},
                          {"transactional", plan[i].transactional},
                          {"duration_s", nullptr}});
        if (!ctx.opt.json && !ctx.opt.quiet)
            fmt::print("{} {} {}\n",
                       outside     ? "would run outside a transaction (not executed):"
                       : enum_stop ? "would apply after the new enum label is committed (not "
                                     "executed):"
                                   : "would apply after it (not executed):",
                       plan[i].version, plan[i].name);
    }
}

void report_repeatables(const Context &ctx, Conn &c,
                        const std::vector<const Migration *> &repeatables, nlohmann::json &report) {
    for (const auto *r : repeatables) {
        double secs = apply_repeatable(c, *r).second;
        report.push_back({{"version", nullptr},
                          {"name", r->name},
                          {"file", r->up_file},
                          {"action", "apply-repeatable"},
                          {"transactional", true},
                          {"duration_s", to_s(secs)}});
        if (!ctx.opt.json && !ctx.opt.quiet)
            fmt::print("would apply repeatable {} ({})\n", r->name, human_duration(secs));
    }
}

// The lock report (mig.dry_run) of the migrations up to `version`: run and rolled back by the
// server before they are applied again for the migrations' own report.
std::vector<ReportStatement> fetch_lock_report(Conn &c, const Folder &f,
                                               const std::string &version) {
    auto r = c.exec(kDryRunSql, {version});
    return group_report(r, [&f](const std::string &v) {
        const Migration *m = find_migration(f, v);
        return m ? m->up_file : std::string();
    });
}

// What the lock report ends with: the table (or --json's "lock_report"), and --fail-on's verdict.
int finish_lock_report(const Context &ctx, const std::vector<ReportStatement> &locks,
                       const std::vector<std::string> &fail_on) {
    if (ctx.opt.json)
        json_report::set("lock_report", lock_report_json(locks, fail_on));
    else if (!ctx.opt.quiet)
        fmt::print("{}", render_lock_report(locks));
    auto failing = failing_statements(locks, fail_on);
    for (const auto *s : failing)
        error_line("--fail-on: " + describe_statement(*s, fail_on));
    return failing.empty() ? EXIT_OK : EXIT_FLAGGED;
}

} // namespace

int dry_run(const Context &ctx, Conn &c, const Folder &f, const std::vector<PlanRow> &plan,
            const std::vector<const Migration *> &repeatables,
            const std::vector<std::string> &fail_on, nlohmann::json &report) {
    report = nlohmann::json::array(); // this attempt's (a lock timeout retries it)
    // What one transaction can run: the first transaction of the plan, unless it is a
    // non-transactional migration. Later ones may use an enum label added in it, which needs
    // a commit that a dry run never makes.
    auto ts = transactions(plan, false);
    bool runs = !ts.empty() && !ts[0].outside;
    size_t ran = runs ? ts[0].end : 0;
    bool blocked = ran < plan.size();
    std::vector<ReportStatement> locks;
    if (ran > 0) {
        locks = fetch_lock_report(c, f, plan[ran - 1].version);
        // the repeatables run after the migrations, on what they did: mig.apply runs them again
        // (the lock report rolled its own run back); otherwise the report's times are the lines
        if (!blocked && !repeatables.empty())
            report_applied(ctx, c, f, plan[ran - 1].version, report);
        else
            report_from_lock_report(ctx, f, locks, report);
    }
    report_not_executed(ctx, f, plan, ran, blocked && runs && ts[0].ends_with_enum_label, report);
    if (!blocked)
        report_repeatables(ctx, c, repeatables, report);
    c.exec("ROLLBACK");
    if (ctx.opt.json)
        dry_run_to_json(report);
    int rc = finish_lock_report(ctx, locks, fail_on);
    if (!ctx.opt.json && !ctx.opt.quiet)
        fmt::print("dry run: rolled back, nothing changed\n");
    return rc;
}

void dry_run_to_json(const nlohmann::json &report) {
    json_report::set("dry_run", true);
    json_report::set("migrations", report);
}

} // namespace mig::client
