// guc_scope.cpp: what PG17's RestrictSearchPath() does, with PG15 calls. PG zone.
#include "guc_scope.hpp"

namespace mig {

int restrict_search_path() {
    int nest = NewGUCNestLevel();
    (void)set_config_option("search_path", "pg_catalog, pg_temp", PGC_USERSET, PGC_S_SESSION,
                            GUC_ACTION_SAVE, true, 0, false);
    return nest;
}

void restore_search_path(int nest) {
    AtEOXact_GUC(true, nest);
}

Caller capture_caller() {
    const char *app = GetConfigOption("application_name", true, false);
    return Caller{GetUserId(), pstrdup(app ? app : "")};
}

CallerScope begin_as_caller(const Caller &c) {
    CallerScope s;
    s.nest = restrict_search_path();
    (void)set_config_option("application_name", c.application_name, PGC_USERSET, PGC_S_SESSION,
                            GUC_ACTION_SAVE, true, 0, false);
    GetUserIdAndSecContext(&s.saved_user, &s.saved_sec);
    SetUserIdAndSecContext(c.user, s.saved_sec | SECURITY_LOCAL_USERID_CHANGE);
    return s;
}

void end_as_caller(const CallerScope &s) {
    // (on error, transaction or subtransaction abort restores both)
    SetUserIdAndSecContext(s.saved_user, s.saved_sec);
    restore_search_path(s.nest);
}

} // namespace mig
