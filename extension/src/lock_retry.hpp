// lock_retry.hpp: a lock timeout retries the statement, not the deploy (docs/safety.md, "Lock
// timeouts: retry the statement"). PG zone.
//
// With pgmig.lock_retries > 0 and a lock_timeout, each statement of a migration runs in a
// subtransaction of its own. When it fails with lock_not_available (55P03) only that statement
// is rolled back (its locks with it); the runner names who holds the locks it wanted (a WARNING
// and a mig.log row 'lock_retry'), waits with jittered exponential back-off and runs it again,
// until pgmig.lock_retries retries or pgmig.lock_wait_max are spent; then the 55P03 propagates
// with the attempts in its detail. Earlier statements run once.
#pragma once

#include "pg_includes.hpp"
#include "script.hpp"

namespace mig {

// The settings pgmig.lock_retries and pgmig.lock_wait_max (from _PG_init).
void lock_retry_init();

// True when statement `stmt` runs in a subtransaction: pgmig.lock_retries > 0, lock_timeout > 0
// (read for every statement: a migration may SET lock_timeout), and stmt may wait for a lock on
// an existing relation (a CREATE TABLE naming no other table cannot).
bool lock_retry_wanted(const char *stmt);

// SPI_execute(stmt) in a subtransaction, retried after lock timeouts as above; returns SPI's
// result code. `stmt_no` (1-based) names the statement in the reports.
int execute_retrying(const char *stmt, const ScriptSite &site, int stmt_no);

// A script's own lock_timeout: `-- pgmig:lock-timeout=5s` among the comment lines before its
// first statement. When there is one, sets lock_timeout for the script in a new GUC nest level
// and returns it (end_lock_directive restores the setting); -1 when there is none.
int begin_lock_directive(const char *sql, const ScriptSite &site);
void end_lock_directive(int nest);

// "table s.t: pid 123 (application "app", AccessExclusiveLock, query started …); …": the other
// backends holding granted locks on the relations `stmt` names (raw parse tree), or NULL when
// it names none or nobody holds one. palloc'd. (lock_blockers.cpp)
char *describe_blockers(const char *stmt);

} // namespace mig
