#include "line_diff.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace mig::client {
namespace {

std::vector<std::string_view> lines_of(std::string_view s) {
    std::vector<std::string_view> out;
    while (!s.empty()) {
        size_t nl = s.find('\n');
        out.push_back(s.substr(0, nl));
        s = nl == std::string_view::npos ? std::string_view() : s.substr(nl + 1);
    }
    return out;
}

struct Edit {
    char sign;
    size_t line; // 0-based in its own script
};

// The edits turning a[a0, a1) into b[b0, b1), by their longest common subsequence.
std::vector<Edit> lcs_edits(const std::vector<std::string_view> &a, size_t a0, size_t a1,
                            const std::vector<std::string_view> &b, size_t b0, size_t b1) {
    size_t n = a1 - a0, m = b1 - b0;
    std::vector<std::vector<unsigned>> len(n + 1, std::vector<unsigned>(m + 1, 0));
    for (size_t i = n; i-- > 0;)
        for (size_t j = m; j-- > 0;)
            len[i][j] = a[a0 + i] == b[b0 + j] ? len[i + 1][j + 1] + 1
                                               : std::max(len[i + 1][j], len[i][j + 1]);
    std::vector<Edit> out;
    size_t i = 0, j = 0;
    while (i < n || j < m) {
        if (i < n && j < m && a[a0 + i] == b[b0 + j]) {
            ++i, ++j;
        } else if (i < n && (j == m || len[i + 1][j] >= len[i][j + 1])) {
            out.push_back({'-', a0 + i++}); // a removed line before the one added for it
        } else {
            out.push_back({'+', b0 + j++});
        }
    }
    return out;
}

} // namespace

std::vector<std::string> line_diff(std::string_view before, std::string_view after,
                                   size_t max_lines) {
    auto a = lines_of(before), b = lines_of(after);
    size_t head = 0;
    while (head < a.size() && head < b.size() && a[head] == b[head])
        ++head;
    size_t tail = 0;
    while (tail < a.size() - head && tail < b.size() - head &&
           a[a.size() - 1 - tail] == b[b.size() - 1 - tail])
        ++tail;
    size_t a1 = a.size() - tail, b1 = b.size() - tail;
    std::vector<Edit> edits;
    if ((a1 - head) * (b1 - head) <= 4000000) {
        edits = lcs_edits(a, head, a1, b, head, b1);
    } else {
        for (size_t i = head; i < a1; ++i)
            edits.push_back({'-', i});
        for (size_t j = head; j < b1; ++j)
            edits.push_back({'+', j});
    }
    std::vector<std::string> out;
    for (size_t k = 0; k < edits.size() && k < max_lines; ++k) {
        const Edit &e = edits[k];
        out.push_back(
            fmt::format("{}{}: {}", e.sign, e.line + 1, e.sign == '-' ? a[e.line] : b[e.line]));
    }
    if (edits.size() > max_lines)
        out.push_back(fmt::format("... {} more changed lines", edits.size() - max_lines));
    return out;
}

} // namespace mig::client
