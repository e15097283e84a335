#include "status.hpp"

#include "json_report.hpp"

#include <nlohmann/json.hpp>

namespace mig::client {
namespace {

nlohmann::json text_or_null(std::string_view s) {
    return s.empty() ? nlohmann::json(nullptr) : nlohmann::json(s);
}

nlohmann::json count_or_null(int n, bool known) {
    return known ? nlohmann::json(n) : nlohmann::json(nullptr);
}

nlohmann::json line_json(const StatusLine &l) {
    return {
        {"version", l.kind == "repeatable" ? nlohmann::json(nullptr) : nlohmann::json(l.version)},
        {"name", l.name},
        {"state", l.state},
        {"kind", l.kind},
        {"batch", l.batch.empty() ? nlohmann::json(nullptr)
                                  : nlohmann::json(std::stol(std::string(l.batch)))},
        {"applied_at", text_or_null(l.applied_at)},
        {"applied_by", text_or_null(l.applied_by)},
        {"duration_s", l.duration_s < 0 ? nlohmann::json(nullptr) : nlohmann::json(l.duration_s)},
        {"file", text_or_null(l.file)},
        {"checksum", text_or_null(l.checksum)},
        {"local_checksum", text_or_null(l.local_checksum)},
        {"has_down", l.has_down},
        {"down_error", text_or_null(l.down_error)},
        {"transactional", l.transactional},
        {"statements_done", count_or_null(l.done, l.done >= 0)},
        {"statements", count_or_null(l.statements, l.statements >= 0)},
        {"down_statements_done", count_or_null(l.down_done, l.down_done > 0)}};
}

} // namespace

void status_to_json(const std::vector<StatusLine> &lines) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto &l : lines) {
        out.push_back(line_json(l));
        if (!l.diff.empty())
            out.back()["diff"] = l.diff;
    }
    json_report::set("migrations", std::move(out));
}

bool needs_attention(const std::vector<StatusLine> &lines) {
    for (const auto &l : lines)
        if (l.state != "applied" && l.state != "baseline")
            return true;
    return false;
}

} // namespace mig::client
