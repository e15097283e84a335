#include "edit_diff.hpp"

#include "layouts/scripts.hpp"
#include "line_diff.hpp"
#include "output.hpp"

#include <CLI/CLI.hpp>

#include <fmt/format.h>

namespace mig::client {
namespace {

// Above this many bytes a script is not diffed (the comparison of lines would be slow and the
// diff too long to read).
constexpr size_t kDiffBytes = size_t{4} << 20;

const char *const kStoredScriptsSql = "SELECT m.up_sql, m.down_sql FROM mig.migration m "
                                      "WHERE m.version OPERATOR(pg_catalog.=) $1";

std::vector<std::string> edit_lines(Conn &c, Folder &f, const EditedScript &e, size_t max_lines) {
    Migration &m = *e.m;
    auto stored = c.exec(kStoredScriptsSql, {m.version});
    if (stored.rows() != 1 || stored.null(0, e.down ? 1 : 0))
        return {"(the database holds no such script to compare with)"};
    std::string before = stored.str(0, e.down ? 1 : 0);
    std::vector<std::string> errors;
    auto body = upload_body(f, m, e.down, kDiffBytes, errors);
    if (body && body->too_big)
        return {"(the scripts are too big to show a diff)"};
    const std::string *after = body ? body->text() : nullptr;
    if (!after)
        return {errors.empty() ? "(the file's script could not be read to compare)"
                               : "(" + errors.front() + ")"};
    if (before.size() > kDiffBytes || after->size() > kDiffBytes)
        return {"(the scripts are too big to show a diff)"};
    std::vector<std::string> out;
    if (auto why = layout_only_difference(before, *after))
        out.push_back(fmt::format("{}; after a review, pgmig repair {}{} stores the file's", *why,
                                  e.down ? "--down " : "", m.version));
    auto diff = unified_diff(before, *after, fmt::format("applied {} (in the database)", m.version),
                             e.down ? m.down_file : m.up_file, max_lines);
    out.insert(out.end(), diff.begin(), diff.end());
    return out;
}

} // namespace

std::vector<std::string> explain_edit(Conn &c, Folder &f, const EditedScript &e, size_t max_lines) {
    try {
        return edit_lines(c, f, e, max_lines);
    } catch (const std::exception &ex) { // the error itself is what matters: no diff then
        return {fmt::format("(no diff: {})", ex.what())};
    }
}

void print_edit_errors(Conn &c, Folder &f, const std::vector<std::string> &messages,
                       const std::vector<EditedScript> &edited, bool full) {
    for (size_t i = 0; i < messages.size(); ++i)
        if (i < edited.size())
            error_line(messages[i], explain_edit(c, f, edited[i], full ? 0 : kDiffLines));
        else
            error_line(messages[i]);
}

void add_full_diff_flag(CLI::App &sub, bool &full) {
    sub.add_flag("--full", full,
                 "show the whole diff of an applied migration's edited file (default: the "
                 "first 20 lines)");
}

} // namespace mig::client
