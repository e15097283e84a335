// version_order.cpp: pure C++ (see version_order.hpp).
#include "version_order.hpp"

#ifdef POSTGRES_H
static_assert(false, "version_order.cpp must not include PostgreSQL headers");
#endif

namespace mig {

std::optional<std::vector<std::string>> parse_version(const std::string &v) {
    std::vector<std::string> groups;
    std::string cur;
    bool any_digit = false;
    for (char c : v) {
        if (c >= '0' && c <= '9') {
            cur.push_back(c);
            any_digit = true;
        } else if (c == '-') {
            continue;
        } else if (c == '.') {
            if (cur.empty())
                return std::nullopt;
            groups.push_back(std::move(cur));
            cur.clear();
        } else {
            return std::nullopt;
        }
    }
    if (!any_digit || cur.empty())
        return std::nullopt;
    groups.push_back(std::move(cur));
    for (auto &g : groups) {
        std::size_t nz = g.find_first_not_of('0');
        g = (nz == std::string::npos) ? std::string("0") : g.substr(nz);
        if (g.size() > kMaxGroupDigits)
            return std::nullopt; // numeric's limit: the key could not be built
    }
    return groups;
}

std::string version_key_bytes(const std::vector<std::string> &groups) {
    std::string out;
    for (const auto &g : groups) {
        std::size_t n = g.size(); // >= 1: "0" for a zero group, else no leading zero
        if (n < 255) {
            out.push_back(static_cast<char>(n));
        } else {
            out.push_back(static_cast<char>(0xFF));
            for (int shift = 24; shift >= 0; shift -= 8)
                out.push_back(static_cast<char>((n >> shift) & 0xFF));
        }
        out += g;
    }
    return out;
}

std::string version_key_literal(const std::vector<std::string> &groups) {
    static const char hex[] = "0123456789abcdef";
    std::string bytes = version_key_bytes(groups);
    std::string out = "\\x";
    for (unsigned char c : bytes) {
        out.push_back(hex[c >> 4]);
        out.push_back(hex[c & 0xF]);
    }
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

} // namespace mig
