// lock.cpp: the deploy lock. PG zone (deploy.hpp).
#include "deploy.hpp"

#include "bookkeeping.hpp"
#include "pg_boundary.hpp"
#include "runner.hpp"
#include "spi.hpp"

namespace mig {

static const char *const SQL_BUMP =
    "INSERT INTO mig.state AS s (id) VALUES (true) ON CONFLICT (id) DO UPDATE "
    "SET generation = s.generation OPERATOR(pg_catalog.+) 1";
static SPIPlanPtr p_bump;

// (sub)transaction whose generation was bumped last: once per (sub)transaction is enough
static LocalTransactionId bumped_lxid = InvalidLocalTransactionId;
static SubTransactionId bumped_subxid = InvalidSubTransactionId;

static void refuse_reentry() {
    if (migration_running() || in_bookkeeping())
        ereport(ERROR,
                (errcode(kErrCalledFromMigration), errmsg("pgmig cannot be called from inside a running migration"),
                 errdetail("A migration's SQL, or a trigger on pgmig's tables, called a function "
                           "that uploads, applies, rolls back, baselines or takes the deploy "
                           "lock."),
                 errhint("Run such calls from outside migration SQL.")));
}

// mig.state, and a clear error when the library is newer than the extension's SQL objects
// (the package was upgraded, ALTER EXTENSION ... UPDATE not run yet).
static Oid state_relation() {
    Oid nsp = get_namespace_oid("mig", false);
    Oid rel = get_relname_relid("state", nsp);
    if (!OidIsValid(rel))
        elog(ERROR, "pgmig: table mig.state is missing");
    if (!OidIsValid(get_relname_relid("pending", nsp)))
        ereport(ERROR, (errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
                        errmsg("the pgmig library is version %s, its SQL objects are older",
                               PGMIG_VERSION),
                        errhint("Run ALTER EXTENSION pgmig UPDATE.")));
    return rel;
}

// A lock timeout is pgmig's PM009, naming who to look for.
static void lock_waiting(Oid rel) {
    MemoryContext cxt = CurrentMemoryContext;
    PG_TRY();
    { LockRelationOid(rel, ExclusiveLock); }
    PG_CATCH();
    {
        MemoryContextSwitchTo(cxt);
        ErrorData *ed = CopyErrorData();
        FlushErrorState();
        if (ed->sqlerrcode == ERRCODE_LOCK_NOT_AVAILABLE) {
            ed->sqlerrcode = kErrLockNotAvailable;
            ed->detail = ed->message;
            ed->message = pstrdup("deploy lock not available");
            ed->hint = pstrdup("Another transaction holds the deploy lock; see mig.lock_holder().");
        }
        ReThrowError(ed);
    }
    PG_END_TRY();
}

// Bumps mig.state.generation: in REPEATABLE READ / SERIALIZABLE, PostgreSQL's own 40001 when
// another deployer committed after this transaction's snapshot (no double apply).
static void bump_generation() {
    BookkeepingScope bk = begin_bookkeeping(capture_caller());
    MemoryContext cxt = CurrentMemoryContext;
    PG_TRY();
    {
        spi::exec(spi::plan(&p_bump, SQL_BUMP, 0, nullptr), nullptr, nullptr, false, 0,
                  SPI_OK_INSERT, "bump generation");
    }
    PG_CATCH();
    {
        MemoryContextSwitchTo(cxt);
        ErrorData *ed = CopyErrorData();
        FlushErrorState();
        if (ed->sqlerrcode == ERRCODE_T_R_SERIALIZATION_FAILURE && ed->hint == nullptr)
            ed->hint =
                pstrdup("Another deployer committed after this transaction's snapshot was taken; "
                        "retry the whole transaction.");
        ReThrowError(ed);
    }
    PG_END_TRY();
    end_bookkeeping(bk);
}

bool deploy_lock(bool wait) {
    refuse_reentry();
    Oid rel = state_relation();
    if (!wait) {
        if (!ConditionalLockRelationOid(rel, ExclusiveLock))
            return false;
    } else {
        lock_waiting(rel);
    }
    if (bumped_lxid == MyProc->lxid && bumped_subxid == GetCurrentSubTransactionId())
        return true;
    bump_generation();
    bumped_lxid = MyProc->lxid;
    bumped_subxid = GetCurrentSubTransactionId();
    return true;
}

} // namespace mig
