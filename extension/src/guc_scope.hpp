// guc_scope.hpp: restricted search_path around internal (bookkeeping) queries. PG zone.
//   int nest = mig::restrict_search_path();  ... internal SPI ...  mig::restore_search_path(nest);
// The scope is always closed before user SQL runs, so migrations see the caller's path.
// On error, transaction/subtransaction abort restores the GUC (AtEOXact_GUC).
// (pgmig's writes use BookkeepingScope, bookkeeping.hpp, which opens this scope too.)
#pragma once

#include "pg_includes.hpp"

namespace mig {
int restrict_search_path();
void restore_search_path(int nest);
} // namespace mig
