// runner.hpp: runs user migration SQL through SPI (caller's search_path and privileges). PG zone.
#pragma once

#include "pg_includes.hpp"

namespace mig {

// Runs `sql` (NUL-terminated) with SPI_execute in the current SPI connection. Errors keep their
// SQLSTATE/message/detail/hint and get a context line naming the migration, line and column.
void run_script(const char *sql, const char *version, const char *name, const char *file);

// ExecutorStart/ProcessUtility hooks that remember which top-level statement of the running
// script started last (for errors that carry no position). Installed by _PG_init.
void install_runner_hooks();

// Lower-case hex SHA-256 of `len` bytes into out[65].
void sha256_hex(const char *data, size_t len, char out[65]);

}  // namespace mig
