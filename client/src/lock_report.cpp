// The lock report of `up --dry-run`: --fail-on's list, mig.dry_run's rows by statement, the
// flagged statements (lock_report.hpp; the table and the JSON: lock_report_render.cpp).
#include "lock_report.hpp"

#include "errors.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>

namespace mig::client {

const std::vector<std::string> &lock_report_flags() {
    static const std::vector<std::string> flags = {"access-exclusive", "rewrite",
                                                   "validated-constraint", "not-null-scan",
                                                   "index-without-concurrently"};
    return flags;
}

namespace {

std::string trim(const std::string &s) {
    size_t b = s.find_first_not_of(" \t"), e = s.find_last_not_of(" \t");
    return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
}

bool contains(const std::vector<std::string> &v, const std::string &x) {
    return std::find(v.begin(), v.end(), x) != v.end();
}

void add_unique(std::vector<std::string> &v, const std::string &x) {
    if (!contains(v, x))
        v.push_back(x);
}

std::vector<std::string> split_commas(const std::string &s) {
    std::vector<std::string> out;
    size_t start = 0;
    while (start <= s.size()) {
        size_t comma = s.find(',', start);
        if (comma == std::string::npos)
            comma = s.size();
        out.push_back(s.substr(start, comma - start));
        start = comma + 1;
    }
    return out;
}

// "access-exclusive, rewrite, ..., any": what --fail-on accepts, for its errors.
std::string known_flags() {
    std::string names;
    for (const auto &k : lock_report_flags())
        names += k + ", ";
    return names + "any";
}

} // namespace

std::vector<std::string> parse_fail_on(const std::string &list) {
    std::vector<std::string> wanted;
    for (const auto &part : split_commas(list)) {
        std::string name = trim(part);
        if (name.empty())
            continue;
        if (name == "any")
            wanted = lock_report_flags();
        else if (contains(lock_report_flags(), name))
            add_unique(wanted, name);
        else
            throw InputError(
                fmt::format("--fail-on: unknown flag \"{}\" (known: {})", name, known_flags()));
    }
    if (wanted.empty())
        throw InputError("--fail-on: no flag given (known: " + known_flags() + ")");
    std::vector<std::string> ordered; // in the report's order
    for (const auto &k : lock_report_flags())
        if (contains(wanted, k))
            ordered.push_back(k);
    return ordered;
}

const char *const kDryRunSql =
    "SELECT version, name, stmt_no, line, tag, statement, executed, rows_affected, "
    "extract(epoch FROM duration), relation, lock_mode, existed, rel_size, rel_rows, rewrote, "
    "array_to_string(flags, ','), to_json(hints)::text, note "
    "FROM mig.dry_run($1)";

namespace {

enum Col {
    kVersion,
    kName,
    kStmtNo,
    kLine,
    kTag,
    kStatement,
    kExecuted,
    kRowsAffected,
    kDuration,
    kRelation,
    kLockMode,
    kExisted,
    kRelSize,
    kRelRows,
    kRewrote,
    kFlags,
    kHints,
    kNote
};

std::optional<long> opt_long(const Result &r, int row, int col) {
    if (r.null(row, col))
        return std::nullopt;
    return r.integer(row, col);
}

std::optional<double> opt_number(const Result &r, int row, int col) {
    if (r.null(row, col))
        return std::nullopt;
    return r.number(row, col);
}

ReportStatement statement_of(const Result &r, int k,
                             const std::function<std::string(const std::string &)> &file_of) {
    ReportStatement s;
    s.version = r.str(k, kVersion);
    s.name = r.str(k, kName);
    s.file = file_of ? file_of(s.version) : "";
    if (!r.null(k, kStmtNo))
        s.stmt_no = static_cast<int>(r.integer(k, kStmtNo));
    if (!r.null(k, kLine))
        s.line = static_cast<int>(r.integer(k, kLine));
    s.tag = r.str(k, kTag);
    s.statement = r.str(k, kStatement);
    s.executed = r.flag(k, kExecuted);
    s.rows_affected = opt_long(r, k, kRowsAffected);
    s.duration_s = opt_number(r, k, kDuration);
    s.note = r.str(k, kNote);
    return s;
}

void add_relation(ReportStatement &s, const Result &r, int k) {
    std::vector<std::string> flags;
    if (!r.null(k, kFlags))
        for (auto &f : split_commas(r.str(k, kFlags)))
            if (!f.empty())
                flags.push_back(f);
    if (!r.null(k, kHints)) {
        auto hints = nlohmann::json::parse(r.str(k, kHints));
        for (size_t i = 0; i < flags.size() && i < hints.size(); ++i)
            if (!contains(s.flags, flags[i]))
                s.hints.emplace_back(flags[i], hints[i].get<std::string>());
    }
    for (const auto &f : flags)
        add_unique(s.flags, f);
    if (r.null(k, kRelation))
        return;
    LockedRelation l;
    l.relation = r.str(k, kRelation);
    l.lock = r.str(k, kLockMode);
    l.existed = r.flag(k, kExisted);
    l.size = opt_long(r, k, kRelSize);
    l.rows = opt_number(r, k, kRelRows);
    l.rewrote = r.flag(k, kRewrote);
    l.flags = std::move(flags);
    s.locks.push_back(std::move(l));
}

} // namespace

std::vector<ReportStatement>
group_report(const Result &r, const std::function<std::string(const std::string &)> &file_of) {
    std::vector<ReportStatement> out;
    for (int k = 0; k < r.rows(); ++k) {
        bool same = !out.empty() && !r.null(k, kStmtNo) && out.back().stmt_no &&
                    out.back().version == r.view(k, kVersion) &&
                    *out.back().stmt_no == r.integer(k, kStmtNo);
        if (!same)
            out.push_back(statement_of(r, k, file_of));
        add_relation(out.back(), r, k);
    }
    // the report's flag order, whatever the relations' order
    for (auto &s : out) {
        std::vector<std::string> ordered;
        for (const auto &f : lock_report_flags())
            if (contains(s.flags, f))
                ordered.push_back(f);
        s.flags = std::move(ordered);
        std::stable_sort(s.hints.begin(), s.hints.end(), [](const auto &a, const auto &b) {
            const auto &k = lock_report_flags();
            return std::find(k.begin(), k.end(), a.first) < std::find(k.begin(), k.end(), b.first);
        });
    }
    return out;
}

std::string human_size(long bytes) {
    static const char *const units[] = {"B", "kB", "MB", "GB", "TB"};
    double v = static_cast<double>(bytes);
    int u = 0;
    while (v >= 1024 && u < 4) {
        v /= 1024;
        ++u;
    }
    if (u == 0 || v >= 10)
        return fmt::format("{:.0f} {}", std::floor(v + 0.5), units[u]);
    return fmt::format("{:.1f} {}", v, units[u]);
}

std::vector<const ReportStatement *> failing_statements(const std::vector<ReportStatement> &report,
                                                        const std::vector<std::string> &fail_on) {
    std::vector<const ReportStatement *> out;
    for (const auto &s : report)
        if (std::any_of(s.flags.begin(), s.flags.end(),
                        [&](const std::string &f) { return contains(fail_on, f); }))
            out.push_back(&s);
    return out;
}

std::string describe_statement(const ReportStatement &s, const std::vector<std::string> &only) {
    std::string where = s.file.empty() ? "" : fmt::format(", {}:{}", s.file, s.line.value_or(1));
    std::string flags;
    for (const auto &f : s.flags)
        if (only.empty() || contains(only, f))
            flags += (flags.empty() ? "" : ", ") + f;
    return fmt::format("{} ({}), statement {}{}: {}", s.version, s.name, s.stmt_no.value_or(0),
                       where, flags);
}

} // namespace mig::client
