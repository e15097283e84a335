// node-pg-migrate's SQL migrations: NNN_title.sql with a `-- Up Migration` line above the up
// script and a `-- Down Migration` line above the down script (docs/layouts.md).
#include "layouts/lines.hpp"
#include "layouts/sectioned.hpp"

#include <fmt/format.h>

#include <cctype>
#include <string_view>

namespace mig::client {
namespace {

bool space(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

// Consumes `word` case-insensitively at s[i].
bool word_at(std::string_view s, size_t &i, std::string_view word) {
    if (s.size() - i < word.size())
        return false;
    for (size_t k = 0; k < word.size(); ++k)
        if (std::tolower(static_cast<unsigned char>(s[i + k])) != word[k])
            return false;
    i += word.size();
    return true;
}

// node-pg-migrate's own test, /^\s*--[\s-]*(up|down)\s+migration/im: the direction, and where
// the match ends. Written out by hand: it runs on every line of every numbered file.
std::optional<std::pair<bool, size_t>> loose_marker(std::string_view line) {
    size_t i = 0;
    while (i < line.size() && space(line[i]))
        ++i;
    if (!word_at(line, i, "--"))
        return std::nullopt;
    while (i < line.size() && (space(line[i]) || line[i] == '-'))
        ++i;
    bool up;
    if (word_at(line, i, "up"))
        up = true;
    else if (word_at(line, i, "down"))
        up = false;
    else
        return std::nullopt;
    size_t gap = i;
    while (i < line.size() && space(line[i]))
        ++i;
    if (i == gap || !word_at(line, i, "migration"))
        return std::nullopt;
    return std::make_pair(up, i);
}

bool shows_node_pg_migrate(const std::string &line) {
    return node_pg_migrate_marker(line).has_value();
}

constexpr SectionFormat kNodePgMigrateFormat = [] {
    SectionFormat f{SectionStyle::NodePgMigrate, Layout::NodePgMigrate, "-- Up Migration",
                    parse_node_pg_migrate};
    f.shows = shows_node_pg_migrate;
    f.unmarked_up_only = true;
    return f;
}();

class NodePgMigrateReader : public SectionedReader {
  public:
    NodePgMigrateReader() : SectionedReader(kNodePgMigrateFormat) {}

  protected:
    // node-pg-migrate would split this file at a line pgmig does not take for a marker: refuse
    // it rather than run a down section as part of the up
    bool accepts_unmarked(FolderReader &r, const Migration &m, const std::string &text) override {
        int line = node_pg_migrate_loose_line(text);
        if (line)
            r.errors.push_back(
                fmt::format("{}:{}: {}", m.up_file, line, kNodePgMigrateLooseMarker));
        return line == 0;
    }
};

} // namespace

const ReaderSpec kNodePgMigrateReader = sectioned_reader_spec(
    kNodePgMigrateFormat, [](const ReaderSpec &) -> std::unique_ptr<LayoutReader> {
        return std::make_unique<NodePgMigrateReader>();
    });

std::optional<bool> node_pg_migrate_marker(const std::string &line) {
    auto m = loose_marker(line);
    if (!m)
        return std::nullopt;
    for (size_t i = m->second; i < line.size(); ++i)
        if (!space(line[i]))
            return std::nullopt; // more text on the line: not a marker line of its own
    return m->first;
}

int node_pg_migrate_loose_line(const std::string &text) {
    int found = 0;
    for_each_line(text, [&](const std::string &line, size_t, size_t, int idx) {
        if (loose_marker(line) && !node_pg_migrate_marker(line))
            found = idx + 1;
        return found == 0;
    });
    return found;
}

SectionedScript parse_node_pg_migrate(const std::string &text) {
    SectionedScript s;
    struct Marker {
        bool up;
        size_t line_start, body_start;
        int line_index;
    };
    std::vector<Marker> markers;
    for_each_line(text, [&](const std::string &line, size_t start, size_t next, int idx) {
        if (auto up = node_pg_migrate_marker(line)) {
            for (const auto &mk : markers)
                if (mk.up == *up && s.unsupported.empty()) {
                    s.unsupported = *up ? "a second '-- Up Migration' line"
                                        : "a second '-- Down "
                                          "Migration' line";
                    s.unsupported_line = idx + 1;
                }
            markers.push_back({*up, start, next, idx});
        } else if (loose_marker(line) && s.unsupported.empty()) {
            s.unsupported = kNodePgMigrateLooseMarker;
            s.unsupported_line = idx + 1;
        }
        return true;
    });
    for (size_t i = 0; i < markers.size(); ++i) {
        const Marker &mk = markers[i];
        size_t stop = i + 1 < markers.size() ? markers[i + 1].line_start : text.size();
        std::string body = text.substr(mk.body_start, stop - mk.body_start);
        if (mk.up) {
            s.has_up = true;
            s.up = std::move(body);
            s.up_offset = mk.line_index + 1;
        } else {
            s.down = std::move(body);
            s.down_offset = mk.line_index + 1;
        }
    }
    // node-pg-migrate drops whatever precedes the first marker: SQL there (a `BEGIN;`, say) is a
    // sign the file was not written for it, so it is refused rather than dropped silently
    if (!markers.empty() && s.unsupported.empty()) {
        bool in_block = false;
        for_each_line(text.substr(0, markers[0].line_start),
                      [&](const std::string &line, size_t, size_t, int idx) {
                          size_t a = line.find_first_not_of(" \t");
                          if (in_block || (a != std::string::npos && !line.compare(a, 2, "/*"))) {
                              in_block = line.find("*/") == std::string::npos;
                              return true;
                          }
                          if (a == std::string::npos || !line.compare(a, 2, "--"))
                              return true;
                          s.unsupported = "SQL before the first '-- Up Migration' / '-- Down "
                                          "Migration' line, which node-pg-migrate does not run: "
                                          "move it below the marker or delete it";
                          s.unsupported_line = idx + 1;
                          return false;
                      });
    }
    if (!s.has_up && s.unsupported.empty()) {
        // node-pg-migrate would run the whole file, the down section too, as the up script
        s.unsupported = "'-- Down Migration' without an '-- Up Migration' line above the up "
                        "script";
        s.unsupported_line = markers.empty() ? 1 : markers[0].line_index + 1;
    }
    return s;
}

} // namespace mig::client
