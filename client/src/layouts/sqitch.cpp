// sqitch.plan: the changes of a sqitch project, in plan order (docs/layouts.md, sqitch).
#include "errors.hpp"
#include "layouts/layout.hpp"
#include "text.hpp"

#include <fmt/format.h>
#include <string_view>

namespace mig::client {
namespace {

bool space(char c) {
    return c == ' ' || c == '\t' || c == '\r';
}

// The first whitespace-separated word of `s`.
std::string_view first_word(std::string_view s) {
    size_t end = 0;
    while (end < s.size() && !space(s[end]))
        ++end;
    return s.substr(0, end);
}

} // namespace

std::vector<SqitchChange> parse_sqitch_plan(const std::string &text, const std::string &path) {
    struct Line {
        bool tag;
        std::string name;
        int line;
    };
    std::vector<Line> lines;
    std::vector<std::string> errors;
    size_t at = 0;
    int number = 0;
    while (at <= text.size()) {
        size_t end = text.find('\n', at);
        if (end == std::string::npos)
            end = text.size();
        std::string_view line = trim_view(std::string_view(text).substr(at, end - at));
        at = end + 1;
        ++number;
        if (line.empty() || line[0] == '#' || line[0] == '%')
            continue; // blank, comment, pragma (%syntax-version, %project, %uri)
        std::string_view word = first_word(line);
        if (word[0] == '@') {
            lines.push_back({true, std::string(word.substr(1)), number});
            continue;
        }
        if (word[0] == '-' || word[0] == '+') {
            // the plan syntax before sqitch 0.9 marked reverts in the plan itself
            errors.push_back(fmt::format("{}:{}: \"{}\": this plan syntax (a leading + or -) is "
                                         "not supported; `sqitch plan` rewrites it",
                                         path, number, word));
            continue;
        }
        // A change: name, optional [dependencies], planned date, planner, note; only the name
        // and the order matter here (dependencies are satisfied by the plan's order).
        // Names may hold '/' (`app.functions/create_utils`: deploy/app.functions/….sql), but
        // must stay inside deploy/ and revert/.
        std::string name(word);
        if (name[0] == '/' || name.find("..") != std::string::npos) {
            errors.push_back(
                fmt::format("{}:{}: change name \"{}\" leads out of deploy/", path, number, name));
            continue;
        }
        lines.push_back({false, std::move(name), number});
    }
    if (!errors.empty())
        throw InputError(fmt::format("{}", fmt::join(errors, "\n")));

    // A reworked change appears again after a tag; each earlier occurrence's scripts are
    // NAME@TAG.sql, TAG being the last tag before the next occurrence (sqitch rework copies
    // them so when it appends the new one), and the last occurrence's NAME.sql.
    std::vector<SqitchChange> changes;
    for (size_t i = 0; i < lines.size(); ++i) {
        if (lines[i].tag)
            continue;
        SqitchChange c{lines[i].name, lines[i].name, lines[i].line};
        std::string last_tag;
        for (size_t j = i + 1; j < lines.size(); ++j) {
            if (lines[j].tag) {
                last_tag = lines[j].name;
            } else if (lines[j].name == lines[i].name) {
                if (last_tag.empty())
                    throw InputError(fmt::format("{}:{}: change \"{}\" appears again at line {} "
                                                 "without a tag between (sqitch rework needs one)",
                                                 path, lines[i].line, lines[i].name,
                                                 lines[j].line));
                c.script = lines[i].name + "@" + last_tag;
                break;
            }
        }
        changes.push_back(std::move(c));
    }
    return changes;
}

} // namespace mig::client
