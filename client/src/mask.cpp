#include "mask.hpp"

#include <regex>

namespace mig::client {

std::string mask_password(const std::string &text) {
    // URL user info: scheme://user:password@
    static const std::regex url(R"(((?:postgres|postgresql)://[^:/@\s]*:)[^@\s]*@)",
                                std::regex::icase);
    // conninfo keyword, quoted or not; in both a backslash escapes the next character
    // (`password=S3cret\ PW` is "S3cret PW")
    static const std::regex kw_quoted(R"((\bpassword\s*=\s*)'(?:[^'\\]|\\.)*')", std::regex::icase);
    static const std::regex kw_plain(
        R"((\bpassword\s*=\s*)(?!\*\*\*\*)(?:[^\s&'\\]|\\.|\\$)(?:[^\s&\\]|\\.|\\$)*)",
        std::regex::icase);
    std::string out = std::regex_replace(text, url, "$1****@");
    out = std::regex_replace(out, kw_quoted, "$1****");
    out = std::regex_replace(out, kw_plain, "$1****");
    return out;
}

} // namespace mig::client
