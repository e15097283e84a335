// dry_run.hpp: mig.dry_run, the lock report (docs/safety.md, "Lock report: `up --dry-run`").
// PG zone.
//   dry_run.cpp        the run: pending migrations, statement by statement, always rolled back
//   dry_run_locks.cpp  what a statement locked, and the relations as they were before it
//   dry_run_flags.cpp  what a statement is (parse tree) and the flags with their safer patterns
#pragma once

#include "pg_includes.hpp"

namespace mig {

// mig.dry_run(target, trust_uploads): runs the pending migrations up to `key` (NULL: all), each
// statement in a subtransaction of its own, all of them inside one subtransaction that is
// always rolled back; one row per statement and relation it locked goes to rsi's tuplestore.
void dry_run_pg(ReturnSetInfo *rsi, const char *key, const char *target, bool trust);

// --- dry_run_locks.cpp -----------------------------------------------------------------------

// This backend's locks on user relations of this database (relid >= FirstNormalObjectId),
// followed from statement to statement: lock_changes returns the relations whose modes changed
// since the last call (or lock_tracker_init), with the modes held before and now, in relid
// order.
struct LockTracker {
    HTAB *held; // relid -> HeldLock (dry_run_locks.cpp)
    int stamp;  // calls so far
};
struct LockChange {
    Oid relid;
    LOCKMASK before, now;
};
void lock_tracker_init(LockTracker *t, MemoryContext cxt);
int lock_changes(LockTracker *t, LockChange **out);

// A relation as it was before a statement (read with the snapshot taken before it).
struct RelBefore {
    bool found;   // false: the statement created it
    bool existed; // it existed before the dry run began (run snapshot)
    bool toast;   // a TOAST table (not reported: its table is)
    char *name;   // schema-qualified, quoted where needed
    char relkind;
    int64 size;   // bytes of the main fork before the statement; -1: no storage
    float4 rows;  // pg_class.reltuples (< 0: never vacuumed or analyzed)
    bool rewrote; // its relfilenode changed (it still exists)
};
void relation_before(Oid relid, Snapshot stmt_snap, Snapshot run_snap, RelBefore *out);

// --- dry_run_flags.cpp -----------------------------------------------------------------------

enum DryRunFlag {
    kFlagAccessExclusive = 1 << 0,
    kFlagRewrite = 1 << 1,
    kFlagValidatedConstraint = 1 << 2,
    kFlagNotNullScan = 1 << 3,
    kFlagIndexWithoutConcurrently = 1 << 4,
};
constexpr int kFlagCount = 5;
const char *flag_name(int bit_index);
const char *flag_hint(int bit_index);

// What the parser says about one statement (NUL-terminated): its command tag, and the table its
// flags of kind validated-constraint / not-null-scan / index-without-concurrently are about.
struct StmtClass {
    const char *tag; // NULL: not parsed (a statement of 64 kB or more)
    Oid target;      // InvalidOid: none
    int target_flags;
    bool truncate; // TRUNCATE: a new relfilenode, but no rewrite
};
void classify_statement(const char *stmt, int len, StmtClass *out);

} // namespace mig
