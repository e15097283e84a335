// version.cpp: pure C++ (see version.hpp).
#include "version.hpp"

#ifdef POSTGRES_H
static_assert(false, "version.cpp must not include PostgreSQL headers");
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

} // namespace mig
