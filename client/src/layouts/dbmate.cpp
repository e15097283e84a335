#include "errors.hpp"
#include "layouts/layout.hpp"

#include <fmt/format.h>
#include <regex>
#include <string_view>
#include <toml++/toml.h>

namespace mig::client {
namespace {

const std::regex &marker_re() {
    static const std::regex re(R"(^--\s*migrate:(up|down)\b(.*)$)");
    return re;
}

} // namespace

bool has_dbmate_marker(const std::string &text) {
    size_t start = 0;
    while (start <= text.size()) {
        size_t end = text.find('\n', start);
        std::string line =
            text.substr(start, end == std::string::npos ? std::string::npos : end - start);
        std::smatch m;
        if (std::regex_match(line, m, marker_re()) && m[1] == "up")
            return true;
        if (end == std::string::npos)
            break;
        start = end + 1;
    }
    return false;
}

DbmateScript parse_dbmate(const std::string &text) {
    struct Marker {
        bool up;
        std::string opts;
        size_t line_start, body_start;
        int line_index;
    };
    std::vector<Marker> markers;
    size_t start = 0;
    int idx = 0;
    while (start <= text.size()) {
        size_t end = text.find('\n', start);
        std::string line =
            text.substr(start, end == std::string::npos ? std::string::npos : end - start);
        if (!line.empty() && line.back() == '\r')
            line.pop_back();
        std::smatch m;
        if (std::regex_match(line, m, marker_re()))
            markers.push_back({m[1] == "up", m[2].str(), start,
                               end == std::string::npos ? text.size() : end + 1, idx});
        if (end == std::string::npos)
            break;
        start = end + 1;
        ++idx;
    }
    DbmateScript s;
    for (size_t i = 0; i < markers.size(); ++i) {
        const Marker &mk = markers[i];
        size_t stop = i + 1 < markers.size() ? markers[i + 1].line_start : text.size();
        std::string body = text.substr(mk.body_start, stop - mk.body_start);
        if (mk.up && !s.has_up) {
            s.has_up = true;
            s.up = body;
            s.up_offset = mk.line_index + 1;
            static const std::regex no_tx(R"(\btransaction\s*:\s*false\b)");
            s.up_no_transaction = std::regex_search(mk.opts, no_tx);
        } else if (!mk.up && !s.down) {
            s.down = body;
            s.down_offset = mk.line_index + 1;
        }
    }
    return s;
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
