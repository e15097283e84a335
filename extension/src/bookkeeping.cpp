// bookkeeping.cpp: the caller, and pgmig's own statements run as the extension's owner. PG zone.
#include "bookkeeping.hpp"

#include "guc_scope.hpp"

namespace mig {

static int g_depth = 0;                                           // open BookkeepingScopes
static SubTransactionId g_outer_subxid = InvalidSubTransactionId; // where the outermost began

static Caller g_caller;            // the last one captured (its strings live as long as the call)
static bool g_have_caller = false; // until the transaction ends

Caller capture_caller() {
    const char *app = GetConfigOption("application_name", true, false);
    Oid user = GetUserId();
    Datum role = DirectFunctionCall1(namein, CStringGetDatum(GetUserNameFromId(user, false)));
    g_caller = Caller{user, role, pstrdup(app ? app : "")};
    g_have_caller = true;
    return g_caller;
}

const Caller *current_caller() {
    return g_have_caller ? &g_caller : nullptr;
}

// The owner of schema mig: the role that created the extension, which owns its tables.
static Oid mig_owner() {
    Oid nsp = get_namespace_oid("mig", false);
    HeapTuple tup = SearchSysCache1(NAMESPACEOID, ObjectIdGetDatum(nsp));
    if (!HeapTupleIsValid(tup))
        elog(ERROR, "pgmig: cache lookup failed for schema mig");
    Oid owner = ((Form_pg_namespace)GETSTRUCT(tup))->nspowner;
    ReleaseSysCache(tup);
    return owner;
}

BookkeepingScope begin_bookkeeping(const Caller &c) {
    BookkeepingScope s;
    s.nest = restrict_search_path();
    (void)set_config_option("application_name", c.application_name, PGC_USERSET, PGC_S_SESSION,
                            GUC_ACTION_SAVE, true, 0, false);
    GetUserIdAndSecContext(&s.saved_user, &s.saved_sec);
    SetUserIdAndSecContext(mig_owner(), s.saved_sec | SECURITY_LOCAL_USERID_CHANGE);
    if (g_depth++ == 0)
        g_outer_subxid = GetCurrentSubTransactionId();
    return s;
}

void end_bookkeeping(const BookkeepingScope &s) {
    g_depth--;
    SetUserIdAndSecContext(s.saved_user, s.saved_sec);
    restore_search_path(s.nest);
}

bool in_bookkeeping() {
    return g_depth > 0;
}

static void on_xact(XactEvent event, void *) {
    g_have_caller = false;
    if (event == XACT_EVENT_ABORT || event == XACT_EVENT_PARALLEL_ABORT)
        g_depth = 0;
}

static void on_subxact(SubXactEvent event, SubTransactionId my, SubTransactionId, void *) {
    if (event == SUBXACT_EVENT_ABORT_SUB && g_depth > 0 && my == g_outer_subxid)
        g_depth = 0;
}

void bookkeeping_init() {
    RegisterXactCallback(on_xact, nullptr);
    RegisterSubXactCallback(on_subxact, nullptr);
}

} // namespace mig
