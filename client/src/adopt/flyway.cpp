// Flyway: flyway_schema_history (installed_rank, version, description, type, script, checksum,
// installed_by, installed_on, execution_time, success), a row per migration run, in
// installed_rank order. Source: flyway/flyway flyway-database/flyway-database-postgresql/.../
// PostgreSQLDatabase.java (getRawCreateScript), flyway-core/.../CoreMigrationType.java (SCHEMA,
// BASELINE, DELETE, SQL, …), flyway-core/.../schemahistory/JdbcTableSchemaHistory.java (delete():
// `flyway repair` adds a DELETE row for a version), and .../resolver/ChecksumCalculator.java
// (flyway_checksum(), keys.cpp).
#include "adopt/readers.hpp"

#include "text.hpp"
#include "version.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace mig::client::adopt {
namespace {

enum Col { kVersion, kDescription, kType, kScript, kChecksum, kSuccess };

void forget(ToolHistory &h, const std::string &key) {
    auto &r = h.recorded;
    r.erase(std::remove_if(r.begin(), r.end(), [&](const Recorded &x) { return x.key == key; }),
            r.end());
}

// A repeatable's row (no version): kept by file name, for the report only.
void repeatable_row(ToolHistory &h, const std::vector<std::optional<std::string>> &row) {
    std::string file = base_name(row[kScript].value_or(""));
    h.repeatable_checksums.erase(file);
    if (row[kType].value_or("") == "DELETE") {
        h.repeatables.erase(file);
        return;
    }
    if (row[kSuccess].value_or("f") == "t" && row[kChecksum])
        h.repeatable_checksums[file] = *row[kChecksum];
    h.repeatables[file] = row[kSuccess].value_or("f") == "t"
                              ? fmt::format("applied (checksum {})", row[kChecksum].value_or("-"))
                              : "failed (success = false)";
}

} // namespace

ToolHistory flyway_history(const Rows &rows, const Folder &) {
    ToolHistory h;
    for (const auto &row : rows) {
        std::string type = row[kType].value_or("");
        bool success = row[kSuccess].value_or("f") == "t";
        if (type == "SCHEMA") // Flyway created the schema: not a migration
            continue;
        if (!row[kVersion]) {
            repeatable_row(h, row);
            continue;
        }
        auto normal = normalize_version(*row[kVersion], true);
        std::string version = normal ? *normal : *row[kVersion];
        std::string key = canonical_version(version);
        if (type == "BASELINE" || type == "SQL_BASELINE") {
            if (success) { // every version up to it counts as applied, never run here
                h.applied_up_to = version;
                h.applied_up_to_says = fmt::format("below the baseline {}", *row[kVersion]);
            }
            continue;
        }
        if (type == "DELETE" || (starts_with(type, "UNDO") && success)) {
            forget(h, key); // `flyway repair` marked it deleted, or it was undone
            continue;
        }
        forget(h, key); // a later row of a version (a rerun after a failure) replaces it
        if (success)
            h.recorded.push_back({key, "applied", false, row[kChecksum]});
        else
            h.recorded.push_back({key, "failed (success = false)", true, row[kChecksum]});
    }
    return h;
}

std::string flyway_key(const Migration &m, const Folder &) {
    return canonical_version(m.version);
}

// Flyway's checksum of a versioned script is of the file as written; a repeatable's is of its
// text after placeholder replacement, or (its "equivalent checksum", which Flyway accepts too)
// as written (flyway-core .../resolver/sql/SqlMigrationResolver.java).
bool flyway_checksum_matches(const Migration &m, const std::string &recorded) {
    if (std::to_string(flyway_checksum(read_up_file(m))) == recorded)
        return true;
    return m.repeatable && std::to_string(flyway_checksum(m.up_sql)) == recorded;
}

} // namespace mig::client::adopt
