// spi.hpp: SPI helpers for internal (bookkeeping) queries. PG zone.
// Internal queries are constant, fully qualified SQL prepared once per backend
// (SPI_prepare + SPI_keepplan; PostgreSQL revalidates them on DDL) and run with parameters.
#pragma once

#include "pg_includes.hpp"

namespace mig::spi {

// Prepares `sql` once per backend into *slot (caller must be SPI-connected).
SPIPlanPtr plan(SPIPlanPtr *slot, const char *sql, int nargs, const Oid *argtypes);

// plan() for a statement with parameters of types of schema mig (tables' row types): their OIDs
// change when the extension is dropped and created again, and the plan with them. slot_types
// holds nargs OIDs.
SPIPlanPtr plan_typed(SPIPlanPtr *slot, Oid *slot_types, const char *sql, int nargs,
                      const Oid *argtypes);

// Frees every plan prepared by plan() / plan_typed(); they are prepared again when next used.
// Why: while DDL runs, each relcache invalidation makes PostgreSQL walk the dependency lists of
// every saved plan of the backend (PlanCacheRelCallback): docs/performance.md's W1, 1,000 CREATE TABLEs, sends 15,000,
// and pgmig's dozen plans cost 11.8M instructions there. apply and rollback drop them before a
// large batch, where re-preparing them later is cheap by comparison.
void drop_plans();

// Batches of this many migrations or more run after drop_plans().
constexpr int kLargeBatch = 16;

// Runs a prepared plan and checks the result code against `expect`.
void exec(SPIPlanPtr plan, const Datum *values, const char *nulls, bool read_only, long count,
          int expect, const char *what);

void connect();
void finish();

// Column accessors on SPI_tuptable row `row` (1-based column). Strings are copied into `cxt`.
char *get_text(int row, int col, MemoryContext cxt);
bool get_bool(int row, int col, bool *isnull = nullptr);
int32 get_int(int row, int col, bool *isnull = nullptr);
Datum get_datum(int row, int col, bool *isnull);

} // namespace mig::spi
