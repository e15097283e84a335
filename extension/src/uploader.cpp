// uploader.cpp: who may run stored SQL. PG zone.
#include "uploader.hpp"

#include "pg_boundary.hpp"

namespace mig {

bool g_trust_uploaders = false;

void check_uploader(Oid caller, const char *uploaded_by, const char *version, const char *name,
                    bool trust) {
    if (trust || g_trust_uploaders)
        return;
    Oid r = get_role_oid(uploaded_by, true);
    if (OidIsValid(r) && (r == caller || is_member_of_role_nosuper(caller, r)))
        return;
    ereport(ERROR,
            (errcode(kErrNotVouched),
             errmsg("migration %s (%s) was uploaded by role \"%s\", and role \"%s\" has not "
                    "vouched for it",
                    version, name, uploaded_by, GetUserNameFromId(caller, false)),
             errdetail("Nothing was run. A role runs only SQL that it uploaded or vouched for, "
                       "or that a role it is a member of uploaded; superusers too."),
             errhint("Review it (SELECT up_sql, down_sql FROM mig.migration WHERE version = "
                     "'%s'), then run pgmig from a folder that holds the same file (it vouches "
                     "for it), call mig.vouch(), or pass trust_uploads => true "
                     "(pgmig --trust-uploads).",
                     version)));
}

} // namespace mig
