// What the one-file-per-migration layouts share: telling a file's format by its content, and
// reading a folder of one format's files (sectioned.hpp).
#include "layouts/sectioned.hpp"

#include "layouts/lines.hpp"
#include "version.hpp"

#include <fmt/format.h>

namespace mig::client {

const SectionFormat &format_of(SectionStyle style) {
    for (const SectionFormat *f : section_formats())
        if (f->style == style)
            return *f;
    return *section_formats().front(); // not reached: every style has a format
}

std::optional<SectionStyle> section_style(const std::string &text) {
    // the formats told by their heads and by weak lines (few), picked out once
    struct Detectors {
        std::vector<const SectionFormat *> heads, shows;
    };
    static const Detectors by = [] {
        Detectors d;
        for (const SectionFormat *f : section_formats()) {
            if (f->heads)
                d.heads.push_back(f);
            if (f->shows)
                d.shows.push_back(f);
        }
        return d;
    }();
    for (const SectionFormat *f : by.heads)
        if (f->heads(text))
            return f->style;
    // an up marker wins over the weak lines (which a comment could look like)
    std::optional<SectionStyle> style, weak;
    for_each_line(text, [&](const std::string &line, size_t, size_t, int) {
        style = marked_up_style(line);
        for (size_t i = 0; !style && !weak && i < by.shows.size(); ++i)
            if (by.shows[i]->shows(line))
                weak = by.shows[i]->style;
        return !style;
    });
    return style ? style : weak;
}

SectionedScript parse_sections(const std::string &text, SectionStyle style) {
    return format_of(style).parse(text);
}

bool has_dbmate_marker(const std::string &text) {
    return section_style(text) == SectionStyle::Dbmate;
}

std::unique_ptr<LayoutReader> make_sectioned_reader(const ReaderSpec &spec) {
    return std::make_unique<SectionedReader>(*spec.format);
}

void SectionedReader::entry(FolderReader &r, Claim &c) {
    bool unmarked = c.layout == Layout::Numbered && !c.blank && format_.unmarked_up_only;
    if (c.layout != format_.layout && !c.blank && !unmarked)
        return not_a_migration(r, c);
    Migration m = named(r, c.name());
    std::string text = std::move(c.text);
    if (c.layout == format_.layout || (unmarked && format_.parses_unmarked)) {
        SectionedScript s = format_.parse(text);
        text = std::string(); // not kept while 10,000 files are read
        if (!take_sections(r, m, std::move(s)))
            return;
    } else if (unmarked) {
        if (!accepts_unmarked(r, m, text))
            return;
        m.up_sql = std::move(text);
    } // a blank file: an empty up script
    r.add(std::move(m));
}

void SectionedReader::not_a_migration(FolderReader &r, const Claim &c) {
    std::string_view name = c.name();
    if (format_.tool_file && name == format_.tool_file)
        return;
    if (c.layout == Layout::Numbered)
        r.errors.push_back(fmt::format("{}: no '{}' section ({} folder)", r.path(name),
                                       format_.marker, layout_name(format_.layout)));
    else
        r.stray(name, fmt::format("not a {} migration", layout_name(format_.layout)));
}

// A migration of the file `name` (claimed: its name has a version), its scripts still to read.
Migration SectionedReader::named(FolderReader &r, std::string_view name) {
    std::string_view stem = name.substr(0, name.size() - 4);
    auto parts = split_version_title_view(stem);
    if (!parts)
        parts = split_dashed_version_title_view(stem);
    Migration m;
    m.version = *normalize_version(parts->first);
    if (format_.same_version_in_name_order)
        same_version_.apply(m);
    m.name = std::string(parts->second);
    m.up_file = r.path(name);
    return m;
}

bool SectionedReader::take_sections(FolderReader &r, Migration &m, SectionedScript s) {
    if (!s.unsupported.empty()) {
        r.errors.push_back(fmt::format("{}:{}: {}", m.up_file, s.unsupported_line, s.unsupported));
        return false;
    }
    if (!accepts(r, m, s))
        return false;
    m.up_sql = std::move(s.up);
    m.up_line_offset = s.up_offset;
    m.no_transaction = s.up_no_transaction;
    if (s.down) {
        m.down_sql = std::move(s.down);
        m.down_file = m.up_file;
        m.down_line_offset = s.down_offset;
        m.down_line_map = std::move(s.down_lines);
    }
    return true;
}

} // namespace mig::client
