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
    char sign;        // '-' a line of before, '+' one of after, ' ' a line both have
    size_t line;      // 0-based in its own script (for ' ': in before)
    size_t other = 0; // for ' ': the line in after
};

// The edits turning a[a0, a1) into b[b0, b1), by their longest common subsequence; with
// keep_same, the lines both have too (' ').
std::vector<Edit> lcs_edits(const std::vector<std::string_view> &a, size_t a0, size_t a1,
                            const std::vector<std::string_view> &b, size_t b0, size_t b1,
                            bool keep_same = false) {
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
            if (keep_same)
                out.push_back({' ', a0 + i, b0 + j});
            ++i, ++j;
        } else if (i < n && (j == m || len[i + 1][j] >= len[i][j + 1])) {
            out.push_back({'-', a0 + i++}); // a removed line before the one added for it
        } else {
            out.push_back({'+', b0 + j++});
        }
    }
    return out;
}

// Every line of a and b as an edit script: the common first and last lines, and the edits
// between them (by their longest common subsequence when that is small enough, else all of
// the middle removed, then added).
std::vector<Edit> full_script(const std::vector<std::string_view> &a,
                              const std::vector<std::string_view> &b) {
    size_t head = 0;
    while (head < a.size() && head < b.size() && a[head] == b[head])
        ++head;
    size_t tail = 0;
    while (tail < a.size() - head && tail < b.size() - head &&
           a[a.size() - 1 - tail] == b[b.size() - 1 - tail])
        ++tail;
    size_t a1 = a.size() - tail, b1 = b.size() - tail;
    std::vector<Edit> out;
    for (size_t i = 0; i < head; ++i)
        out.push_back({' ', i, i});
    if ((a1 - head) * (b1 - head) <= 4000000) {
        auto mid = lcs_edits(a, head, a1, b, head, b1, true);
        out.insert(out.end(), mid.begin(), mid.end());
    } else {
        for (size_t i = head; i < a1; ++i)
            out.push_back({'-', i});
        for (size_t j = head; j < b1; ++j)
            out.push_back({'+', j});
    }
    for (size_t k = 0; k < tail; ++k)
        out.push_back({' ', a1 + k, b1 + k});
    return out;
}

// A line as the diff shows it: a carriage return at its end made visible (a terminal would
// act on it).
std::string shown_line(char sign, std::string_view text) {
    bool cr = !text.empty() && text.back() == '\r';
    if (cr)
        text.remove_suffix(1);
    return fmt::format("{}{}{}", sign, text, cr ? "\\r" : "");
}

// "start,count" of a hunk's side, as diff -u writes it: an empty side names the line before.
std::string hunk_range(size_t first, size_t count) {
    return fmt::format("{},{}", count == 0 ? first : first + 1, count);
}

constexpr size_t kContext = 3; // lines of context around a change, as diff -u

// The end of the hunk that starts with the change at `change`: changes closer than twice the
// context join it; then the context after the last change.
size_t hunk_end(const std::vector<Edit> &ed, size_t change) {
    size_t end = change;
    for (;;) {
        while (end < ed.size() && ed[end].sign != ' ')
            ++end;
        size_t same = end;
        while (same < ed.size() && ed[same].sign == ' ')
            ++same;
        if (same == ed.size() || same - end > 2 * kContext)
            return std::min(end + kContext, ed.size());
        end = same;
    }
}

std::string_view trim_line_end(std::string_view line) {
    while (!line.empty() && (line.back() == ' ' || line.back() == '\t' || line.back() == '\r'))
        line.remove_suffix(1);
    return line;
}

// The lines with their ends trimmed, without the empty lines at the end.
std::vector<std::string_view> trimmed_lines(std::string_view s) {
    auto lines = lines_of(s);
    for (auto &l : lines)
        l = trim_line_end(l);
    while (!lines.empty() && lines.back().empty())
        lines.pop_back();
    return lines;
}

std::string without_cr_before_lf(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (size_t i = 0; i < s.size(); ++i)
        if (!(s[i] == '\r' && i + 1 < s.size() && s[i + 1] == '\n'))
            out.push_back(s[i]);
    return out;
}

} // namespace

std::vector<std::string> line_diff(std::string_view before, std::string_view after,
                                   size_t max_lines) {
    auto a = lines_of(before), b = lines_of(after);
    std::vector<Edit> edits;
    for (const Edit &e : full_script(a, b))
        if (e.sign != ' ')
            edits.push_back(e);
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

std::vector<std::string> unified_diff(std::string_view before, std::string_view after,
                                      const std::string &before_label,
                                      const std::string &after_label, size_t max_lines) {
    auto a = lines_of(before), b = lines_of(after);
    auto ed = full_script(a, b);
    std::vector<size_t> a_at(ed.size() + 1), b_at(ed.size() + 1); // lines before edit k
    for (size_t k = 0; k < ed.size(); ++k) {
        a_at[k + 1] = a_at[k] + (ed[k].sign != '+');
        b_at[k + 1] = b_at[k] + (ed[k].sign != '-');
    }
    std::vector<std::string> out{"--- " + before_label, "+++ " + after_label};
    size_t body = 0, cut = 0, k = 0;
    while (k < ed.size()) {
        size_t change = k;
        while (change < ed.size() && ed[change].sign == ' ')
            ++change;
        if (change == ed.size())
            break;
        size_t start = std::max(k, change >= kContext ? change - kContext : 0);
        size_t end = hunk_end(ed, change);
        for (size_t i = start; i < end; ++i, ++body) {
            if (max_lines && body >= max_lines) {
                ++cut;
                continue;
            }
            if (i == start)
                out.push_back(fmt::format("@@ -{} +{} @@",
                                          hunk_range(a_at[start], a_at[end] - a_at[start]),
                                          hunk_range(b_at[start], b_at[end] - b_at[start])));
            const Edit &e = ed[i];
            out.push_back(shown_line(e.sign, e.sign == '+' ? b[e.line] : a[e.line]));
        }
        k = end;
    }
    if (cut)
        out.push_back(fmt::format("... {} more lines of the diff (--full shows them all)", cut));
    return out;
}

std::optional<std::string> layout_only_difference(std::string_view before, std::string_view after) {
    if (before == after)
        return std::nullopt;
    if (without_cr_before_lf(before) == without_cr_before_lf(after))
        return "only the line endings differ (CRLF against LF)";
    if (trimmed_lines(before) != trimmed_lines(after))
        return std::nullopt;
    bool crlf_a = before.find("\r\n") != std::string_view::npos,
         crlf_b = after.find("\r\n") != std::string_view::npos;
    return crlf_a != crlf_b
               ? "only the line endings and trailing whitespace differ"
               : "only trailing whitespace differs (spaces or tabs at line ends, or empty "
                 "lines at the end)";
}

} // namespace mig::client
