// The lock report of `up --dry-run` (docs/safety.md, "Lock report: `up --dry-run`"): the rows of
// mig.dry_run grouped by statement, printed as a table, carried by --json, and checked against
// --fail-on.
#pragma once
#include "pg_conn.hpp"

#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace mig::client {

// The flags mig.dry_run sets, in the order the report lists them.
const std::vector<std::string> &lock_report_flags();

// --fail-on's value: a comma-separated list of flags, or `any` (every flag). Empty entries and
// spaces around names are ignored; an unknown name is an InputError naming the known ones.
// Returns the flags, each once, in lock_report_flags() order.
std::vector<std::string> parse_fail_on(const std::string &list);

// A relation one statement locked (or the table its flags are about, lock empty then).
struct LockedRelation {
    std::string relation;
    std::string lock;           // e.g. AccessExclusiveLock; empty: no new lock
    bool existed = false;       // existed before the dry run
    std::optional<long> size;   // bytes before the statement; none: no storage, or new
    std::optional<double> rows; // pg_class.reltuples before it; none: unknown
    bool rewrote = false;
    std::vector<std::string> flags;
};

struct ReportStatement {
    std::string version, name, file; // file: the folder's up file of the migration ("" if none)
    std::optional<int> stmt_no, line;
    std::string tag, statement;
    bool executed = true;
    std::optional<long> rows_affected;
    std::optional<double> duration_s;
    std::vector<LockedRelation> locks;
    std::vector<std::string> flags;                         // every flag of its relations
    std::vector<std::pair<std::string, std::string>> hints; // flag -> safer pattern
    std::string note;                                       // why it did not run
};

// mig.dry_run's columns, as fetch_lock_report asks for them (durations in seconds).
extern const char *const kDryRunSql;

// mig.dry_run's rows (kDryRunSql's columns) grouped by statement, in order. `file_of` names
// the up file of a version ("" when unknown).
std::vector<ReportStatement>
group_report(const Result &r, const std::function<std::string(const std::string &)> &file_of);

// The table `up --dry-run` prints, then each flagged statement with its safer patterns.
std::string render_lock_report(const std::vector<ReportStatement> &report);

// The statements with a flag of `fail_on`.
std::vector<const ReportStatement *> failing_statements(const std::vector<ReportStatement> &report,
                                                        const std::vector<std::string> &fail_on);

// --json's "lock_report" (docs/json.md).
nlohmann::json lock_report_json(const std::vector<ReportStatement> &report,
                                const std::vector<std::string> &fail_on);

// "V (name), statement N, FILE:LINE: flag, flag" for --fail-on's error lines.
std::string describe_statement(const ReportStatement &s, const std::vector<std::string> &only);

// Bytes as the report shows them: "0 B", "8 kB", "1.2 MB", ...
std::string human_size(long bytes);

} // namespace mig::client
