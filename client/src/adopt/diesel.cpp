// diesel: __diesel_schema_migrations (version VARCHAR(50) PRIMARY KEY, run_on TIMESTAMP), one
// row per applied migration, deleted by a revert. Source: diesel-rs/diesel
// diesel/src/migration/setup_migration_table.sql; the version is the directory name up to its
// first '_' with the dashes dropped (diesel_migrations/migrations_internals/src/lib.rs,
// version_from_string): 2024-01-15-093000_create_users is 20240115093000.
#include "adopt/readers.hpp"

namespace mig::client::adopt {

std::string diesel_key(const Migration &m, const Folder &) {
    std::string dir = parent_name(m.up_file);
    std::string version = dir.substr(0, dir.find('_'));
    std::string out;
    for (char c : version)
        if (c != '-')
            out += c;
    return out;
}

} // namespace mig::client::adopt
