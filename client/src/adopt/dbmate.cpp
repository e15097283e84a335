// dbmate: schema_migrations (version varchar primary key), one row per applied migration,
// deleted by a rollback. Source: amacneil/dbmate pkg/driver/postgres/postgres.go
// (CreateMigrationsTable, InsertMigration, DeleteMigration); the version is the file name's
// leading digits as they are written (pkg/dbmate/db.go, migrationFileRegexp `^(\d+).*\.sql$`).
#include "adopt/readers.hpp"

namespace mig::client::adopt {

ToolHistory one_row_each(const Rows &rows) {
    ToolHistory h;
    h.recorded.reserve(rows.size());
    for (const auto &row : rows)
        if (row[0])
            h.recorded.push_back({*row[0], "applied", false, std::nullopt});
    return h;
}

std::string dbmate_key(const Migration &m, const Folder &) {
    return leading_digits(base_name(m.up_file));
}

} // namespace mig::client::adopt
