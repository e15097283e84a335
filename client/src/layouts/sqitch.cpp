// sqitch.plan: the changes of a sqitch project, in plan order (docs/layouts.md, sqitch).
#include "errors.hpp"
#include "layouts/readers.hpp"
#include "text.hpp"

#include <fmt/format.h>
#include <set>
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

// A sqitch project: one migration per change of sqitch.plan, in plan order, its version the
// change's position (1, 2, …: sqitch plans only grow at the end), deploy/SCRIPT.sql the up
// script and revert/SCRIPT.sql the down. Scripts in deploy/ or revert/ that no change names are
// stray files; verify/ is sqitch's own (not run).
class SqitchReader : public LayoutReader {
  public:
    void entry(FolderReader &r, Claim &c) override {
        std::string_view name = c.name();
        if (c.layout == Layout::Sqitch)
            return read_plan(r);
        bool sqitch_dir =
            c.stray_dir() && (name == "deploy" || name == "revert" || name == "verify");
        if (!sqitch_dir && name != "sqitch.conf")
            r.stray(c.stray_dir() ? std::string(name) + "/" : std::string(name),
                    "not part of the sqitch project");
    }

  private:
    void read_plan(FolderReader &r);
    void add_change(FolderReader &r, const SqitchChange &c, int position, const std::string &plan);
    void stray_scripts(FolderReader &r, const std::set<std::string> &used);
};

void SqitchReader::read_plan(FolderReader &r) {
    const std::string plan = r.path("sqitch.plan");
    auto text = r.read("sqitch.plan");
    if (!text)
        return;
    std::vector<SqitchChange> changes;
    try {
        changes = parse_sqitch_plan(*text, plan);
    } catch (const InputError &e) {
        r.errors.push_back(e.what());
        return;
    }
    std::set<std::string> used; // the first path component of each script's name
    int position = 0;
    for (const auto &c : changes) {
        std::string file = c.script + ".sql";
        used.insert(file.substr(0, file.find('/')));
        add_change(r, c, ++position, plan);
    }
    stray_scripts(r, used);
}

void SqitchReader::add_change(FolderReader &r, const SqitchChange &c, int position,
                              const std::string &plan) {
    // a change's scripts may be in subdirectories (names with '/'): asked by path
    std::string file = c.script + ".sql";
    std::string up_rel = "deploy/" + file;
    if (!r.is_file(up_rel)) {
        r.errors.push_back(fmt::format("{}:{}: change {}: {} does not exist", plan, c.line, c.name,
                                       r.path(up_rel)));
        return;
    }
    Migration m;
    m.version = std::to_string(position);
    m.name = c.name;
    m.up_file = r.path(up_rel);
    if (!r.read_up(up_rel, m))
        return;
    std::string down_rel = "revert/" + file;
    if (r.is_file(down_rel)) {
        DownScript d;
        if (r.read_down(down_rel, d)) {
            m.down_file = r.path(down_rel);
            d.move_into(m);
        }
    }
    r.add(std::move(m));
}

void SqitchReader::stray_scripts(FolderReader &r, const std::set<std::string> &used) {
    for (const Entry &d : r.entries())
        if (d.is_dir && (d.name == "deploy" || d.name == "revert"))
            for (const auto &child : d.children)
                if (!used.count(child))
                    r.stray(std::string(d.name) + "/" + child, "no change of sqitch.plan");
}

bool claims_sqitch_plan(Claim &c) {
    return !c.entry->is_dir && c.name() == "sqitch.plan";
}

} // namespace

const ReaderSpec kSqitchReader = [] {
    ReaderSpec spec{Layout::Sqitch, Detection::Project,
                    [](const ReaderSpec &) -> std::unique_ptr<LayoutReader> {
                        return std::make_unique<SqitchReader>();
                    }};
    spec.claims = claims_sqitch_plan;
    return spec;
}();

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
