// The lock report as a table and as JSON (lock_report.hpp).
#include "lock_report.hpp"
#include "output.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>

namespace mig::client {
namespace {

constexpr size_t kStatementWidth = 44;

// At most `width` bytes of `s`, cut at a character boundary, "..." marking the cut.
std::string clip(const std::string &s, size_t width) {
    if (s.size() <= width)
        return s;
    size_t n = width - 3;
    while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80)
        --n;
    return s.substr(0, n) + "...";
}

std::string joined(const std::vector<std::string> &v) {
    std::string out;
    for (const auto &x : v)
        out += (out.empty() ? "" : ", ") + x;
    return out;
}

using Line = std::vector<std::string>; // one cell per column

const Line kHeader = {"VERSION",  "STMT", "LINE", "TIME",    "STATEMENT", "LOCK",
                      "RELATION", "SIZE", "ROWS", "REWRITE", "FLAGS"};

std::string size_cell(const LockedRelation &l) {
    if (!l.existed)
        return "new";
    return l.size ? human_size(*l.size) : "-";
}

std::string rows_cell(const LockedRelation &l) {
    if (!l.existed)
        return "";
    return l.rows && *l.rows >= 0 ? fmt::format("{:.0f}", *l.rows) : "?";
}

// The lines of one statement: its own cells on the first, one relation per line.
void statement_lines(const ReportStatement &s, std::vector<Line> &out) {
    Line first = {s.version,
                  s.stmt_no ? std::to_string(*s.stmt_no) : "",
                  s.line ? std::to_string(*s.line) : "",
                  s.duration_s ? human_duration(*s.duration_s) : "",
                  s.executed ? clip(s.statement, kStatementWidth) : "(" + s.note + ")",
                  "",
                  "",
                  "",
                  "",
                  "",
                  ""};
    if (s.locks.empty()) {
        first[10] = joined(s.flags);
        out.push_back(first);
        return;
    }
    for (size_t i = 0; i < s.locks.size(); ++i) {
        const auto &l = s.locks[i];
        Line line = i == 0 ? first : Line(kHeader.size());
        line[5] = l.lock.empty() ? "(held)" : l.lock;
        line[6] = l.relation;
        line[7] = size_cell(l);
        line[8] = rows_cell(l);
        line[9] = l.rewrote ? "rewritten" : "";
        line[10] = joined(l.flags);
        out.push_back(line);
    }
}

std::string table(const std::vector<Line> &lines) {
    std::vector<size_t> width(kHeader.size(), 0);
    for (const auto &l : lines)
        for (size_t c = 0; c < l.size(); ++c)
            width[c] = std::max(width[c], l[c].size());
    std::string out;
    for (const auto &l : lines) {
        std::string row;
        for (size_t c = 0; c < l.size(); ++c)
            row += c + 1 == l.size() ? l[c] : fmt::format("{:<{}}  ", l[c], width[c]);
        row.erase(row.find_last_not_of(' ') + 1);
        out += row + "\n";
    }
    return out;
}

} // namespace

std::string render_lock_report(const std::vector<ReportStatement> &report) {
    if (report.empty())
        return "";
    std::vector<Line> lines = {kHeader};
    for (const auto &s : report)
        statement_lines(s, lines);
    std::string out = "lock report (every statement ran, then everything was rolled back):\n";
    out += table(lines);
    auto flagged = failing_statements(report, lock_report_flags());
    if (flagged.empty())
        return out + "no statement flagged\n";
    out += fmt::format("{} statement(s) flagged:\n", flagged.size());
    for (const auto *s : flagged) {
        out += "  " + describe_statement(*s, {}) + "\n";
        for (const auto &[flag, hint] : s->hints)
            out += fmt::format("    {}: {}\n", flag, hint);
    }
    return out;
}

nlohmann::json lock_report_json(const std::vector<ReportStatement> &report,
                                const std::vector<std::string> &fail_on) {
    auto opt = [](const auto &o) -> nlohmann::json {
        if (o)
            return *o;
        return nullptr;
    };
    auto text = [](const std::string &s) -> nlohmann::json {
        if (s.empty())
            return nullptr;
        return s;
    };
    nlohmann::json statements = nlohmann::json::array();
    for (const auto &s : report) {
        nlohmann::json locks = nlohmann::json::array();
        for (const auto &l : s.locks)
            locks.push_back({{"relation", l.relation},
                             {"lock", text(l.lock)},
                             {"existed", l.existed},
                             {"size_bytes", opt(l.size)},
                             {"rows_estimate", l.rows && *l.rows >= 0 ? nlohmann::json(*l.rows)
                                                                      : nlohmann::json(nullptr)},
                             {"rewrote", l.rewrote},
                             {"flags", l.flags}});
        nlohmann::json hints = nlohmann::json::object();
        for (const auto &[flag, hint] : s.hints)
            hints[flag] = hint;
        statements.push_back({{"version", s.version},
                              {"name", s.name},
                              {"file", text(s.file)},
                              {"stmt_no", opt(s.stmt_no)},
                              {"line", opt(s.line)},
                              {"tag", text(s.tag)},
                              {"statement", text(s.statement)},
                              {"executed", s.executed},
                              {"rows_affected", opt(s.rows_affected)},
                              {"duration_s", opt(s.duration_s)},
                              {"locks", locks},
                              {"flags", s.flags},
                              {"hints", hints},
                              {"note", text(s.note)}});
    }
    return {{"statements", statements},
            {"fail_on", fail_on},
            {"failing", failing_statements(report, fail_on).size()}};
}

} // namespace mig::client
