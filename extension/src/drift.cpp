// drift.cpp: DDL outside pgmig into mig.drift (drift.hpp). PG zone.
#include "drift.hpp"

#include "bookkeeping.hpp"
#include "runner.hpp"

namespace mig {

static bool g_capture = true;        // pgmig.drift_capture
static bool g_quiet_session = false; // this session created the extension

void drift_init() {
    // Superuser-set: a deployer who could turn capture off could hide what it does (the catalog
    // fingerprint, mig.drift_check, still finds it).
    DefineCustomBoolVariable("pgmig.drift_capture",
                             "Records DDL run outside pgmig in mig.drift (event triggers).",
                             nullptr, &g_capture, true, PGC_SUSET, 0, nullptr, nullptr, nullptr);
}

bool drift_wanted() {
    return g_capture && !g_quiet_session && !migration_running() && !in_bookkeeping();
}

bool drift_ignored_tag(CommandTag tag) {
    return tag == CMDTAG_REFRESH_MATERIALIZED_VIEW || tag == CMDTAG_REINDEX;
}

bool drift_grant_on_temp_only(Node *parsetree) {
    if (parsetree == nullptr || !IsA(parsetree, GrantStmt))
        return false;
    auto *g = reinterpret_cast<GrantStmt *>(parsetree);
    if (g->targtype != ACL_TARGET_OBJECT ||
        (g->objtype != OBJECT_TABLE && g->objtype != OBJECT_SEQUENCE) || g->objects == NIL)
        return false;
    ListCell *lc;
    foreach (lc, g->objects) {
        Oid rel = RangeVarGetRelid(lfirst_node(RangeVar, lc), NoLock, true);
        if (!OidIsValid(rel) || get_rel_persistence(rel) != RELPERSISTENCE_TEMP)
            return false;
    }
    return true;
}

void drift_quiet_session() {
    g_quiet_session = true;
}

// Objects of pgmig itself (schema mig, the extension's own CREATE/ALTER EXTENSION), commands of
// extension scripts (the extension's CREATE EXTENSION row stands for them) and temporary
// objects are not drift.
static const char *const kRecordDdl =
    "INSERT INTO mig.drift (role, session_role, application_name, event, command_tag, "
    "object_type, object_identity, statement) "
    "SELECT $1, $2, $3, 'ddl', c.command_tag, c.object_type, c.object_identity, $4 "
    "FROM pg_catalog.pg_event_trigger_ddl_commands() c "
    "WHERE NOT c.in_extension "
    "AND (c.schema_name IS NULL OR NOT (c.schema_name OPERATOR(pg_catalog.=) 'mig' "
    "     OR pg_catalog.starts_with(c.schema_name, 'pg_temp') "
    "     OR pg_catalog.starts_with(c.schema_name, 'pg_toast_temp'))) "
    "AND NOT (c.object_type OPERATOR(pg_catalog.=) 'extension' "
    "         AND c.object_identity OPERATOR(pg_catalog.=) 'pgmig')";

// What a statement dropped by name or through CASCADE (not the row types, indexes and
// constraints that go with a table, nor the rule that goes with a view).
static const char *const kRecordDrop =
    "INSERT INTO mig.drift (role, session_role, application_name, event, command_tag, "
    "object_type, object_identity, statement) "
    "SELECT $1, $2, $3, 'drop', $5, d.object_type, d.object_identity, $4 "
    "FROM pg_catalog.pg_event_trigger_dropped_objects() d "
    "WHERE (d.original OR d.normal) AND NOT d.is_temporary "
    "AND NOT (d.object_type OPERATOR(pg_catalog.=) 'rule' "
    "         AND pg_catalog.starts_with(d.object_identity, '\"_RETURN\" on ')) "
    "AND (d.schema_name IS NULL OR d.schema_name OPERATOR(pg_catalog.<>) 'mig') "
    "AND NOT (d.object_type OPERATOR(pg_catalog.=) 'extension' "
    "         AND d.object_identity OPERATOR(pg_catalog.=) 'pgmig')";

// mig.drift exists: not while DROP EXTENSION pgmig runs (its sql_drop event comes after the
// table is gone), nor in a database without the extension's objects.
static bool drift_table_exists() {
    Oid nsp = get_namespace_oid("mig", true);
    return OidIsValid(nsp) && OidIsValid(get_relname_relid("drift", nsp));
}

void drift_record(const char *event, const char *tag, const char *query) {
    if (!drift_table_exists())
        return;
    bool drop = strcmp(event, "sql_drop") == 0;
    Caller c = capture_caller();
    Datum session_role =
        DirectFunctionCall1(namein, CStringGetDatum(GetUserNameFromId(GetSessionUserId(), false)));
    Oid types[5] = {NAMEOID, NAMEOID, TEXTOID, TEXTOID, TEXTOID};
    Datum values[5] = {c.role, session_role, CStringGetTextDatum(c.application_name),
                       query ? CStringGetTextDatum(query) : (Datum)0, CStringGetTextDatum(tag)};
    char nulls[5] = {' ', ' ', ' ', query ? ' ' : 'n', ' '};
    SPI_connect();
    BookkeepingScope s = begin_bookkeeping(c);
    int rc = SPI_execute_with_args(drop ? kRecordDrop : kRecordDdl, drop ? 5 : 4, types, values,
                                   nulls, false, 0);
    if (rc != SPI_OK_INSERT)
        elog(ERROR, "pgmig: recording drift failed: %s", SPI_result_code_string(rc));
    end_bookkeeping(s);
    SPI_finish();
}

bool drift_is_stored_statement(const char *version, const char *direction, int stmt_no,
                               const char *statement) {
    if (!drift_table_exists())
        return false;
    static const char *const sql =
        "SELECT s.sql OPERATOR(pg_catalog.=) $4 FROM mig.migration m, "
        "mig.split(CASE WHEN $2 OPERATOR(pg_catalog.=) 'down' THEN m.down_sql ELSE m.up_sql END) s "
        "WHERE m.vkey OPERATOR(pg_catalog.=) mig.version_key($1) "
        "AND s.stmt_no OPERATOR(pg_catalog.=) $3";
    Oid types[4] = {TEXTOID, TEXTOID, INT4OID, TEXTOID};
    Datum values[4] = {CStringGetTextDatum(version), CStringGetTextDatum(direction),
                       Int32GetDatum(stmt_no), CStringGetTextDatum(statement)};
    SPI_connect();
    BookkeepingScope s = begin_bookkeeping(capture_caller());
    int rc = SPI_execute_with_args(sql, 4, types, values, nullptr, true, 1);
    bool same = false;
    if (rc == SPI_OK_SELECT && SPI_processed == 1) {
        bool isnull;
        Datum d = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
        same = !isnull && DatumGetBool(d);
    }
    end_bookkeeping(s);
    SPI_finish();
    return same;
}

} // namespace mig
