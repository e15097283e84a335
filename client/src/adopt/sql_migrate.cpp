// sql-migrate: gorp_migrations ("id" text primary key, "applied_at" timestamp with time zone),
// one row per applied migration, its id the file name (rubenv/sql-migrate migrate.go,
// MigrationRecord and getMigrationDbMap; the table is gorp's CreateTablesIfNotExists,
// go-gorp/gorp table.go SqlForCreate with dialect_postgres.go's types). A rollback deletes the
// row.
#include "adopt/readers.hpp"

namespace mig::client::adopt {

std::string sql_migrate_key(const Migration &m, const Folder &) {
    return base_name(m.up_file);
}

} // namespace mig::client::adopt
