// deploy.hpp: the PG-zone work behind pgmig's SQL entry points, one file per family:
//   lock.cpp        the deploy lock
//   upload.cpp      mig.upload, mig.upload_many
//   apply.cpp       mig.apply
//   rollback.cpp    mig.rollback, mig.rollback_to, mig.rollback_batch
//   repeatable.cpp  mig.apply_repeatable
//   set_down.cpp    mig.set_down
//   repair.cpp      mig.repair
//   discard.cpp     mig.discard
//   record.cpp      mig.baseline, mig.adopt, mig.record_statement, mig.record_failure, mig.vouch
// C-style code, PODs and palloc only; errors are ereport()ed (the SQL entry points reach it
// through pg_call). Every function here needs an SPI connection. pgmig's own statements run in
// a BookkeepingScope (bookkeeping.hpp); migration SQL never does.
#pragma once

#include "pg_includes.hpp"

namespace mig {

// Takes the transaction-scoped deploy lock (ExclusiveLock on mig.state) and, once per
// (sub)transaction, bumps mig.state.generation (40001 in REPEATABLE READ / SERIALIZABLE when
// another deployer committed after our snapshot). PM011 from inside migration SQL.
bool deploy_lock(bool wait);

struct UploadArgs {
    const char *version; // as given
    const char *key;     // bytea literal of the version's sort key (version_key_literal)
    const char *name;
    Datum up;
    Datum down;
    bool down_null;
    Jsonb *options; // NULL = {}
    // mig.upload_many's files / down_files: stored as options "file" / "down_file" (NULL: none)
    const char *file;
    const char *down_file;
};

struct UploadResult {
    const char *action; // static string
    bool transactional;
    int statements;
    bool applied;          // already applied (complete)
    bool ends_transaction; // the up script adds an enum label
    char checksum[65];
    Jsonb *down_error; // the stored down script's parse error (NULL: none, or unchanged)
};

// mig.upload. The same scripts uploaded by another role become the caller's (a vouch).
void upload_pg(const UploadArgs *a, UploadResult *r);

// mig.upload_many: every script is checked first, then the new ones are stored with one
// statement; one row per upload (as mig.upload's) goes to rsi's tuplestore.
void upload_many_pg(ReturnSetInfo *rsi, const UploadArgs *args, int nargs);

// mig.apply(target) (exact = false) or the apply half of the one-shot mig.apply (exact = true).
// key = NULL: everything pending. trust: run migrations other roles uploaded (uploader.hpp).
// Rows go to rsi's tuplestore.
void apply_pg(ReturnSetInfo *rsi, const char *key, const char *target, const char *name, bool exact,
              bool trust);

struct RollbackRequest {
    int64 steps;               // < 0: no limit
    const char *after_key;     // versions greater than this key (NULL: no bound)
    const char *after_version; // the version of after_key, as given
    bool last_batch;           // only the last batch
    bool trust;                // run down scripts other roles uploaded
};

// mig.rollback, mig.rollback_to, mig.rollback_batch.
void rollback_pg(ReturnSetInfo *rsi, const RollbackRequest &req);

// mig.apply_repeatable.
void repeatable_pg(ReturnSetInfo *rsi, const char *name, Datum up, Jsonb *options);

// mig.baseline(version text datum): rows to rsi.
void baseline_pg(ReturnSetInfo *rsi, Datum version);

// mig.record_statement(version, stmt_no, direction, duration, trust_uploads): its text result,
// copied into cxt.
Datum record_statement_pg(const Datum *args, bool duration_null, MemoryContext cxt);

// mig.record_failure(version, stmt_no, sqlstate, message, direction).
void record_failure_pg(const Datum *args);

// mig.set_down(version, down_sql, up_checksum): the new down script's checksum (text datum).
Datum set_down_pg(const char *key, const char *version, Datum down, const char *up_checksum);

struct RepairArgs {
    const char *key;           // the version's sort key (version_key_literal)
    const char *version;       // as given
    Datum up;                  // the new up script (text datum)
    const char *down_checksum; // of the down script the caller holds; NULL: none
    bool force;                // accept an edit of the statements, not only of comments
};

// mig.repair(version, up_sql, down_checksum, force): one row (version, name, old_checksum,
// new_checksum, statements_changed) to rsi.
void repair_pg(ReturnSetInfo *rsi, const RepairArgs &r);

// mig.discard(version): the removed migration's row (version, name, checksum, uploaded_by) to
// rsi.
void discard_pg(ReturnSetInfo *rsi, const char *key, const char *version);

// mig.adopt(versions, source): rows to rsi.
void adopt_pg(ReturnSetInfo *rsi, const Datum *args);
// mig.adopt_repeatable(name, up_sql, source): rows to rsi.
void adopt_repeatable_pg(ReturnSetInfo *rsi, const Datum *args);

// mig.vouch(versions, up_checksums, down_checksums): rows to rsi.
void vouch_pg(ReturnSetInfo *rsi, const Datum *args);

// mig.lease(action, token, version, direction, stmt_no): rows to rsi; args[i] NULL where
// nulls[i] == 'n'.
void lease_pg(ReturnSetInfo *rsi, const Datum *args, const char *nulls);

} // namespace mig
