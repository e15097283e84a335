// drift.hpp: DDL run outside pgmig, recorded in mig.drift by the event triggers pgmig_drift_ddl
// (ddl_command_end) and pgmig_drift_drop (sql_drop). PG zone. docs/safety.md, "Drift: DDL
// outside pgmig".
#pragma once

#include "pg_includes.hpp"

namespace mig {

// The pgmig.drift_capture setting (superuser-set) and the session flag, from _PG_init.
void drift_init();

// Whether the event trigger has anything to do now: capture is on, this is not the session that
// created the extension (a restore), and no migration SQL runs (mig.apply and the rollbacks run
// it in this backend: runner.hpp). Cheap: it is asked for every DDL statement of a migration.
bool drift_wanted();

// Commands that change no definition (REFRESH MATERIALIZED VIEW, REINDEX): maintenance jobs run
// them all day, and they are not drift.
bool drift_ignored_tag(CommandTag tag);

// A GRANT or REVOKE on temporary tables or sequences only (an application's, which pg_temp
// holds; the event trigger gets no object for a GRANT, so the statement is looked at).
bool drift_grant_on_temp_only(Node *parsetree);

// The session that creates the extension records no drift (the install script calls it).
void drift_quiet_session();

// Records the current event's objects in mig.drift as the extension's owner. `event` is the
// event trigger's (ddl_command_end or sql_drop), `tag` its command tag, `query` the client's
// query string.
void drift_record(const char *event, const char *tag, const char *query);

// A statement of a non-transactional migration run by the client (client/src/run_outside.cpp
// prefixes it with "/* pgmig: VERSION DIRECTION statement N of T */ "): true when `statement`
// is exactly statement `stmt_no` of that stored script, so it is the migration's, not drift.
bool drift_is_stored_statement(const char *version, const char *direction, int stmt_no,
                               const char *statement);

} // namespace mig
