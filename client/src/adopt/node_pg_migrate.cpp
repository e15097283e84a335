// node-pg-migrate: pgmigrations (id SERIAL PRIMARY KEY, name varchar(255), run_on timestamp),
// one row per applied migration, its name the file name without the extension. Source:
// salsita/node-pg-migrate src/runner.ts (ensureMigrationsTable, getRunMigrations) and
// src/migration.ts (_getMarkAsRun: INSERT on up, DELETE on down).
#include "adopt/readers.hpp"

namespace mig::client::adopt {

std::string node_pg_migrate_key(const Migration &m, const Folder &) {
    std::string name = base_name(m.up_file);
    size_t dot = name.find_last_of('.');
    return dot == std::string::npos ? name : name.substr(0, dot);
}

} // namespace mig::client::adopt
