// bookkeeping.hpp: who called pgmig, and the scope in which pgmig writes its own tables. PG zone.
//
// Deployers hold no DML on schema mig (docs/security.md): pgmig's own statements (fixed,
// schema-qualified SQL) run as the extension's owner, inside a BookkeepingScope; the
// migration's SQL never does, it runs as the caller, with the caller's search_path.
#pragma once

#include "pg_includes.hpp"

namespace mig {

// Who called pgmig, captured when the call began, before any migration SQL ran: history and
// log rows name this role and application_name, not what a migration's SET ROLE or SET
// application_name left behind.
struct Caller {
    Oid user;
    Datum role; // its name, as a `name` datum for the role columns
    char *application_name;
};
Caller capture_caller();
// The Caller the running pgmig call captured last (NULL outside one): what runs within that
// call and writes history of its own (a lock retry's mig.log row, lock_retry.hpp) names it.
const Caller *current_caller();

// Opens a scope for pgmig's own statements: search_path = pg_catalog, pg_temp; the caller's
// application_name (mig.log's column default); the current user switched to the owner of
// schema mig (SECURITY_LOCAL_USERID_CHANGE, as SECURITY DEFINER functions do). Closed by
// end_bookkeeping; an error instead rolls back the (sub)transaction, which restores the user,
// the settings, and (through the callbacks of bookkeeping_init) in_bookkeeping().
struct BookkeepingScope {
    int nest;
    Oid saved_user;
    int saved_sec;
};
BookkeepingScope begin_bookkeeping(const Caller &c);
void end_bookkeeping(const BookkeepingScope &s);

// True inside a BookkeepingScope: a trigger or function that fires during pgmig's own writes
// must not call back into pgmig (the deploy lock refuses it, PM011).
bool in_bookkeeping();

// Registers the transaction callbacks that reset in_bookkeeping() on abort (_PG_init).
void bookkeeping_init();

} // namespace mig
