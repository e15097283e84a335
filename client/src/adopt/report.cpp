// report.cpp: the mapping of `pgmig adopt` for people (a table) and programs (--json).
#include "adopt/report.hpp"

#include "json_report.hpp"
#include "output.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace mig::client::adopt {
namespace {

std::string entry_version(const Entry &e) {
    if (!e.m)
        return "-";
    return e.m->repeatable ? "R" : e.m->version;
}

nlohmann::json entry_json(const Folder &f, const Entry &e) {
    nlohmann::json j{
        {"file", e.m ? nlohmann::json(entry_file(f, e)) : nlohmann::json()},
        {"version", e.m && !e.m->repeatable ? nlohmann::json(e.m->version) : nlohmann::json()},
        {"key", e.key},
        {"says", e.says},
        {"action", action_text(e.action)}};
    if (e.problem != Problem::None) {
        j["problem"] = e.problem == Problem::Conflict ? "pgmig" : problem_kind(e.problem);
        j["why"] = e.why;
    }
    return j;
}

void to_json(const Reader &r, const Folder &f, const Mapping &mp, bool dry_run) {
    nlohmann::json entries = nlohmann::json::array();
    for (const auto &e : mp.entries)
        entries.push_back(entry_json(f, e));
    json_report::set("tool", r.tool);
    json_report::set("table", r.table);
    json_report::set("dir", f.dir);
    json_report::set("dry_run", dry_run);
    json_report::set("adopt", mp.count(Action::Adopt));
    json_report::set("pending", mp.count(Action::Pending));
    json_report::set("already_applied", mp.count(Action::AlreadyApplied));
    json_report::set("stop", mp.count(Action::Stop));
    json_report::set("migrations", std::move(entries));
}

} // namespace

std::string entry_file(const Folder &f, const Entry &e) {
    if (!e.m)
        return "-";
    std::string rel(f.relative(e.m->up_file));
    return !rel.empty() && rel[0] == '/' ? rel.substr(1) : rel;
}

void print_mapping(const Context &ctx, const Reader &r, const Folder &f, const Mapping &mp,
                   bool dry_run) {
    if (ctx.opt.json)
        return to_json(r, f, mp, dry_run);
    std::string says = fmt::format("{} says", r.tool);
    size_t wf = 4, wv = 7, ws = says.size();
    for (const auto &e : mp.entries) {
        wf = std::max(wf, (e.m ? entry_file(f, e) : e.key).size());
        wv = std::max(wv, entry_version(e).size());
        ws = std::max(ws, e.says.size());
    }
    std::string out =
        fmt::format("{:<{}}  {:<{}}  {:<{}}  {}\n", "file", wf, "version", wv, says, ws, "action");
    for (const auto &e : mp.entries) {
        std::string file = e.m ? entry_file(f, e) : e.key;
        out += fmt::format("{:<{}}  {:<{}}  {:<{}}  {}\n", file, wf, entry_version(e), wv, e.says,
                           ws, action_text(e.action));
    }
    fmt::print("{}", out);
}

void print_problems(const Reader &r, const Folder &f, const Mapping &mp) {
    for (const auto &e : mp.entries) {
        if (e.action != Action::Stop)
            continue;
        std::string what = e.m ? entry_file(f, e) : fmt::format("{} {}", r.table, e.key);
        std::string force = problem_kind(e.problem);
        error_line(fmt::format("{}: {}{}", what, e.why,
                               force.empty() ? std::string()
                                             : fmt::format(" (--force {} accepts it)", force)));
    }
}

} // namespace mig::client::adopt
