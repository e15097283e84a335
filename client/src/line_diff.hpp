// line_diff.hpp: line diffs of two scripts: a short one for `pgmig repair` to show what a
// reviewed edit changed, a unified one (diff -u) for an applied migration whose file was edited
// (docs/troubleshooting.md). Pure C++.
#pragma once
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mig::client {

// The lines that differ, "-N: old" / "+N: new" (N: the line's number in its own script), in
// order, at most max_lines of them, then "... K more changed lines" when there are more. The
// lines between the common first and last lines are compared by their longest common
// subsequence when that is small enough (up to 4,000,000 cells), else shown whole.
std::vector<std::string> line_diff(std::string_view before, std::string_view after,
                                   size_t max_lines);

// A unified diff (diff -u, three lines of context) of before and after under the headers
// "--- before_label" / "+++ after_label"; after max_lines lines of hunks (0: no limit), one
// line saying how many more there are. A carriage return ending a line is shown as "\r".
std::vector<std::string> unified_diff(std::string_view before, std::string_view after,
                                      const std::string &before_label,
                                      const std::string &after_label, size_t max_lines);

// When two different scripts differ only in layout, which: line endings (CRLF against LF),
// trailing whitespace, or both, as a sentence; nullopt when the text itself differs (or when
// they are equal).
std::optional<std::string> layout_only_difference(std::string_view before, std::string_view after);

} // namespace mig::client
