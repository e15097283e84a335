// pop (and Ory's popx): schema_migration (version), a row per applied migration, named by
// the connection's migration_table_name option (default schema_migration). Sources:
// gobuffalo/pop schema_migrations.go (newSchemaMigrations: `version` string of size 14, a unique
// index schema_migration_version_idx) and migrator.go (UpTo inserts the version after the
// migration ran, in its transaction); ory/x popx/migrator.go (createTransactionalMigrationTable:
// `version VARCHAR (48) NOT NULL, version_self INT NOT NULL DEFAULT 0`, and a 20-digit version
// counts as applied when its first 14 digits are in the table, pop's older versions).
#include "adopt/readers.hpp"

#include "version.hpp"

#include <unordered_set>

namespace mig::client::adopt {

ToolHistory pop_history(const Rows &rows, const Folder &f) {
    ToolHistory h;
    std::unordered_set<std::string> recorded, files, legacy_used;
    for (const auto &m : f.migrations)
        files.insert(m.version);
    for (const auto &row : rows)
        if (row[0])
            recorded.insert(*row[0]);
    // popx: a version of more than 14 digits whose first 14 are recorded (pop wrote it so)
    for (const auto &m : f.migrations) {
        if (m.version.size() <= 14 || recorded.count(m.version))
            continue;
        std::string legacy = m.version.substr(0, 14);
        if (!recorded.count(legacy))
            continue;
        legacy_used.insert(legacy);
        h.recorded.push_back(
            {canonical_version(m.version), "applied (as " + legacy + ")", false, std::nullopt});
    }
    std::unordered_set<std::string> seen;
    for (const auto &row : rows) {
        const std::string &v = row[0].value_or("");
        if (v.empty() || !seen.insert(v).second || (legacy_used.count(v) && !files.count(v)))
            continue;
        h.recorded.push_back({canonical_version(v), "applied", false, std::nullopt});
    }
    return h;
}

std::string pop_key(const Migration &m, const Folder &) {
    return canonical_version(m.version);
}

} // namespace mig::client::adopt
