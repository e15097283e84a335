// line_diff.hpp: a short line diff of two scripts, for `pgmig repair` to show what a reviewed
// edit changed (the stored up script against the file's). Pure C++.
#pragma once
#include <cstddef>
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

} // namespace mig::client
