#include "version.hpp"

namespace mig::client {
namespace {

// The first 14 digits of `d` read as a timestamp YYYYMMDDHHMMSS (years 1900-2199).
bool timestamp14(std::string_view d) {
    auto num = [&](size_t at, size_t n) {
        int v = 0;
        for (size_t i = at; i < at + n; ++i)
            v = v * 10 + (d[i] - '0');
        return v;
    };
    if (d.size() < 14)
        return false;
    int year = num(0, 4), month = num(4, 2), day = num(6, 2);
    return year >= 1900 && year < 2200 && month >= 1 && month <= 12 && day >= 1 && day <= 31 &&
           num(8, 2) < 24 && num(10, 2) < 60 && num(12, 2) <= 60;
}

} // namespace

std::optional<std::string> normalize_version(std::string_view raw, bool flyway) {
    bool digits = !raw.empty();
    for (char c : raw)
        digits = digits && c >= '0' && c <= '9';
    if (digits) // the usual case: nothing to change
        return std::string(raw);
    std::string out;
    out.reserve(raw.size());
    for (size_t i = 0; i < raw.size(); ++i) {
        char c = raw[i];
        if (c == '-') {
            // diesel's YYYY-MM-DD-HHMMSS-NNNN: the timestamp, then a group of its own, so that
            // it sorts by its time among the 14-digit YYYY-MM-DD-HHMMSS versions (diesel sorts
            // versions as strings: 2026-05-05-180007-0000 comes before 2026-05-27-120000)
            if (out.size() == 14 && i + 1 < raw.size() && raw[i + 1] >= '0' && raw[i + 1] <= '9' &&
                out.find('.') == std::string::npos && timestamp14(out))
                out += '.';
            continue;
        }
        if (flyway && c == '_')
            c = '.';
        if (c != '.' && (c < '0' || c > '9'))
            return std::nullopt;
        out += c;
    }
    // no empty group: not empty, no leading or trailing '.', no ".."
    if (out.empty() || out.front() == '.' || out.back() == '.' ||
        out.find("..") != std::string::npos)
        return std::nullopt;
    return out;
}

std::string increment_digits(const std::string &digits) {
    std::string s = digits.empty() ? "0" : digits;
    int i = static_cast<int>(s.size()) - 1;
    while (i >= 0) {
        if (s[i] == '9') {
            s[i] = '0';
            --i;
        } else {
            ++s[i];
            return s;
        }
    }
    return "1" + s;
}

} // namespace mig::client
