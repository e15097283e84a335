#include "text.hpp"

#include <fmt/format.h>

namespace mig::client {

size_t invalid_utf8_at(std::string_view s) {
    size_t i = 0, n = s.size();
    while (i < n) {
        unsigned char c = static_cast<unsigned char>(s[i]);
        size_t len;
        unsigned int cp;
        if (c < 0x80) {
            ++i;
            continue;
        }
        if ((c & 0xE0) == 0xC0) {
            len = 2;
            cp = c & 0x1F;
        } else if ((c & 0xF0) == 0xE0) {
            len = 3;
            cp = c & 0x0F;
        } else if ((c & 0xF8) == 0xF0) {
            len = 4;
            cp = c & 0x07;
        } else {
            return i;
        }
        if (i + len > n)
            return i;
        for (size_t k = 1; k < len; ++k) {
            unsigned char d = static_cast<unsigned char>(s[i + k]);
            if ((d & 0xC0) != 0x80)
                return i;
            cp = (cp << 6) | (d & 0x3F);
        }
        if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
            cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return i;
        i += len;
    }
    return std::string_view::npos;
}

std::pair<int, int> line_col_at(std::string_view s, size_t off) {
    int line = 1, col = 1;
    for (size_t i = 0; i < off && i < s.size(); ++i) {
        if (s[i] == '\n') {
            ++line;
            col = 1;
        } else if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) {
            ++col;
        }
    }
    return {line, col};
}

std::string line_of(std::string_view s, int n) {
    int line = 1;
    size_t start = 0;
    for (size_t i = 0; i < s.size() && line < n; ++i)
        if (s[i] == '\n') {
            ++line;
            start = i + 1;
        }
    if (line != n || start > s.size())
        return {};
    size_t end = s.find('\n', start);
    std::string out(s.substr(start, end == std::string_view::npos ? s.npos : end - start));
    if (!out.empty() && out.back() == '\r')
        out.pop_back();
    return out;
}

int count_newlines(std::string_view s) {
    int n = 0;
    for (char c : s)
        n += c == '\n';
    return n;
}

bool starts_with(std::string_view s, std::string_view p) {
    return s.substr(0, p.size()) == p;
}
bool ends_with(std::string_view s, std::string_view p) {
    return s.size() >= p.size() && s.substr(s.size() - p.size()) == p;
}

std::string_view trim_view(std::string_view s) {
    size_t b = s.find_first_not_of(" \t\r\n");
    if (b == std::string_view::npos)
        return {};
    size_t e = s.find_last_not_of(" \t\r\n");
    return s.substr(b, e - b + 1);
}

std::string trim(std::string_view s) {
    return std::string(trim_view(s));
}

std::string to_lower(std::string_view s) {
    std::string out(s);
    for (auto &c : out)
        if (c >= 'A' && c <= 'Z')
            c = static_cast<char>(c - 'A' + 'a');
    return out;
}

size_t char_to_byte(std::string_view s, long chars) {
    long seen = 0;
    for (size_t i = 0; i < s.size(); ++i) {
        if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) {
            ++seen;
            if (seen == chars)
                return i;
        }
    }
    return s.size();
}

bool append_json_string(std::string &out, std::string_view s) {
    // the usual case, printable ASCII without '"' or '\\', in one pass
    size_t plain = 0;
    while (plain < s.size()) {
        unsigned char c = static_cast<unsigned char>(s[plain]);
        if (c < 0x20 || c >= 0x80 || c == '"' || c == '\\')
            break;
        ++plain;
    }
    if (plain == s.size()) {
        out += '"';
        out.append(s.data(), s.size());
        out += '"';
        return true;
    }
    if (invalid_utf8_at(s.substr(plain)) != std::string_view::npos)
        return false;
    static constexpr char kHex[] = "0123456789abcdef";
    out += '"';
    size_t from = 0;
    for (size_t i = 0; i < s.size(); ++i) {
        unsigned char c = static_cast<unsigned char>(s[i]);
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        out.append(s.data() + from, i - from);
        from = i + 1;
        out += '\\';
        switch (c) {
        case '"':
        case '\\':
            out += static_cast<char>(c);
            break;
        case '\b':
            out += 'b';
            break;
        case '\f':
            out += 'f';
            break;
        case '\n':
            out += 'n';
            break;
        case '\r':
            out += 'r';
            break;
        case '\t':
            out += 't';
            break;
        default:
            out += "u00";
            out += kHex[c >> 4];
            out += kHex[c & 15];
        }
    }
    out.append(s.data() + from, s.size() - from);
    out += '"';
    return true;
}

std::string printable(std::string_view s, bool keep_newlines) {
    std::string out;
    out.reserve(s.size());
    for (size_t i = 0; i < s.size(); ++i) {
        auto c = static_cast<unsigned char>(s[i]);
        bool c1 = c == 0xC2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) >= 0x80 &&
                  static_cast<unsigned char>(s[i + 1]) <= 0x9F;
        size_t len = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : 4;
        if (c1) {
            out += fmt::format("\\u{:04X}", static_cast<unsigned char>(s[++i]));
        } else if ((c < 0x20 && c != '\t' && !(c == '\n' && keep_newlines)) || c == 0x7F) {
            out += fmt::format("\\x{:02X}", c);
        } else if (len == 1) {
            out += static_cast<char>(c);
        } else if (i + len <= s.size() && invalid_utf8_at(s.substr(i, len)) == std::string::npos) {
            out.append(s.data() + i, len);
            i += len - 1;
        } else { // not UTF-8 (a file name's bytes): shown as they are, escaped
            out += fmt::format("\\x{:02X}", c);
        }
    }
    return out;
}

} // namespace mig::client
