// golang-migrate: schema_migrations (version bigint, dirty boolean), one row, the current
// version. Source: golang-migrate/migrate database/postgres/postgres.go (ensureVersionTable
// creates the table; SetVersion truncates it and inserts the one row; migrate.go sets dirty =
// true before a migration runs and false after it succeeded).
#include "adopt/readers.hpp"

#include "version.hpp"

#include <fmt/format.h>

namespace mig::client::adopt {

ToolHistory golang_migrate_history(const Rows &rows, const Folder &) {
    ToolHistory h;
    if (rows.empty() || !rows[0][0])
        return h; // nothing applied (golang-migrate's NilVersion)
    std::string version = *rows[0][0];
    bool dirty = rows[0][1].value_or("f") == "t";
    if (version == "-1") { // SetVersion(NilVersion, dirty): the first migration's down failed
        h.recorded.push_back({"-1", "dirty, no version", dirty, std::nullopt});
        return h;
    }
    // every migration up to the current version is applied; the current one failed if dirty
    h.applied_up_to = version;
    h.applied_up_to_says = fmt::format("applied (current version {})", version);
    h.recorded.push_back({canonical_version(version),
                          dirty ? fmt::format("dirty (version {})", version)
                                : fmt::format("applied (current version {})", version),
                          dirty, std::nullopt});
    return h;
}

// golang-migrate's version of a file is the number before the first '_' (uint parsed)
std::string golang_migrate_key(const Migration &m, const Folder &) {
    std::string digits = leading_digits(base_name(m.up_file));
    return digits.empty() ? std::string() : canonical_version(digits);
}

} // namespace mig::client::adopt
