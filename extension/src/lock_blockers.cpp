// lock_blockers.cpp: who holds the locks a statement waited for (lock_retry.hpp). PG zone.
//
// The lock a timed-out statement waited for is gone with its error (the lock manager cleans
// the wait up before it raises it), so the statement's raw parse tree says which relations it
// names, and pg_locks who else holds a granted lock on one of them.
#include "lock_retry.hpp"

#include "guc_scope.hpp"
#include "spi.hpp"

namespace mig {

static void add(List **out, RangeVar *rv) {
    if (rv != nullptr)
        *out = lappend(*out, rv);
}

// Every RangeVar of a query (SELECT, INSERT, UPDATE, DELETE, MERGE and what they contain).
static bool walk_query(Node *node, void *ctx) {
    if (node == nullptr)
        return false;
    if (IsA(node, RangeVar)) {
        add((List **)ctx, (RangeVar *)node);
        return false;
    }
    // PG15 declares the walker as bool (*)(): cast through void (*)(), which matches any type
    return raw_expression_tree_walker(node, (bool (*)())(void (*)())walk_query, ctx);
}

// The tables foreign keys among `elements` (ColumnDefs, Constraints) refer to.
static void referenced(List **out, List *elements) {
    ListCell *lc;
    foreach (lc, elements) {
        Node *e = (Node *)lfirst(lc);
        if (IsA(e, ColumnDef))
            referenced(out, ((ColumnDef *)e)->constraints);
        else if (IsA(e, Constraint) && ((Constraint *)e)->contype == CONSTR_FOREIGN)
            add(out, ((Constraint *)e)->pktable);
        else if (IsA(e, TableLikeClause))
            add(out, ((TableLikeClause *)e)->relation);
    }
}

static void add_all(List **out, List *rangevars) {
    ListCell *lc;
    foreach (lc, rangevars)
        add(out, (RangeVar *)lfirst(lc));
}

// DROP TABLE/INDEX/VIEW/...: the objects; DROP TRIGGER/RULE/POLICY: their tables.
static void dropped(List **out, DropStmt *s) {
    bool on_table = s->removeType == OBJECT_TRIGGER || s->removeType == OBJECT_RULE ||
                    s->removeType == OBJECT_POLICY;
    bool relation = s->removeType == OBJECT_TABLE || s->removeType == OBJECT_INDEX ||
                    s->removeType == OBJECT_VIEW || s->removeType == OBJECT_MATVIEW ||
                    s->removeType == OBJECT_SEQUENCE || s->removeType == OBJECT_FOREIGN_TABLE;
    if (!on_table && !relation)
        return;
    ListCell *lc;
    foreach (lc, s->objects) {
        List *names = list_copy((List *)lfirst(lc));
        if (on_table)
            names = list_truncate(names, list_length(names) - 1);
        if (names != NIL)
            add(out, makeRangeVarFromNameList(names));
    }
}

static void alter_table(List **out, AlterTableStmt *s) {
    add(out, s->relation);
    ListCell *lc;
    foreach (lc, s->cmds) {
        AlterTableCmd *c = (AlterTableCmd *)lfirst(lc);
        if (c->def != nullptr)
            referenced(out, list_make1(c->def));
    }
}

// The relations a top-level statement names (a conservative, common subset: tables altered,
// indexed, dropped, truncated, locked, referenced, queried).
static void targets(List **out, Node *n) {
    switch (nodeTag(n)) {
    case T_AlterTableStmt:
        alter_table(out, (AlterTableStmt *)n);
        break;
    case T_IndexStmt:
        add(out, ((IndexStmt *)n)->relation);
        break;
    case T_CreateStmt:
        add_all(out, ((CreateStmt *)n)->inhRelations);
        referenced(out, ((CreateStmt *)n)->tableElts);
        break;
    case T_RenameStmt:
        add(out, ((RenameStmt *)n)->relation);
        break;
    case T_DropStmt:
        dropped(out, (DropStmt *)n);
        break;
    case T_TruncateStmt:
        add_all(out, ((TruncateStmt *)n)->relations);
        break;
    case T_LockStmt:
        add_all(out, ((LockStmt *)n)->relations);
        break;
    case T_CreateTrigStmt:
        add(out, ((CreateTrigStmt *)n)->relation);
        add(out, ((CreateTrigStmt *)n)->constrrel);
        break;
    case T_RuleStmt:
        add(out, ((RuleStmt *)n)->relation);
        break;
    case T_CreatePolicyStmt:
        add(out, ((CreatePolicyStmt *)n)->table);
        break;
    case T_RefreshMatViewStmt:
        add(out, ((RefreshMatViewStmt *)n)->relation);
        break;
    case T_GrantStmt:
        if (((GrantStmt *)n)->objtype == OBJECT_TABLE &&
            ((GrantStmt *)n)->targtype == ACL_TARGET_OBJECT)
            add_all(out, ((GrantStmt *)n)->objects);
        break;
    case T_ViewStmt:
        add(out, ((ViewStmt *)n)->view);
        walk_query(((ViewStmt *)n)->query, out);
        break;
    case T_CreateTableAsStmt:
        if (IsA(((CreateTableAsStmt *)n)->query, SelectStmt))
            walk_query(((CreateTableAsStmt *)n)->query, out);
        break;
    case T_SelectStmt:
    case T_InsertStmt:
    case T_UpdateStmt:
    case T_DeleteStmt:
    case T_MergeStmt:
        walk_query(n, out);
        break;
    default:
        break;
    }
}

// The OIDs of the relations stmt names that exist (looked up without a lock), or NULL.
static ArrayType *target_oids(const char *stmt) {
    List *raw = raw_parser(stmt, RAW_PARSE_DEFAULT);
    List *rvs = NIL;
    ListCell *lc;
    foreach (lc, raw)
        targets(&rvs, ((RawStmt *)lfirst(lc))->stmt);
    Datum *oids = (Datum *)palloc(sizeof(Datum) * (list_length(rvs) + 1));
    int n = 0;
    foreach (lc, rvs) {
        Oid rel = RangeVarGetRelid((RangeVar *)lfirst(lc), NoLock, true);
        if (OidIsValid(rel))
            oids[n++] = ObjectIdGetDatum(rel);
    }
    return n == 0 ? nullptr : construct_array(oids, n, OIDOID, sizeof(Oid), true, TYPALIGN_INT);
}

// Granted locks of other backends (and prepared transactions) on the relations $1, in this
// database ($2). pg_stat_get_activity rather than the pg_stat_activity view: no lock on
// pg_database or pg_authid while the statement waits to be retried. What another role's
// backend is doing shows as PostgreSQL shows it to the caller.
static const char *const SQL_BLOCKERS =
    "SELECT pg_catalog.string_agg(pg_catalog.format('%s: %s (application %s, %s, query started "
    "%s)', l.relation::pg_catalog.regclass, "
    "    COALESCE('pid ' OPERATOR(pg_catalog.||) l.pid, 'a prepared transaction'), "
    "    pg_catalog.quote_literal(COALESCE(a.application_name, '')), l.mode, "
    "    COALESCE(a.query_start::pg_catalog.text, 'unknown')), '; ' "
    "    ORDER BY l.relation, l.pid) "
    "FROM pg_catalog.pg_lock_status() l "
    "LEFT JOIN LATERAL pg_catalog.pg_stat_get_activity(l.pid) a ON l.pid IS NOT NULL "
    "WHERE l.granted AND l.locktype OPERATOR(pg_catalog.=) 'relation' "
    "  AND l.database OPERATOR(pg_catalog.=) $2 "
    "  AND l.relation OPERATOR(pg_catalog.=) ANY ($1) "
    "  AND l.pid IS DISTINCT FROM pg_catalog.pg_backend_pid()";
static SPIPlanPtr p_blockers;
static const Oid T_BLOCKERS[] = {OIDARRAYOID, OIDOID};

char *describe_blockers(const char *stmt) {
    MemoryContext cxt = CurrentMemoryContext;
    MemoryContext tmp =
        AllocSetContextCreate(CurrentMemoryContext, "pgmig blockers", ALLOCSET_DEFAULT_SIZES);
    MemoryContextSwitchTo(tmp);
    ArrayType *oids = target_oids(stmt);
    char *out = nullptr;
    if (oids != nullptr) {
        int nest = restrict_search_path(); // relations named with their schema
        Datum v[2] = {PointerGetDatum(oids), ObjectIdGetDatum(MyDatabaseId)};
        spi::exec(spi::plan(&p_blockers, SQL_BLOCKERS, 2, T_BLOCKERS), v, nullptr, true, 1,
                  SPI_OK_SELECT, "lock holders");
        if (SPI_processed == 1)
            out = spi::get_text(0, 1, cxt); // NULL: nobody holds one
        restore_search_path(nest);
    }
    MemoryContextSwitchTo(cxt);
    MemoryContextDelete(tmp);
    return out;
}

} // namespace mig
