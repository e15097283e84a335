// todo.hpp: the migrations one mig.apply / mig.rollback runs, and what both do with them.
// PG zone.
#pragma once

#include "pg_includes.hpp"

namespace mig {

struct Todo {
    char *version;
    char *name;
    Datum sql; // text datum (possibly a TOAST pointer) in the SPI tuptable
    bool sql_null;
    bool ok; // transactional (apply) / transactional and complete (rollback)
    char *uploaded_by;
    char *key;
    char *file;
    int batch;
    int64 us;
    TimestampTz done_at; // when its script finished
    ArrayType *offsets;  // statement byte ranges (NULL: run as a whole)
    bool down;           // a down script (rollback), named so in an error's context
    // rollback of a non-transactional migration whose first up statement failed: nothing of
    // it ran, so nothing is undone (its down script would undo what is not there)
    bool nothing_ran;
    // the key (bytea) and the checksum (text) of the script that runs, as datums of the SPI
    // rows: the checksum is verified before the script runs, and both go into the bookkeeping
    Datum vkey;
    Datum checksum;
    bool ends_transaction; // adds an enum label: what follows may need a commit (apply only)
};

// PM011 unless a migration of version key kd (text datum of the sort key literal) was uploaded;
// target is the version as the caller wrote it.
void check_known(Datum kd, const char *target);

// The pending migrations (mig.pending, the one definition) in order: all (has_key false), up to
// kd, or exactly kd. Texts are copied into cxt; with copy_scripts the script and checksum
// datums too, otherwise they stay in SPI_tuptable (a 50 MB script is not copied: W4).
Todo *read_pending(Datum kd, bool has_key, bool exact, bool copy_scripts, int *n,
                   MemoryContext cxt);

// Runs each migration's script (up or down) through SPI as the caller, timing it; first
// verifies that the text is the one whose checksum was stored (PM012 otherwise).
void run_todos(Todo *todo, int n);

// PM012 unless `sql` hashes to the checksum stored with it (what runs is what was checked).
void verify_checksum(const Todo *t, const char *sql);

// One row (version, name, action, batch, duration) of mig.apply's / mig.rollback's result.
// batch < 0 and us < 0 are NULL.
void put_row(ReturnSetInfo *rsi, const char *version, const char *name, const char *action,
             int batch, int64 us);

// The next batch number (mig.state.last_batch + 1). Inside a BookkeepingScope.
int new_batch();

Datum microseconds(int64 us);
Datum text_array(char **items, int n);
Datum int8_array(int64 *items, int n);

} // namespace mig
