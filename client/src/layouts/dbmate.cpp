#include "errors.hpp"
#include "layouts/layout.hpp"
#include "layouts/lines.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <cctype>
#include <optional>
#include <regex>
#include <string_view>
#include <toml++/toml.h>

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

} // namespace

std::optional<SectionStyle> section_style(const std::string &text) {
    if (is_liquibase_formatted(text))
        return SectionStyle::Liquibase;
    if (is_graphile_committed(text))
        return SectionStyle::Graphile;
    // dbmate's, goose's and sql-migrate's markers win over tern's separator and
    // node-pg-migrate's lines (which a comment could look like)
    std::optional<SectionStyle> style, weak;
    for_each_line(text, [&](const std::string &line, size_t, size_t, int) {
        auto mk = marker_of(line);
        if (mk && mk->up)
            style = mk->style;
        else if (!weak && is_tern_separator(line))
            weak = SectionStyle::Tern;
        else if (!weak && node_pg_migrate_marker(line))
            weak = SectionStyle::NodePgMigrate;
        return !style;
    });
    return style ? style : weak;
}

bool has_dbmate_marker(const std::string &text) {
    return section_style(text) == SectionStyle::Dbmate;
}

DbmateScript parse_sections(const std::string &text, SectionStyle style) {
    switch (style) {
    case SectionStyle::Liquibase:
        return parse_liquibase(text);
    case SectionStyle::Tern:
        return parse_tern(text);
    case SectionStyle::NodePgMigrate:
        return parse_node_pg_migrate(text);
    case SectionStyle::Graphile:
        return parse_graphile(text);
    default:
        break;
    }
    struct Marker {
        bool up;
        std::string opts;
        size_t line_start, body_start;
        int line_index;
    };
    std::vector<Marker> markers;
    DbmateScript s;
    bool file_no_transaction = false; // goose's NO TRANSACTION: the whole file
    static const std::regex goose_cmd(R"(^--\s*\+goose\s+(.*?)\s*$)", std::regex::icase);
    for_each_line(text, [&](const std::string &line, size_t start, size_t next, int idx) {
        auto mk = marker_of(line);
        if (mk && mk->style == style) {
            markers.push_back({mk->up, mk->opts, start, next, idx});
        } else if (style == SectionStyle::Goose) {
            std::smatch m;
            if (std::regex_match(line, m, goose_cmd)) {
                std::string cmd = m[1].str();
                for (auto &c : cmd)
                    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
                if (cmd == "NO TRANSACTION")
                    file_no_transaction = true;
                else if (cmd == "ENVSUB ON" && s.unsupported.empty()) {
                    s.unsupported = "goose's ENVSUB ON (environment variables substituted into "
                                    "the SQL) is not supported: the script that ran would not be "
                                    "the one checksummed";
                    s.unsupported_line = idx + 1;
                }
            }
        }
        return true;
    });
    // Repeated markers, as each tool reads them: goose and shmig refuse them (goose: "duplicate
    // annotations"); dbmate's up section runs from its first up marker to its first down
    // marker and its down section from there to the end (later markers are text, comments to
    // the server); sql-migrate gathers every Up section into the up script and every Down
    // section into the down script, in file order.
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
    if (style == SectionStyle::Dbmate && (ups > 1 || downs > 1) && markers[0].up) {
        // the first up marker, then the first down marker
        auto down =
            std::find_if(markers.begin(), markers.end(), [](const Marker &m) { return !m.up; });
        std::vector<Marker> first{markers[0]};
        if (down != markers.end())
            first.push_back(*down);
        markers = std::move(first);
    }
    if (style == SectionStyle::SqlMigrate && (ups > 1 || downs > 1)) {
        // each direction's script runs from its first marker to the end of the file, with the
        // other direction's lines left empty: line numbers stay the file's
        auto gather = [&](bool up, std::string &out, int &offset) {
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
                    auto lines =
                        std::count(text.begin() + static_cast<std::ptrdiff_t>(mk.line_start),
                                   text.begin() + static_cast<std::ptrdiff_t>(stop), '\n');
                    out.append(static_cast<size_t>(lines), '\n');
                }
            }
            return started;
        };
        static const std::regex no_tx(R"(\bnotransaction\b)", std::regex::icase);
        s.has_up = gather(true, s.up, s.up_offset);
        for (const Marker &mk : markers)
            if (mk.up && std::regex_search(mk.opts, no_tx))
                s.up_no_transaction = true;
        std::string down;
        int down_offset = 0;
        if (gather(false, down, down_offset)) {
            s.down = std::move(down);
            s.down_offset = down_offset;
        } else if (s.has_up) {
            s.down = std::string(); // no Down section: nothing to run, as sql-migrate
        }
        return s;
    }
    for (size_t i = 0; i < markers.size(); ++i) {
        const Marker &mk = markers[i];
        size_t stop = i + 1 < markers.size() ? markers[i + 1].line_start : text.size();
        std::string body = text.substr(mk.body_start, stop - mk.body_start);
        if (mk.up && !s.has_up) {
            s.has_up = true;
            s.up = body;
            s.up_offset = mk.line_index + 1;
            static const std::regex dbmate_no_tx(R"(\btransaction\s*:\s*false\b)");
            static const std::regex sql_migrate_no_tx(R"(\bnotransaction\b)", std::regex::icase);
            s.up_no_transaction =
                style == SectionStyle::Dbmate       ? std::regex_search(mk.opts, dbmate_no_tx)
                : style == SectionStyle::SqlMigrate ? std::regex_search(mk.opts, sql_migrate_no_tx)
                                                    : false;
        } else if (!mk.up && !s.down) {
            s.down = body;
            s.down_offset = mk.line_index + 1;
        }
    }
    if (file_no_transaction)
        s.up_no_transaction = true;
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
    return s;
}

DbmateScript parse_dbmate(const std::string &text) {
    return parse_sections(text, SectionStyle::Dbmate);
}

bool diesel_runs_in_transaction(const std::string &toml_text, const std::string &path) {
    try {
        auto tbl = toml::parse(toml_text, path);
        return tbl["run_in_transaction"].value_or(true);
    } catch (const toml::parse_error &e) {
        throw InputError(fmt::format("{}:{}:{}: {}", path, e.source().begin.line,
                                     e.source().begin.column, e.description()));
    }
}

std::string sourcegraph_metadata_name(const std::string &yaml_text) {
    size_t at = 0;
    while (at < yaml_text.size()) {
        size_t end = yaml_text.find('\n', at);
        if (end == std::string::npos)
            end = yaml_text.size();
        std::string_view line(yaml_text.data() + at, end - at);
        at = end + 1;
        if (line.rfind("name:", 0) != 0)
            continue;
        line.remove_prefix(5);
        while (!line.empty() && (line.front() == ' ' || line.front() == '\t'))
            line.remove_prefix(1);
        while (!line.empty() && (line.back() == ' ' || line.back() == '\t' || line.back() == '\r'))
            line.remove_suffix(1);
        if (line.size() >= 2 && (line.front() == '\'' || line.front() == '"') &&
            line.back() == line.front()) {
            line = line.substr(1, line.size() - 2);
        } else if (size_t hash = line.find(" #"); hash != std::string_view::npos) {
            line = line.substr(0, hash); // a plain scalar's comment
            while (!line.empty() && line.back() == ' ')
                line.remove_suffix(1);
        }
        return std::string(line);
    }
    return {};
}

} // namespace mig::client
