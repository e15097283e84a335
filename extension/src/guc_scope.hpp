// guc_scope.hpp: restricted search_path around internal (bookkeeping) queries. PG zone.
//   int nest = mig::restrict_search_path();  ... internal SPI ...  mig::restore_search_path(nest);
// The scope is always closed before user SQL runs, so migrations see the caller's path.
// On error, transaction/subtransaction abort restores the GUC (AtEOXact_GUC).
#pragma once

#include "pg_includes.hpp"

namespace mig {
int restrict_search_path();
void restore_search_path(int nest);

// Who called pgmig, captured before any migration SQL runs: the bookkeeping after a migration
// records this user and application_name, not what the migration's SET ROLE / SET SESSION
// AUTHORIZATION / SET application_name left behind (and a role switched to without rights on
// mig.* cannot make the bookkeeping fail).
struct Caller {
    Oid user;
    char *application_name;
};
Caller capture_caller();

// restrict_search_path() plus, until the matching end_as_caller, the caller's user id (as a
// SECURITY_LOCAL_USERID_CHANGE, like SECURITY DEFINER functions do) and application_name.
struct CallerScope {
    int nest;
    Oid saved_user;
    int saved_sec;
};
CallerScope begin_as_caller(const Caller &c);
void end_as_caller(const CallerScope &s);
} // namespace mig
