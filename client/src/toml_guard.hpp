// toml_guard.hpp: TOML text made safe for the toml++ of Debian 12 (3.3.0) before it parses it.
//
// toml++ up to 3.4.0 asks is_non_ascii_horizontal_whitespace() about some characters, and that
// function reaches __builtin_unreachable() for most non-ASCII characters below U+FEFF (Latin-1,
// Greek, Cyrillic, kana, ...): undefined behaviour (toml++ issues #190 and #295, fixed upstream by
// its pull request #305; found by test/fuzz's config and directives targets). It asks only about
// a character outside strings and comments (always an error in TOML: bare keys, numbers, dates
// and booleans are ASCII) and, in a multi-line basic string, about the character after a
// backslash or after a line-ending backslash's white space.
#pragma once
#include <string>
#include <string_view>

namespace mig::client {

// `text` unchanged, or with each such character after a line-ending backslash written as the
// escape `\uXXXX` (the same string value, on the same lines). Throws InputError
// "PATH:LINE:COL: ..." for one outside strings and comments, or right after a backslash (an
// escape TOML does not have).
std::string toml_safe_text(std::string_view text, const std::string &path);

// Whether toml++ 3.3's is_non_ascii_horizontal_whitespace() is undefined for code point c.
bool toml_whitespace_check_undefined(char32_t c);

} // namespace mig::client
