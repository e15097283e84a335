#include "json_report.hpp"

#include "errors_report.hpp"
#include "pg_conn.hpp"

#include <chrono>
#include <fmt/format.h>

namespace mig::client {
namespace json_report {
namespace {

struct Report {
    bool active = false, printed = false;
    nlohmann::json doc = nlohmann::json::object();
    std::chrono::steady_clock::time_point start;
};

Report &report() {
    static Report r;
    return r;
}

nlohmann::json text_or_null(const std::string &s) {
    return s.empty() ? nlohmann::json(nullptr) : nlohmann::json(s);
}

} // namespace

void begin(const std::string &command) {
    Report &r = report();
    r.active = true;
    r.start = std::chrono::steady_clock::now();
    r.doc = {{"command", command},
             {"ok", true},
             {"exit_code", 0},
             {"pgmig_version", PGMIG_VERSION},
             {"duration_s", 0.0},
             {"migrations", nlohmann::json::array()},
             {"warnings", nlohmann::json::array()},
             {"error", nullptr}};
}

bool active() {
    return report().active;
}

void migration(const std::string &version, const std::string &name, const std::string &action,
               double duration_s, const std::string &applied_by) {
    if (!active())
        return;
    report().doc["migrations"].push_back(
        {{"version", version.empty() ? nlohmann::json(nullptr) : nlohmann::json(version)},
         {"name", name},
         {"action", action},
         {"duration_s", duration_s < 0 ? nlohmann::json(nullptr) : nlohmann::json(duration_s)},
         {"applied_by", text_or_null(applied_by)}});
}

void set(const std::string &key, nlohmann::json value) {
    if (active())
        report().doc[key] = std::move(value);
}

void warning(const std::string &message) {
    if (active())
        report().doc["warnings"].push_back(message);
}

void error(const std::string &message) {
    if (!active() || !report().doc["error"].is_null())
        return;
    report().doc["error"] = {{"message", message}, {"sqlstate", nullptr}, {"detail", nullptr},
                             {"hint", nullptr},    {"file", nullptr},     {"line", nullptr},
                             {"column", nullptr},  {"version", nullptr}};
}

void error(const std::string &message, const std::string &detail) {
    if (!active() || !report().doc["error"].is_null())
        return;
    error(message);
    report().doc["error"]["detail"] = detail;
}

void error(const PgError &e, const std::optional<ErrorSite> &site) {
    if (!active() || !report().doc["error"].is_null())
        return;
    report().doc["error"] = {
        {"message", e.message},
        {"sqlstate", text_or_null(e.sqlstate)},
        {"detail", text_or_null(e.detail)},
        {"hint", text_or_null(e.hint)},
        {"file", site ? text_or_null(site->file) : nullptr},
        {"line", site && site->line > 0 ? nlohmann::json(site->line) : nullptr},
        {"column", site && site->col > 0 ? nlohmann::json(site->col) : nullptr},
        {"version", site ? text_or_null(site->version) : nullptr}};
}

void finish(int exit_code) {
    Report &r = report();
    if (!r.active || r.printed)
        return;
    r.printed = true;
    r.doc["ok"] = exit_code == 0;
    r.doc["exit_code"] = exit_code;
    r.doc["duration_s"] =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - r.start).count();
    fmt::print("{}\n", r.doc.dump(2, ' ', false, nlohmann::json::error_handler_t::replace));
    std::fflush(stdout);
}

} // namespace json_report

std::string rfc3339(std::string_view t) {
    // YYYY-MM-DD HH:MM:SS[.f]+HH[:MM]
    if (t.size() < 22 || t[4] != '-' || t[7] != '-' || t[10] != ' ' || t[13] != ':')
        return std::string(t);
    std::string out(t);
    out[10] = 'T';
    size_t sign = out.find_last_of("+-");
    if (sign == std::string::npos || sign < 19)
        return std::string(t);
    size_t zone = out.size() - sign; // "+HH" is 3, "+HH:MM" 6
    if (zone == 3)
        out += ":00";
    return out;
}

} // namespace mig::client
