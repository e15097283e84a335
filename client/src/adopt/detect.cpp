// detect.cpp: is another tool's history table there (detect.hpp)?
#include "adopt/detect.hpp"

#include "errors.hpp"

#include <fmt/format.h>

namespace mig::client {
namespace {

// One row, one boolean per reader: whether its table exists (to_regclass: no error for a
// schema that does not exist).
const std::string &presence_sql() {
    static const std::string sql = [] {
        std::string s = "SELECT ";
        for (const auto &r : adopt::readers())
            s += std::string(&r == &adopt::readers().front() ? "" : ", ") + r.exists;
        return s;
    }();
    return sql;
}

bool has_history(const std::vector<ServerRow> &status) {
    for (const auto &s : status)
        if (s.state != "pending")
            return true;
    return false;
}

} // namespace

std::vector<const adopt::Reader *> adopt::tools_present(Conn &c) {
    Result r = c.exec(presence_sql());
    std::vector<const Reader *> out;
    const auto &all = readers();
    for (size_t i = 0; i < all.size(); ++i)
        if (r.str(0, static_cast<int>(i)) == "t")
            out.push_back(&all[i]);
    return out;
}

std::optional<std::string> other_tool_history(Conn &c) {
    auto tools = adopt::tools_present(c);
    if (tools.empty())
        return std::nullopt;
    std::string out;
    for (const auto *r : tools)
        out += fmt::format("{}{}'s table {}", out.empty() ? "" : " and ", r->tool, r->table);
    return out;
}

void refuse_unadopted(Conn &c, const std::vector<ServerRow> &status) {
    if (ignore_other_tools() || has_history(status))
        return;
    std::optional<std::string> found;
    try {
        found = other_tool_history(c);
    } catch (...) {
        c.rollback_quietly();
        throw;
    }
    if (!found)
        return;
    c.rollback_quietly();
    throw InputError(fmt::format(
        "this database was migrated by another tool ({} exists) and pgmig has no history of it: "
        "running the migrations again would fail or do them twice. Run `pgmig adopt` to record "
        "what that tool applied, then `pgmig up` (docs/adopting.md); or pass "
        "--ignore-other-tools to run every migration anyway",
        *found));
}

bool &ignore_other_tools() {
    static bool ignore = false;
    return ignore;
}

} // namespace mig::client
