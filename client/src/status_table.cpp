// The status table, formatted into one buffer and written at once (10,000 rows).
#include "status.hpp"

#include "text.hpp"

#include "output.hpp"
#include "trace.hpp"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <fmt/format.h>

namespace mig::client {
namespace {

constexpr size_t kNameMax = 40; // longer names are cut to 39 characters and '~'
constexpr size_t kBatchWidth = 5, kTimeWidth = 19;

std::string_view short_time(std::string_view ts) {
    return ts.substr(0, kTimeWidth);
}

// Characters (not bytes) of UTF-8 text.
size_t chars(std::string_view v) {
    size_t n = 0;
    for (char ch : v)
        n += (static_cast<unsigned char>(ch) & 0xC0) != 0x80;
    return n;
}

bool ascii(std::string_view v) {
    unsigned char any = 0;
    for (char ch : v)
        any |= static_cast<unsigned char>(ch);
    return any < 0x80;
}

// A name longer than 40 characters cut to 39 and '~', at a character boundary (into `out`).
// A migration's name as printed: the server's text without control characters (printable),
// copied only when it has some.
std::string_view safe_name(std::string_view v, std::string &out) {
    for (unsigned char c : v)
        if (c < 0x20 || c == 0x7F || c == 0xC2) {
            out = printable(v, false);
            return out;
        }
    return v;
}

std::string_view shorten(std::string_view v, std::string &out) {
    if (v.size() <= kNameMax || chars(v) <= kNameMax)
        return v;
    size_t cut = 0;
    for (size_t seen = 0; cut < v.size(); ++cut)
        if ((static_cast<unsigned char>(v[cut]) & 0xC0) != 0x80 && seen++ == kNameMax - 1)
            break;
    out.assign(v.substr(0, cut));
    out += '~';
    return out;
}

// How far a partial or failed migration got: in the last column, after its time so far.
void add_progress(std::vector<StatusLine> &lines) {
    for (auto &l : lines)
        if (l.down_done > 0)
            l.duration +=
                fmt::format("{}rolled back part-way: {} of {} down statements done",
                            l.duration.empty() ? "" : ", ", l.down_done, l.down_statements);
        else if (l.done >= 0)
            l.duration += fmt::format("{}{} of {} statements done", l.duration.empty() ? "" : ", ",
                                      l.done, l.statements);
}

struct Widths {
    size_t version = 7, name = 4, state = 5; // at least their headers'
};

Widths widths(const std::vector<StatusLine> &lines) {
    Widths w;
    for (auto &l : lines) {
        w.version = std::max(w.version, l.version.size());
        w.name = std::max(w.name, std::min(chars(l.name), kNameMax));
        w.state = std::max(w.state, l.state.size());
    }
    return w;
}

// The fields of one row as shown.
struct Row {
    std::string_view version, name, state, batch, at, duration;
};

// "{:<w}" / "{:>w}" without fmt's width computation (ASCII: width = bytes).
void pad(fmt::memory_buffer &buf, std::string_view v, size_t w, bool right) {
    if (!ascii(v)) {
        if (right)
            fmt::format_to(std::back_inserter(buf), "{:>{}}", v, w);
        else
            fmt::format_to(std::back_inserter(buf), "{:<{}}", v, w);
        return;
    }
    static constexpr std::string_view kSpaces = "                                        ";
    size_t fill = v.size() < w ? w - v.size() : 0;
    if (!right)
        buf.append(v);
    while (fill > 0) {
        size_t k = std::min(fill, kSpaces.size());
        buf.append(kSpaces.substr(0, k));
        fill -= k;
    }
    if (right)
        buf.append(v);
}

// A field padded to w, then two spaces, written at p (room reserved by the caller).
void put(char *&p, std::string_view v, size_t w, bool right) {
    size_t fill = v.size() < w ? w - v.size() : 0;
    if (right) {
        std::memset(p, ' ', fill);
        p += fill;
    }
    if (!v.empty()) // an empty field's data() may be null, which memcpy must not get
        std::memcpy(p, v.data(), v.size());
    p += v.size();
    if (!right) {
        std::memset(p, ' ', fill);
        p += fill;
    }
    p[0] = p[1] = ' ';
    p += 2;
}

// The bytes of a row's padding and separators, without its fields' own lengths.
size_t row_max(const Widths &w) {
    return w.version + w.name + w.state + kBatchWidth + kTimeWidth + size_t{5} * 2 + 1;
}

void coloured_row(fmt::memory_buffer &buf, const Row &r, const Widths &w) {
    const char *col = r.state == "applied"                         ? "32"
                      : (r.state == "pending" || r.state == "new") ? "33"
                                                                   : "31";
    std::string state = paint(fmt::format("{:<{}}", r.state, w.state), col);
    fmt::format_to(std::back_inserter(buf), FMT_STRING("{:<{}}  {:<{}}  {}  {:>5}  {:<19}  {}\n"),
                   r.version, w.version, r.name, w.name, state, r.batch, r.at, r.duration);
}

// The usual row: ASCII, written in place (width = bytes).
void ascii_row(fmt::memory_buffer &buf, const Row &r, const Widths &w) {
    size_t old = buf.size();
    buf.resize(old + row_max(w) + r.version.size() + r.name.size() + r.state.size() +
               r.batch.size() + r.at.size() + r.duration.size());
    char *p = buf.data() + old;
    put(p, r.version, w.version, false);
    put(p, r.name, w.name, false);
    put(p, r.state, w.state, false);
    put(p, r.batch, kBatchWidth, true);
    put(p, r.at, kTimeWidth, false);
    p = std::copy(r.duration.begin(), r.duration.end(), p);
    *p++ = '\n';
    buf.resize(static_cast<size_t>(p - buf.data()));
}

// A row with other characters: padded by their width.
void padded_row(fmt::memory_buffer &buf, const Row &r, const Widths &w) {
    constexpr std::string_view kGap = "  ";
    pad(buf, r.version, w.version, false);
    buf.append(kGap);
    pad(buf, r.name, w.name, false);
    buf.append(kGap);
    pad(buf, r.state, w.state, false);
    buf.append(kGap);
    pad(buf, r.batch, kBatchWidth, true);
    buf.append(kGap);
    pad(buf, r.at, kTimeWidth, false);
    buf.append(kGap);
    buf.append(r.duration);
    buf.push_back('\n');
}

} // namespace

void print_status_table(std::vector<StatusLine> &lines, bool colour) {
    add_progress(lines);
    Widths w = widths(lines);
    fmt::memory_buffer buf;
    fmt::format_to(std::back_inserter(buf),
                   FMT_STRING("{:<{}}  {:<{}}  {:<{}}  {:>5}  {:<19}  {}\n"), "version", w.version,
                   "name", w.name, "state", w.state, "batch", "applied_at", "duration");
    buf.reserve(buf.size() + lines.size() * (row_max(w) + 24));
    std::string cut_name, esc_name;
    for (auto &l : lines) {
        Row r{l.kind == "repeatable" ? "R" : l.version,
              shorten(safe_name(l.name, esc_name), cut_name),
              l.state,
              l.batch,
              short_time(l.applied_at),
              l.duration};
        if (colour)
            coloured_row(buf, r, w);
        else if (ascii(r.version) && ascii(r.name) && ascii(r.state) && ascii(r.batch) &&
                 ascii(r.at))
            ascii_row(buf, r, w);
        else
            padded_row(buf, r, w);
    }
    // down scripts stored with a parse error: rolling them back is refused until they are fixed
    for (const auto &l : lines)
        if (!l.down_error.empty())
            fmt::format_to(std::back_inserter(buf),
                           FMT_STRING("{}: its down script does not parse: {}\n"), l.version,
                           l.down_error);
    std::fwrite(buf.data(), 1, buf.size(), stdout);
    trace("status: printed");
}

void print_status_diffs(const std::vector<StatusLine> &lines) {
    std::string out;
    for (const auto &l : lines) {
        if (l.diff.empty())
            continue;
        out += fmt::format("\n{} {}: {} differs from what was applied:\n", l.version,
                           printable(l.name), printable(l.file));
        for (const auto &d : l.diff) // the file's lines: escaped as a name is
            out += fmt::format("  {}\n", printable(d));
    }
    fmt::print("{}", out);
}

} // namespace mig::client
