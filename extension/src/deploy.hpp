// deploy.hpp: upload / apply / rollback / lock. PG zone: C-style code, PODs and palloc only;
// errors are ereport()ed (the SQL entry points in mig.cpp reach it through pg_call).
#pragma once

#include "pg_includes.hpp"

namespace mig {

extern bool g_trust_uploaders;

// Takes the transaction-scoped deploy lock (ExclusiveLock on mig.state) and, once per
// (sub)transaction, bumps mig.state.generation (40001 in REPEATABLE READ / SERIALIZABLE when
// another deployer committed after our snapshot). SPI must be connected.
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
};

// mig.upload. SPI connected; restricts search_path itself.
void upload_pg(const UploadArgs *a, UploadResult *r);

// mig.upload_many: every script is checked first, then the new ones are stored with one
// statement; one row per upload (as mig.upload's) goes to rsi's tuplestore. SPI connected.
void upload_many_pg(ReturnSetInfo *rsi, const UploadArgs *args, int nargs);

// mig.apply(target) (exact = false) or the apply half of the one-shot mig.apply (exact = true).
// key = NULL: everything pending. Rows go to rsi's tuplestore. SPI connected.
void apply_pg(ReturnSetInfo *rsi, const char *key, const char *target, const char *name,
              bool exact);

// mig.rollback*: steps < 0 = no limit; after_key: versions greater than it; last_batch: only the
// last batch. SPI connected.
void rollback_pg(ReturnSetInfo *rsi, int64 steps, const char *after_key, const char *after_version,
                 bool last_batch);

// mig.apply_repeatable. SPI connected.
void repeatable_pg(ReturnSetInfo *rsi, const char *name, Datum up, Jsonb *options);

} // namespace mig
