// dbmate's, goose's, sql-migrate's and shmig's migrations: one file each, its up and down
// sections under marker lines (docs/layouts.md).
#include "layouts/lines.hpp"
#include "layouts/sectioned.hpp"
#include "text.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <optional>
#include <regex>
#include <string_view>

namespace mig::client {
namespace {

// One line's marker: its style, up or down, and the rest of the line (options).
struct MarkerLine {
    SectionStyle style;
    bool up;
    std::string opts;
};

// dbmate `-- migrate:up|down [opts]`, goose `-- +goose Up|Down`, sql-migrate
// `-- +migrate Up|Down [notransaction]` (goose and sql-migrate case-insensitively, as their
// users write both), shmig `-- ====  UP  ====` / `-- ==== DOWN ====`. A marker starts the line.
std::optional<MarkerLine> marker_of(const std::string &line) {
    static const std::regex dbmate(R"(^--\s*migrate:(up|down)\b(.*)$)");
    static const std::regex goose(R"(^--\s*\+goose\s+(up|down)\b(.*)$)", std::regex::icase);
    static const std::regex sql_migrate(R"(^--\s*\+migrate\s+(up|down)\b(.*)$)", std::regex::icase);
    if (line.size() < 3 || line[0] != '-' || line[1] != '-')
        return std::nullopt;
    std::smatch m;
    if (std::regex_match(line, m, dbmate))
        return MarkerLine{SectionStyle::Dbmate, m[1] == "up", m[2].str()};
    if (std::regex_match(line, m, goose))
        return MarkerLine{SectionStyle::Goose, m[1].str()[0] == 'u' || m[1].str()[0] == 'U',
                          m[2].str()};
    if (std::regex_match(line, m, sql_migrate))
        return MarkerLine{SectionStyle::SqlMigrate, m[1].str()[0] == 'u' || m[1].str()[0] == 'U',
                          m[2].str()};
    // shmig's lines, exactly as shmig matches them
    if (line == "-- ====  UP  ====" || line == "-- ==== DOWN ====")
        return MarkerLine{SectionStyle::Shmig, line == "-- ====  UP  ====", {}};
    return std::nullopt;
}

// A marker line of the file's style: where it is and its options.
struct Marker {
    bool up;
    std::string opts;
    size_t line_start, body_start;
    int line_index;
};

// goose's annotations other than Up and Down: NO TRANSACTION (for the whole file), and
// ENVSUB ON, refused.
void goose_annotation(const std::string &line, int idx, bool &no_transaction, SectionedScript &s) {
    static const std::regex goose_cmd(R"(^--\s*\+goose\s+(.*?)\s*$)", std::regex::icase);
    std::smatch m;
    if (!std::regex_match(line, m, goose_cmd))
        return;
    std::string cmd = to_lower(m[1].str());
    if (cmd == "no transaction") {
        no_transaction = true;
    } else if (cmd == "envsub on" && s.unsupported.empty()) {
        s.unsupported = "goose's ENVSUB ON (environment variables substituted into the SQL) is "
                        "not supported: the script that ran would not be the one checksummed";
        s.unsupported_line = idx + 1;
    }
}

// Repeated markers, as each tool reads them: goose and shmig refuse them (goose: "duplicate
// annotations"); dbmate's up section runs from its first up marker to its first down marker
// and its down section from there to the end (later markers are text, comments to the
// server); sql-migrate gathers every Up section into the up script and every Down section into
// the down script, in file order (gather_sections). True when a marker is repeated.
bool repeated_markers(std::vector<Marker> &markers, SectionStyle style, SectionedScript &s) {
    size_t ups = 0, downs = 0;
    for (const Marker &mk : markers) {
        size_t &n = mk.up ? ups : downs;
        if (++n == 2 && (style == SectionStyle::Goose || style == SectionStyle::Shmig) &&
            s.unsupported.empty()) {
            s.unsupported = fmt::format("a second {} section marker: {} takes one up and one "
                                        "down section per file",
                                        mk.up ? "up" : "down",
                                        style == SectionStyle::Goose ? "goose" : "shmig");
            s.unsupported_line = mk.line_index + 1;
        }
    }
    bool repeated = ups > 1 || downs > 1;
    if (style == SectionStyle::Dbmate && repeated && markers[0].up) {
        // the first up marker, then the first down marker
        auto down =
            std::find_if(markers.begin(), markers.end(), [](const Marker &m) { return !m.up; });
        std::vector<Marker> first{markers[0]};
        if (down != markers.end())
            first.push_back(*down);
        markers = std::move(first);
    }
    return repeated;
}

// sql-migrate's script of one direction from repeated sections: from its first marker to the
// end of the file, with the other direction's lines left empty (line numbers stay the file's).
// False when the direction has no marker.
bool gather_direction(const std::string &text, const std::vector<Marker> &markers, bool up,
                      std::string &out, int &offset) {
    bool started = false;
    for (size_t i = 0; i < markers.size(); ++i) {
        const Marker &mk = markers[i];
        size_t stop = i + 1 < markers.size() ? markers[i + 1].line_start : text.size();
        if (!started) {
            if (mk.up != up)
                continue;
            started = true;
            offset = mk.line_index + 1;
            out = text.substr(mk.body_start, stop - mk.body_start);
            continue;
        }
        if (mk.up == up) {
            out.append(text, mk.line_start, stop - mk.line_start);
        } else {
            auto lines = std::count(text.begin() + static_cast<std::ptrdiff_t>(mk.line_start),
                                    text.begin() + static_cast<std::ptrdiff_t>(stop), '\n');
            out.append(static_cast<size_t>(lines), '\n');
        }
    }
    return started;
}

void gather_sections(const std::string &text, const std::vector<Marker> &markers,
                     SectionedScript &s) {
    static const std::regex no_tx(R"(\bnotransaction\b)", std::regex::icase);
    s.has_up = gather_direction(text, markers, true, s.up, s.up_offset);
    for (const Marker &mk : markers)
        if (mk.up && std::regex_search(mk.opts, no_tx))
            s.up_no_transaction = true;
    std::string down;
    int down_offset = 0;
    if (gather_direction(text, markers, false, down, down_offset)) {
        s.down = std::move(down);
        s.down_offset = down_offset;
    } else if (s.has_up) {
        s.down = std::string(); // no Down section: nothing to run, as sql-migrate
    }
}

// Whether an up marker's options make the migration non-transactional: dbmate's
// `transaction:false`, sql-migrate's `notransaction`.
bool up_marker_no_transaction(SectionStyle style, const std::string &opts) {
    static const std::regex dbmate_no_tx(R"(\btransaction\s*:\s*false\b)");
    static const std::regex sql_migrate_no_tx(R"(\bnotransaction\b)", std::regex::icase);
    return style == SectionStyle::Dbmate       ? std::regex_search(opts, dbmate_no_tx)
           : style == SectionStyle::SqlMigrate ? std::regex_search(opts, sql_migrate_no_tx)
                                               : false;
}

// The up section from the first up marker, the down section from the first down marker, each
// to the next marker.
void cut_sections(const std::string &text, const std::vector<Marker> &markers, SectionStyle style,
                  SectionedScript &s) {
    for (size_t i = 0; i < markers.size(); ++i) {
        const Marker &mk = markers[i];
        size_t stop = i + 1 < markers.size() ? markers[i + 1].line_start : text.size();
        std::string body = text.substr(mk.body_start, stop - mk.body_start);
        if (mk.up && !s.has_up) {
            s.has_up = true;
            s.up = body;
            s.up_offset = mk.line_index + 1;
            s.up_no_transaction = up_marker_no_transaction(style, mk.opts);
        } else if (!mk.up && !s.down) {
            s.down = body;
            s.down_offset = mk.line_index + 1;
        }
    }
}

// A missing or empty down section, as each tool takes it.
void settle_down_section(SectionStyle style, SectionedScript &s) {
    // shmig cannot roll back a migration whose down section is empty
    if (style == SectionStyle::Shmig && s.down &&
        s.down->find_first_not_of(" \t\r\n") == std::string::npos)
        s.down.reset();
    // goose and sql-migrate roll back a file without a Down section by running nothing: so
    // does pgmig (dbmate's missing section stays "no down script")
    if (s.has_up && !s.down &&
        (style == SectionStyle::Goose || style == SectionStyle::SqlMigrate)) {
        s.down = std::string();
        s.down_offset = 0;
    }
}

template <SectionStyle S> SectionedScript parse_as(const std::string &text) {
    return parse_marked_sections(text, S);
}

// Their formats differ only in their markers (and sql-migrate's order of files of one version).
constexpr SectionFormat marked_format(SectionStyle style, Layout layout, const char *marker,
                                      SectionedScript (*parse)(const std::string &)) {
    SectionFormat f{style, layout, marker, parse};
    f.dashed_names = true;
    f.same_version_in_name_order = style == SectionStyle::SqlMigrate;
    return f;
}

constexpr SectionFormat kDbmateFormat = marked_format(
    SectionStyle::Dbmate, Layout::Dbmate, "-- migrate:up", parse_as<SectionStyle::Dbmate>);
constexpr SectionFormat kGooseFormat = marked_format(SectionStyle::Goose, Layout::Goose,
                                                     "-- +goose Up", parse_as<SectionStyle::Goose>);
constexpr SectionFormat kSqlMigrateFormat =
    marked_format(SectionStyle::SqlMigrate, Layout::SqlMigrate, "-- +migrate Up",
                  parse_as<SectionStyle::SqlMigrate>);
constexpr SectionFormat kShmigFormat = marked_format(
    SectionStyle::Shmig, Layout::Shmig, "-- ====  UP  ====", parse_as<SectionStyle::Shmig>);

} // namespace

const ReaderSpec kDbmateReader = sectioned_reader_spec(kDbmateFormat);
const ReaderSpec kGooseReader = sectioned_reader_spec(kGooseFormat);
const ReaderSpec kSqlMigrateReader = sectioned_reader_spec(kSqlMigrateFormat);
const ReaderSpec kShmigReader = sectioned_reader_spec(kShmigFormat);

std::optional<SectionStyle> marked_up_style(const std::string &line) {
    auto mk = marker_of(line);
    return mk && mk->up ? std::optional<SectionStyle>(mk->style) : std::nullopt;
}

SectionedScript parse_marked_sections(const std::string &text, SectionStyle style) {
    SectionedScript s;
    std::vector<Marker> markers;
    bool file_no_transaction = false; // goose's NO TRANSACTION
    for_each_line(text, [&](const std::string &line, size_t start, size_t next, int idx) {
        auto mk = marker_of(line);
        if (mk && mk->style == style)
            markers.push_back({mk->up, mk->opts, start, next, idx});
        else if (style == SectionStyle::Goose)
            goose_annotation(line, idx, file_no_transaction, s);
        return true;
    });
    if (repeated_markers(markers, style, s) && style == SectionStyle::SqlMigrate) {
        gather_sections(text, markers, s);
        return s;
    }
    cut_sections(text, markers, style, s);
    if (file_no_transaction)
        s.up_no_transaction = true;
    settle_down_section(style, s);
    return s;
}

SectionedScript parse_dbmate(const std::string &text) {
    return parse_marked_sections(text, SectionStyle::Dbmate);
}

} // namespace mig::client
