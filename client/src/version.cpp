#include "version.hpp"

#include <vector>

namespace mig::client {
namespace {

std::vector<std::string> groups(const std::string &v) {
    std::vector<std::string> out;
    std::string cur;
    for (char c : v) {
        if (c == '.') {
            out.push_back(cur);
            cur.clear();
        } else {
            cur += c;
        }
    }
    out.push_back(cur);
    return out;
}

std::string strip_zeros(const std::string &g) {
    size_t i = 0;
    while (i + 1 < g.size() && g[i] == '0')
        ++i;
    return g.substr(i);
}

int compare_group(const std::string &a, const std::string &b) {
    std::string x = strip_zeros(a), y = strip_zeros(b);
    if (x.size() != y.size())
        return x.size() < y.size() ? -1 : 1;
    int c = x.compare(y);
    return c < 0 ? -1 : (c > 0 ? 1 : 0);
}

} // namespace

std::optional<std::string> normalize_version(const std::string &raw, bool flyway) {
    std::string out;
    for (char c : raw) {
        if (c == '-')
            continue;
        if (flyway && c == '_')
            c = '.';
        if (c != '.' && (c < '0' || c > '9'))
            return std::nullopt;
        out += c;
    }
    if (out.empty())
        return std::nullopt;
    for (const auto &g : groups(out))
        if (g.empty())
            return std::nullopt;
    return out;
}

std::string canonical_version(const std::string &version) {
    std::string out;
    bool first = true;
    for (const auto &g : groups(version)) {
        if (!first)
            out += '.';
        out += strip_zeros(g);
        first = false;
    }
    return out;
}

int compare_versions(const std::string &a, const std::string &b) {
    auto ga = groups(a), gb = groups(b);
    size_t n = ga.size() < gb.size() ? ga.size() : gb.size();
    for (size_t i = 0; i < n; ++i)
        if (int c = compare_group(ga[i], gb[i]))
            return c;
    if (ga.size() == gb.size())
        return 0;
    return ga.size() < gb.size() ? -1 : 1;
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
