// tern's migrations (jackc/tern): one NNN_title.sql per migration, the up script above the line
// `---- create above / drop below ----` and the down script below it (docs/layouts.md, tern).
#include "layouts/lines.hpp"
#include "layouts/sectioned.hpp"

#include <string_view>

namespace mig::client {
namespace {

bool blank(const std::string &s, size_t from = 0) {
    return s.find_first_not_of(" \t\r\n\v\f", from) == std::string::npos;
}

constexpr SectionFormat kTernFormat = [] {
    SectionFormat f{SectionStyle::Tern, Layout::Tern, "---- create above / drop below ----",
                    parse_tern};
    f.shows = is_tern_separator;
    f.unmarked_up_only = true;
    f.parses_unmarked = true;
    f.tool_file = "tern.conf"; // tern's settings (its default place is the migrations folder)
    return f;
}();

} // namespace

const ReaderSpec kTernReader = sectioned_reader_spec(kTernFormat);

bool is_tern_separator(const std::string &line) {
    // compared in place: this runs on every line of every numbered file
    static constexpr std::string_view sep = "---- create above / drop below ----";
    size_t a = line.find_first_not_of(" \t");
    if (a == std::string::npos || line.size() - a < sep.size() || line.compare(a, sep.size(), sep))
        return false;
    return line.find_first_not_of(" \t", a + sep.size()) == std::string::npos;
}

SectionedScript parse_tern(const std::string &text) {
    SectionedScript s;
    s.has_up = true;
    bool separated = false;
    size_t up_end = text.size(), down_start = text.size();
    int down_offset = 0;
    for_each_line(text, [&](const std::string &line, size_t start, size_t next, int idx) {
        if (!separated && is_tern_separator(line)) {
            separated = true;
            up_end = start;
            down_start = next;
            down_offset = idx + 1;
        } else if (!separated && line == "---- tern: disable-tx ----") {
            s.up_no_transaction = true;
        }
        // tern runs every migration through Go's text/template (data, shared files, sprig)
        if (s.unsupported.empty() && line.find("{{") != std::string::npos) {
            s.unsupported = "tern's templates ({{ ... }}) are not supported: the script that ran "
                            "would not be the one checksummed; write the SQL out";
            s.unsupported_line = idx + 1;
        }
        return true;
    });
    s.up = text.substr(0, up_end);
    // tern: a migration without the separator, or with nothing but white space below it,
    // is irreversible (a comment-only down section is a no-op down)
    if (separated && !blank(text, down_start)) {
        s.down = text.substr(down_start);
        s.down_offset = down_offset;
    }
    return s;
}

} // namespace mig::client
