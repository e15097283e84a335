// integrity.cpp: the insert side of mig.applied's foreign key, checked per statement. PG zone.
#include "integrity.hpp"

#include "guc_scope.hpp"

namespace mig {

// Transition tables are named by the triggers in pgmig--*.sql.
static const char *const SQL_MISSING_MIGRATION =
    "SELECT n.vkey::pg_catalog.text FROM new_applied n WHERE NOT EXISTS "
    "(SELECT 1 FROM mig.migration m WHERE m.vkey OPERATOR(pg_catalog.=) n.vkey) LIMIT 1";

static TriggerData *trigger_data(FunctionCallInfo fcinfo, const char *fn) {
    if (!CALLED_AS_TRIGGER(fcinfo))
        ereport(ERROR, (errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
                        errmsg("%s can only be called as a trigger", fn)));
    return (TriggerData *)fcinfo->context;
}

// The deploy lock (a lock already held, inside mig.apply, is just counted again).
static void lock_deploy() {
    Oid state = get_relname_relid("state", get_namespace_oid("mig", false));
    if (!OidIsValid(state))
        elog(ERROR, "pgmig: table mig.state is missing");
    LockRelationOid(state, ExclusiveLock);
}

// The first key of the statement's new mig.applied rows that names no stored migration (text,
// palloc'd), or NULL. Runs under the deploy lock, which serializes this check with a statement
// that deletes or re-keys migrations (migration_refs_lock), as the row locks of the foreign key's
// own check did; in REPEATABLE READ the check must see what others committed before the lock was
// granted, so it reads the latest snapshot (ri_triggers.c does the same).
static char *missing_migration(TriggerData *td) {
    lock_deploy();
    int rc = SPI_connect();
    if (rc != SPI_OK_CONNECT)
        elog(ERROR, "pgmig: SPI_connect failed: %s", SPI_result_code_string(rc));
    if (SPI_register_trigger_data(td) != SPI_OK_TD_REGISTER)
        elog(ERROR, "pgmig: SPI_register_trigger_data failed");
    int nest = restrict_search_path();
    // For many new rows (a batch), a hash anti-join over mig.migration: the planner's nested loop
    // probes the primary key once per row, ~9,500 instructions each (W1: 9.5M for 1,000 rows;
    // the hash join, 3M). For a few, the probes are cheaper than reading all migrations.
    if (td->tg_newtable && tuplestore_tuple_count(td->tg_newtable) > 64)
        (void)set_config_option("enable_nestloop", "off", PGC_USERSET, PGC_S_SESSION,
                                GUC_ACTION_SAVE, true, 0, false);
    SPIPlanPtr plan = SPI_prepare(SQL_MISSING_MIGRATION, 0, nullptr);
    if (plan == nullptr)
        elog(ERROR, "pgmig: SPI_prepare failed: %s", SPI_result_code_string(SPI_result));
    Snapshot snap = InvalidSnapshot;
    if (IsolationUsesXactSnapshot()) {
        CommandCounterIncrement(); // our own changes, too
        snap = GetLatestSnapshot();
    }
    rc = SPI_execute_snapshot(plan, nullptr, nullptr, snap, InvalidSnapshot, false, false, 1);
    if (rc != SPI_OK_SELECT)
        elog(ERROR, "pgmig: reference check failed: %s", SPI_result_code_string(rc));
    restore_search_path(nest);
    char *key =
        SPI_processed > 0 ? SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1) : nullptr;
    char *out = key ? (char *)SPI_palloc(strlen(key) + 1) : nullptr;
    if (out)
        strcpy(out, key);
    SPI_finish();
    return out;
}

void check_applied_refs(FunctionCallInfo fcinfo) {
    TriggerData *td = trigger_data(fcinfo, "mig.check_applied_refs()");
    if (char *key = missing_migration(td))
        // the foreign key's own message
        ereport(ERROR, (errcode(ERRCODE_FOREIGN_KEY_VIOLATION),
                        errmsg("insert or update on table \"applied\" violates foreign key "
                               "constraint \"applied_vkey_fkey\""),
                        errdetail("Key (vkey)=(%s) is not present in table \"migration\".", key)));
}

void lock_for_references(FunctionCallInfo fcinfo) {
    (void)trigger_data(fcinfo, "mig.lock_for_references()");
    lock_deploy();
}

} // namespace mig
