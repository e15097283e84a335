// Flyway's files beside its migrations: script configuration (`V1__x.sql.conf`) and SQL
// callbacks (`afterMigrate.sql`) (docs/layouts.md, Flyway).
#include "errors.hpp"
#include "layouts/layout.hpp"
#include "layouts/lines.hpp"
#include "text.hpp"

#include <algorithm>
#include <cctype>
#include <fmt/format.h>
#include <string_view>

namespace mig::client {
FlywayScriptConfig parse_flyway_script_config(const std::string &text, const std::string &path) {
    FlywayScriptConfig c;
    for_each_line(text, [&](const std::string &raw, size_t, size_t, int idx) {
        std::string_view line = trim_view(raw);
        if (line.empty() || line[0] == '#' || line[0] == '!')
            return true;
        size_t eq = line.find_first_of("=:");
        std::string key = trim(line.substr(0, eq));
        std::string value = eq == std::string::npos ? "" : trim(line.substr(eq + 1));
        if (key == "executeInTransaction") {
            c.no_transaction = to_lower(value) == "false";
        } else if (key == "encoding") {
            std::string v = to_lower(value);
            if (v != "utf-8" && v != "utf8")
                throw InputError(fmt::format("{}:{}: encoding {}: pgmig reads scripts as UTF-8 "
                                             "(convert the script, e.g. with iconv)",
                                             path, idx + 1, value));
        } else if (key == "shouldExecute") {
            throw InputError(fmt::format("{}:{}: shouldExecute is not supported: pgmig runs "
                                         "every migration of the folder (move the script to a "
                                         "folder of its own)",
                                         path, idx + 1));
        } else {
            c.ignored.push_back(key);
        }
        return true;
    });
    return c;
}

std::string flyway_callback_event(std::string_view file) {
    // Flyway's events that a SQL callback can be written for, as `EVENT.sql` or
    // `EVENT__description.sql`
    static constexpr std::string_view events[] = {"beforeMigrate",
                                                  "beforeRepeatables",
                                                  "beforeEachMigrate",
                                                  "beforeEachMigrateStatement",
                                                  "afterEachMigrateStatement",
                                                  "afterEachMigrateStatementError",
                                                  "afterEachMigrate",
                                                  "afterEachMigrateError",
                                                  "afterMigrate",
                                                  "afterMigrateApplied",
                                                  "afterVersioned",
                                                  "afterMigrateError",
                                                  "beforeUndo",
                                                  "beforeEachUndo",
                                                  "beforeEachUndoStatement",
                                                  "afterEachUndoStatement",
                                                  "afterEachUndoStatementError",
                                                  "afterEachUndo",
                                                  "afterEachUndoError",
                                                  "afterUndo",
                                                  "afterUndoError",
                                                  "beforeClean",
                                                  "afterClean",
                                                  "afterCleanError",
                                                  "beforeInfo",
                                                  "afterInfo",
                                                  "afterInfoError",
                                                  "beforeValidate",
                                                  "afterValidate",
                                                  "afterValidateError",
                                                  "beforeBaseline",
                                                  "afterBaseline",
                                                  "afterBaselineError",
                                                  "beforeRepair",
                                                  "afterRepair",
                                                  "afterRepairError",
                                                  "createSchema",
                                                  "beforeConnect",
                                                  "afterConnect"};
    if (file.size() < 5 || file.substr(file.size() - 4) != ".sql")
        return {};
    std::string_view stem = file.substr(0, file.size() - 4);
    std::string_view event = stem.substr(0, stem.find("__"));
    return std::find(std::begin(events), std::end(events), event) != std::end(events)
               ? std::string(event)
               : std::string();
}

std::string placeholder_at(std::string_view text, size_t at) {
    // Flyway's default prefix and suffix; a name as its placeholders are written
    // (`flyway:defaultSchema`, `schema_name`, `env.name`, `my-key`)
    if (text.compare(at, 2, "${") != 0)
        return {};
    size_t i = at + 2;
    auto name_char = [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == ':' || c == '.' ||
               c == '-';
    };
    while (i < text.size() && i - at <= 130 && name_char(text[i]))
        ++i;
    if (i == at + 2 || i >= text.size() || text[i] != '}')
        return {};
    return std::string(text.substr(at, i + 1 - at));
}

std::pair<int, std::string> flyway_placeholder_use(std::string_view text) {
    int line = 1;
    for (size_t at = 0; at < text.size(); ++at) {
        if (text[at] == '\n')
            ++line;
        else if (text[at] == '$')
            if (auto p = placeholder_at(text, at); !p.empty())
                return {line, p};
    }
    return {0, {}};
}

} // namespace mig::client
