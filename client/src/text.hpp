// Small text helpers shared by the parsers and the output.
#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace mig::client {

// Byte offset of the first invalid UTF-8 sequence, or npos when valid.
size_t invalid_utf8_at(std::string_view s);
// 1-based line and column (in characters) of a byte offset.
std::pair<int, int> line_col_at(std::string_view s, size_t byte_offset);
// Line `n` (1-based) of `s` without its newline; empty when out of range.
std::string line_of(std::string_view s, int n);
// Number of '\n' in s.
int count_newlines(std::string_view s);
bool starts_with(std::string_view s, std::string_view p);
bool ends_with(std::string_view s, std::string_view p);
// s without leading and trailing spaces, tabs, '\r' and '\n'; trim_view() as a view into s.
std::string trim(std::string_view s);
std::string_view trim_view(std::string_view s);
// ASCII letters lowered (what std::tolower does in the C locale pgmig runs in).
std::string to_lower(std::string_view s);

// Text from the server (names, messages) made safe to print on a terminal: control characters
// (C0 but newline and tab, DEL, and the C1 controls U+0080-U+009F) shown escaped as \xNN or
// \u00NN, so that a migration's name or an error message cannot move the cursor, clear the
// screen or hide a line (an ESC sequence). keep_newlines false escapes newlines too. Bytes that
// are not UTF-8 (a file's name) are shown as \xNN.
std::string printable(std::string_view s, bool keep_newlines = true);
// Byte offset of the n-th (1-based) character of s, counting UTF-8 characters.
size_t char_to_byte(std::string_view s, long chars);
// Appends s as a JSON string (quoted; '"', '\\' and control characters escaped, other UTF-8 as
// it is: what nlohmann::json's dump() writes). False, with nothing appended, when s is not
// valid UTF-8.
bool append_json_string(std::string &out, std::string_view s);

} // namespace mig::client
