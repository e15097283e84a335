// Flyway's files beside its migrations: script configuration (`V1__x.sql.conf`) and SQL
// callbacks (`afterMigrate.sql`) (docs/layouts.md, Flyway).
#include "errors.hpp"
#include "layouts/lines.hpp"
#include "layouts/readers.hpp"
#include "text.hpp"
#include "version.hpp"

#include <algorithm>
#include <cctype>
#include <fmt/format.h>
#include <string_view>

namespace mig::client {
namespace {

// A Flyway folder (docs/layouts.md, Flyway): V (versioned), U (undo), B (baseline) and R
// (repeatable) scripts, and the script configurations beside them.
class FlywayReader : public LayoutReader {
  public:
    void entry(FolderReader &r, Claim &c) override;
    void complete(FolderReader &r, Folder &f) override;

  private:
    void other_file(FolderReader &r, std::string_view name);
    void repeatable(FolderReader &r, std::string_view name, const FlywayName &fw);
    void use_baseline(FolderReader &r, Folder &f);
    void apply_configs(FolderReader &r, Folder &f);

    struct ScriptConfig {
        std::string script;    // the script it configures (a name beside it)
        std::string_view file; // SCRIPT.conf
        FlywayScriptConfig config;
    };
    std::vector<ScriptConfig> configs_;
    std::vector<Migration> baselines_;   // B…__ scripts
    std::vector<Migration> repeatables_; // R__ scripts
};

void FlywayReader::entry(FolderReader &r, Claim &c) {
    std::string_view name = c.name();
    auto fw = c.layout == Layout::Flyway ? parse_flyway_name(std::string(name)) : std::nullopt;
    if (!fw)
        return other_file(r, name);
    switch (fw->kind) {
    case FlywayKind::Versioned:
    case FlywayKind::Baseline: {
        Migration m;
        m.version = fw->version;
        m.name = fw->description;
        m.up_file = r.path(name);
        m.flyway_baseline = fw->kind == FlywayKind::Baseline;
        if (!r.read_up(name, m))
            return;
        if (m.flyway_baseline)
            baselines_.push_back(std::move(m));
        else
            r.add(std::move(m));
        return;
    }
    case FlywayKind::Undo: {
        DownScript d;
        if (r.read_down(name, d))
            r.add_down(canonical_version(fw->version), name, std::move(d), fw->version, "undo");
        return;
    }
    case FlywayKind::Repeatable:
        return repeatable(r, name, *fw);
    }
}

// A file that is not a migration: a script's configuration (applied once the migrations are
// known), a callback, or a stray file.
void FlywayReader::other_file(FolderReader &r, std::string_view name) {
    std::string_view script = name.substr(0, name.size() - 5);
    if (ends_with(name, ".sql.conf") && parse_flyway_name(std::string(script))) {
        if (auto t = r.read(name)) {
            try {
                auto c = parse_flyway_script_config(*t, r.path(name));
                for (const auto &key : c.ignored)
                    r.warnings.push_back(
                        fmt::format("{}: {} is not used by pgmig", r.path(name), key));
                configs_.push_back({std::string(script), name, c});
            } catch (const InputError &err) {
                r.errors.push_back(err.what());
            }
        }
    } else if (auto event = flyway_callback_event(name); !event.empty()) {
        r.stray(name, fmt::format("a Flyway {} callback: pgmig runs no callbacks; run it yourself "
                                  "after `pgmig up`, or make it an R__ migration if it is "
                                  "idempotent",
                                  event));
    } else {
        r.stray(name, "not V{version}__{description}.sql, U…, B… or R__…");
    }
}

// A repeatable migration: read now, compared by its checksum.
void FlywayReader::repeatable(FolderReader &r, std::string_view name, const FlywayName &fw) {
    auto text = r.read(name);
    if (!text)
        return;
    Migration m;
    m.name = fw.description;
    m.up_file = r.path(name);
    m.up_sql = std::move(*text);
    m.repeatable = true;
    for (const auto &other : repeatables_)
        if (other.name == m.name)
            r.errors.push_back(
                fmt::format("duplicate repeatable migration: {} and {}", other.up_file, m.up_file));
    repeatables_.push_back(std::move(m));
}

void FlywayReader::complete(FolderReader &r, Folder &f) {
    f.repeatables = std::move(repeatables_);
    use_baseline(r, f);
    apply_configs(r, f);
}

// Flyway runs the latest baseline migration (B5__…) on a database with no migration yet, then
// the V migrations above it. With the V migrations it stands for still in the folder, running
// them is the same and pgmig does that (its databases may have them applied); without them, the
// latest B is the folder's first migration. Older B scripts are superseded.
void FlywayReader::use_baseline(FolderReader &r, Folder &f) {
    std::vector<Migration> &bs = baselines_;
    if (bs.empty())
        return;
    std::sort(bs.begin(), bs.end(), [](const Migration &a, const Migration &c) {
        return compare_versions(a.version, c.version) < 0;
    });
    Migration &latest = bs.back();
    for (size_t i = 0; i + 1 < bs.size(); ++i)
        r.warnings.push_back(
            fmt::format("{}: ignored (a Flyway baseline migration superseded by {})", bs[i].up_file,
                        latest.up_file));
    if (!f.migrations.empty() &&
        compare_versions(f.migrations.front().version, latest.version) <= 0) {
        r.warnings.push_back(fmt::format(
            "{}: ignored (a Flyway baseline migration: the V migrations it stands for, from {}, "
            "are in the folder and run instead)",
            latest.up_file, f.migrations.front().up_file));
        return;
    }
    f.migrations.insert(f.migrations.begin(), std::move(latest));
}

// Each script configuration's executeInTransaction, on the migration of its script.
void FlywayReader::apply_configs(FolderReader &r, Folder &f) {
    for (const auto &sc : configs_) {
        std::string script = r.path(sc.script);
        auto of_script = [&](const Migration &m) { return m.up_file == script; };
        auto it = std::find_if(f.migrations.begin(), f.migrations.end(), of_script);
        auto rt = std::find_if(f.repeatables.begin(), f.repeatables.end(), of_script);
        Migration *m = it != f.migrations.end() ? &*it : rt != f.repeatables.end() ? &*rt : nullptr;
        if (m) {
            m->no_transaction = m->no_transaction || sc.config.no_transaction;
            m->keep_placeholders = sc.config.keep_placeholders;
        } else if (sc.script[0] != 'U') // an undo script's transaction is the server parser's call
            r.warnings.push_back(fmt::format("{}: ignored (configures {}, which is not there)",
                                             r.path(sc.file), sc.script));
    }
}

bool claims_flyway(Claim &c) {
    return !c.entry->is_dir && parse_flyway_name(std::string(c.name()));
}

} // namespace

const ReaderSpec kFlywayReader = [] {
    ReaderSpec spec{Layout::Flyway, Detection::Names,
                    [](const ReaderSpec &) -> std::unique_ptr<LayoutReader> {
                        return std::make_unique<FlywayReader>();
                    }};
    spec.claims = claims_flyway;
    return spec;
}();
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
        } else if (key == "placeholderReplacement") {
            c.keep_placeholders = to_lower(value) == "false";
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
