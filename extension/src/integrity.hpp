// integrity.hpp: the insert side of mig.applied's foreign key, checked once per statement.
// PG zone.
//
// mig.applied.vkey REFERENCES mig.migration. PostgreSQL checks that per inserted row: W1's 1,000
// applied rows cost 1,000 RI queries, each locking its migration row FOR KEY SHARE (a WAL record
// apiece), 1.6% of the whole deploy. The install script disables those two per-row triggers on
// mig.applied (the constraint stays: pg_dump orders the tables' data by it, and its referenced
// side still refuses to delete or re-key an applied migration) and these statement-level
// triggers check all rows of a statement with one anti-join over its transition table instead.
// What made the row locks necessary is kept: the check runs under the deploy lock (ExclusiveLock
// on mig.state, held by every pgmig writer anyway), a statement that deletes or updates
// mig.migration takes the same lock first, and in REPEATABLE READ / SERIALIZABLE the check reads
// the latest committed state, as the foreign key's own check does (ri_triggers.c).
#pragma once

#include "pg_includes.hpp"

namespace mig {

// AFTER INSERT / AFTER UPDATE ... REFERENCING NEW TABLE AS new_applied ON mig.applied:
// every new row's vkey must be a stored migration's (23503).
void check_applied_refs(FunctionCallInfo fcinfo);

// BEFORE DELETE OR UPDATE OR TRUNCATE ... FOR EACH STATEMENT ON mig.migration: takes the deploy
// lock, so that the foreign key's check of the deleted keys sees every committed applied row.
void lock_for_references(FunctionCallInfo fcinfo);

} // namespace mig
