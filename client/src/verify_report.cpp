// `pgmig verify`'s report (verify_report.hpp).
#include "verify_report.hpp"

#include "errors.hpp"

#include <fmt/format.h>

namespace mig::client {

std::vector<VerifyMigration> group_verify_rows(const std::vector<VerifyRowText> &rows) {
    std::vector<VerifyMigration> out;
    for (const auto &r : rows) {
        const std::string result = r[2].value_or("");
        bool same = !out.empty() && out.back().version == r[0] && out.back().result == result &&
                    out.back().phase == r[3] && r[4];
        if (!same) {
            VerifyMigration m;
            m.version = r[0];
            m.name = r[1].value_or("");
            m.result = result;
            m.phase = r[3];
            m.detail = r[8];
            out.push_back(std::move(m));
        }
        if (r[4])
            out.back().differences.push_back({*r[4], r[5].value_or(""), r[6], r[7]});
    }
    return out;
}

VerifyCounts count_verify(const std::vector<VerifyMigration> &ms) {
    VerifyCounts c;
    for (const auto &m : ms) {
        if (m.result == "ok")
            ++c.verified;
        else if (m.result == "not verifiable")
            ++c.not_verifiable;
        else if (m.result == "not verified")
            ++c.not_verified;
        else
            ++c.failed;
    }
    return c;
}

int verify_exit_code(const VerifyCounts &c) {
    return c.failed > 0 ? EXIT_NOT_VERIFIED : EXIT_OK;
}

namespace {

// What went wrong, in words, for a failed migration's line.
std::string failure_text(const VerifyMigration &m) {
    bool again = m.phase && *m.phase == "up again";
    if (m.result == "error")
        return fmt::format("{} failed: {}",
                           again ? "its up script, run again after its down," : "its down script",
                           m.detail.value_or(""));
    if (!m.version)
        return m.detail.value_or("the range does not roll back");
    return again ? "its up script, run again after its down, gives another schema"
                 : "its down script does not restore the schema";
}

void append_difference(std::string &out, const VerifyDifference &d) {
    const char *what = !d.before ? "added" : !d.after ? "removed" : "changed";
    out += fmt::format("    {} {} {}\n", what, d.kind, d.identity);
    if (d.before)
        out += fmt::format("        before: {}\n", *d.before);
    if (d.after)
        out += fmt::format("        after:  {}\n", *d.after);
}

} // namespace

std::string format_verify_report(const std::vector<VerifyMigration> &ms,
                                 std::string (*paint)(const std::string &, const char *)) {
    std::string out;
    for (const auto &m : ms) {
        std::string who = m.version ? fmt::format("{} {}", *m.version, m.name) : "(all)";
        if (m.result == "ok") {
            out += fmt::format("{} {}\n", paint(fmt::format("{:<15}", "verified"), "32"), who);
            continue;
        }
        bool failed = m.result != "not verifiable" && m.result != "not verified";
        std::string label = fmt::format("{:<15}", failed ? "FAILED" : m.result);
        out += fmt::format("{} {}: {}\n", paint(label, failed ? "31" : "33"), who,
                           failed ? failure_text(m) : m.detail.value_or(""));
        for (const auto &d : m.differences)
            append_difference(out, d);
    }
    VerifyCounts c = count_verify(ms);
    out += fmt::format("verify: {} verified, {} failed, {} not verifiable, {} not verified; "
                       "everything was rolled back\n",
                       c.verified, c.failed, c.not_verifiable, c.not_verified);
    return out;
}

nlohmann::json verify_to_json(const std::vector<VerifyMigration> &ms) {
    auto opt = [](const std::optional<std::string> &s) {
        return s ? nlohmann::json(*s) : nlohmann::json(nullptr);
    };
    nlohmann::json out = nlohmann::json::array();
    for (const auto &m : ms) {
        nlohmann::json diffs = nlohmann::json::array();
        for (const auto &d : m.differences)
            diffs.push_back({{"kind", d.kind},
                             {"identity", d.identity},
                             {"before", opt(d.before)},
                             {"after", opt(d.after)}});
        out.push_back({{"version", opt(m.version)},
                       {"name", m.name},
                       {"action", m.result},
                       {"duration_s", nullptr},
                       {"phase", opt(m.phase)},
                       {"detail", opt(m.detail)},
                       {"differences", std::move(diffs)}});
    }
    return out;
}

} // namespace mig::client
