// runner.hpp: runs user migration SQL through SPI (caller's search_path and privileges). PG zone.
#pragma once

#include "pg_includes.hpp"
#include "script.hpp"

namespace mig {

// Runs `sql` (NUL-terminated, writable: it is cut in place) in the current SPI connection, one
// SPI_execute per statement when `offsets` (flat int4[] of byte ranges, see statement_offsets)
// is given, else as a whole. Per-statement calls free each statement's parse/plan memory at
// once (SPI_execute of a whole script keeps every statement's plan until it ends) and tell us
// which statement failed. Errors keep their SQLSTATE/message/detail/hint and get a context line
// naming the migration, line and column.
void run_script(char *sql, ArrayType *offsets, const ScriptSite &site);

// True while run_script runs migration SQL: pgmig's own writers (everything that takes the
// deploy lock) refuse to run then (PM011), because a migration that applies, rolls back,
// uploads or baselines from inside a batch would change what the batch is iterating over.
bool migration_running();

// Lower-case hex SHA-256 of `len` bytes into out[65].
void sha256_hex(const char *data, size_t len, char out[65]);

} // namespace mig
