#include "version.hpp"

#include <vector>

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

std::string canonical_version(std::string_view version) {
    // leading zeros of each '.'-separated group dropped; no temporary strings
    std::string out;
    out.reserve(version.size());
    size_t i = 0, n = version.size();
    while (true) {
        size_t e = version.find('.', i);
        if (e == std::string_view::npos)
            e = n;
        size_t z = i;
        while (z + 1 < e && version[z] == '0')
            ++z;
        out.append(version.substr(z, e - z));
        if (e >= n)
            break;
        out += '.';
        i = e + 1;
    }
    return out;
}

namespace {
// Digits only (one group): true, and the position of the first significant digit.
bool one_group(std::string_view s, size_t &first) {
    for (char c : s)
        if (c < '0' || c > '9')
            return false;
    first = 0;
    while (first + 1 < s.size() && s[first] == '0')
        ++first;
    return true;
}
} // namespace

int compare_versions(std::string_view a, std::string_view b) {
    // the usual case, one group each: fewer significant digits is smaller, else digit by digit
    size_t fa = 0, fb = 0;
    if (!a.empty() && !b.empty() && one_group(a, fa) && one_group(b, fb)) {
        size_t la = a.size() - fa, lb = b.size() - fb;
        if (la != lb)
            return la < lb ? -1 : 1;
        int c = a.substr(fa).compare(b.substr(fb));
        return c < 0 ? -1 : (c > 0 ? 1 : 0);
    }
    // allocation-free: walk both strings group by group
    size_t i = 0, j = 0, na = a.size(), nb = b.size();
    while (true) {
        bool ea = i >= na, eb = j >= nb;
        if (ea || eb)
            return ea && eb ? 0 : (ea ? -1 : 1);
        size_t ga = a.find('.', i), gb = b.find('.', j);
        if (ga == std::string_view::npos)
            ga = na;
        if (gb == std::string_view::npos)
            gb = nb;
        size_t za = i, zb = j;
        while (za + 1 < ga && a[za] == '0')
            ++za;
        while (zb + 1 < gb && b[zb] == '0')
            ++zb;
        size_t la = ga - za, lb = gb - zb;
        if (la != lb)
            return la < lb ? -1 : 1;
        if (int c = a.substr(za, la).compare(b.substr(zb, lb)))
            return c < 0 ? -1 : 1;
        // a trailing '.' means another group follows
        i = ga < na ? ga + 1 : na + 1;
        j = gb < nb ? gb + 1 : nb + 1;
        if (i > na && j > nb)
            return 0;
        if (i > na)
            return -1;
        if (j > nb)
            return 1;
    }
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
