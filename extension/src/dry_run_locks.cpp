// dry_run_locks.cpp: what a statement of the lock report locked (the lock manager's view of
// this backend), and the relations it locked as they were before it. PG zone.
#include "dry_run.hpp"

namespace mig {

static int compare_change(const void *a, const void *b) {
    Oid x = ((const LockChange *)a)->relid, y = ((const LockChange *)b)->relid;
    return x < y ? -1 : (x > y ? 1 : 0);
}

struct HeldLock {
    Oid relid; // the key
    LOCKMASK before, now;
    int stamp; // the lock_changes call that last saw it
};

void lock_tracker_init(LockTracker *t, MemoryContext cxt) {
    HASHCTL ctl;
    memset(&ctl, 0, sizeof ctl);
    ctl.keysize = sizeof(Oid);
    ctl.entrysize = sizeof(HeldLock);
    ctl.hcxt = cxt;
    t->held = hash_create("pgmig held locks", 1024, &ctl, HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
    t->stamp = 0;
    LockChange *ignored;
    (void)lock_changes(t, &ignored); // what is held before anything runs
}

// GetLockStatusData, not pg_locks: no SQL per statement, no predicate locks. It copies the whole
// lock table (every backend's), briefly holding each partition's LWLock in shared mode
// (docs/safety.md). A relation can appear twice: a fast-path mode and a main-table one.
int lock_changes(LockTracker *t, LockChange **out) {
    LockData *d = GetLockStatusData();
    Oid *touched = (Oid *)palloc(sizeof(Oid) * (d->nelements > 0 ? d->nelements : 1));
    int ntouched = 0;
    t->stamp++;
    for (int i = 0; i < d->nelements; i++) {
        const LockInstanceData &l = d->locks[i];
        if (l.pid != MyProcPid || l.holdMask == 0 || l.locktag.locktag_type != LOCKTAG_RELATION ||
            l.locktag.locktag_lockmethodid != DEFAULT_LOCKMETHOD ||
            l.locktag.locktag_field1 != MyDatabaseId ||
            l.locktag.locktag_field2 < FirstNormalObjectId)
            continue;
        Oid relid = l.locktag.locktag_field2;
        bool found;
        HeldLock *h = (HeldLock *)hash_search(t->held, &relid, HASH_ENTER, &found);
        if (!found) {
            h->before = 0;
            h->stamp = 0;
        }
        if (h->stamp != t->stamp) {
            h->stamp = t->stamp;
            h->now = 0;
            touched[ntouched++] = relid;
        }
        h->now |= l.holdMask;
    }
    pfree(d->locks);
    pfree(d);
    *out = (LockChange *)palloc(sizeof(LockChange) * (ntouched > 0 ? ntouched : 1));
    int n = 0;
    for (int i = 0; i < ntouched; i++) {
        HeldLock *h = (HeldLock *)hash_search(t->held, &touched[i], HASH_FIND, nullptr);
        if (h->now != h->before)
            (*out)[n++] = LockChange{h->relid, h->before, h->now};
        h->before = h->now;
    }
    pfree(touched);
    qsort(*out, n, sizeof(LockChange), compare_change); // relid order: older relations first
    return n;
}

// The pg_class fields the report needs, as `snap` sees them (NULL: the catalog as it is now).
struct ClassRow {
    NameData relname;
    Oid relnamespace, relfilenode, reltablespace;
    char relkind, relpersistence;
    float4 reltuples;
};

static bool class_row(Oid relid, Snapshot snap, ClassRow *out) {
    Relation rel = table_open(RelationRelationId, AccessShareLock);
    ScanKeyData key;
    ScanKeyInit(&key, Anum_pg_class_oid, BTEqualStrategyNumber, F_OIDEQ, ObjectIdGetDatum(relid));
    SysScanDesc scan = systable_beginscan(rel, ClassOidIndexId, true, snap, 1, &key);
    HeapTuple tup = systable_getnext(scan);
    bool found = HeapTupleIsValid(tup);
    if (found && out) {
        Form_pg_class c = (Form_pg_class)GETSTRUCT(tup);
        out->relname = c->relname;
        out->relnamespace = c->relnamespace;
        out->relfilenode = c->relfilenode;
        out->reltablespace = c->reltablespace;
        out->relkind = c->relkind;
        out->relpersistence = c->relpersistence;
        out->reltuples = c->reltuples;
    }
    systable_endscan(scan);
    table_close(rel, AccessShareLock);
    return found;
}

// The size of the main fork of storage `relfilenode` now. A statement that rewrites or drops a
// relation leaves its old storage in place until the transaction ends, so this is the size
// before the statement unless the statement wrote into that storage itself (docs/safety.md).
static int64 storage_size(const ClassRow &c) {
    if (!RELKIND_HAS_STORAGE(c.relkind) || c.relfilenode == InvalidOid)
        return -1;
    RelFileNode node{c.reltablespace ? c.reltablespace : MyDatabaseTableSpace, MyDatabaseId,
                     c.relfilenode};
    SMgrRelation s =
        smgropen(node, c.relpersistence == RELPERSISTENCE_TEMP ? BackendIdForTempRelations()
                                                               : InvalidBackendId);
    if (!smgrexists(s, MAIN_FORKNUM))
        return 0;
    return (int64)smgrnblocks(s, MAIN_FORKNUM) * BLCKSZ;
}

// The relfilenode the relation has now; InvalidOid when it is gone.
static Oid current_relfilenode(Oid relid) {
    HeapTuple tup = SearchSysCache1(RELOID, ObjectIdGetDatum(relid));
    if (!HeapTupleIsValid(tup))
        return InvalidOid;
    Oid node = ((Form_pg_class)GETSTRUCT(tup))->relfilenode;
    ReleaseSysCache(tup);
    return node;
}

void relation_before(Oid relid, Snapshot stmt_snap, Snapshot run_snap, RelBefore *out) {
    ClassRow c;
    memset(out, 0, sizeof *out);
    out->size = -1;
    out->rows = -1;
    out->found = class_row(relid, stmt_snap, &c);
    if (!out->found) {
        c = ClassRow{};
        if (!class_row(relid, nullptr, &c))
            return; // created and dropped by the statement
        out->name =
            quote_qualified_identifier(get_namespace_name(c.relnamespace), NameStr(c.relname));
        out->toast = c.relnamespace == PG_TOAST_NAMESPACE;
        out->relkind = c.relkind;
        return;
    }
    const char *nsp = get_namespace_name(c.relnamespace); // NULL: dropped with its schema
    out->name = quote_qualified_identifier(nsp ? nsp : "?", NameStr(c.relname));
    out->toast = c.relnamespace == PG_TOAST_NAMESPACE;
    out->relkind = c.relkind;
    out->existed = class_row(relid, run_snap, nullptr);
    out->size = storage_size(c);
    out->rows = c.reltuples;
    Oid now = current_relfilenode(relid);
    out->rewrote = c.relfilenode != InvalidOid && now != InvalidOid && now != c.relfilenode;
}

} // namespace mig
