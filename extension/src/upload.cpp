// upload.cpp: mig.upload and mig.upload_many. PG zone (deploy.hpp).
// Internal SQL: constant, fully qualified, parameters only, prepared once per backend, run in a
// BookkeepingScope (as the extension's owner, restricted search_path: bookkeeping.hpp).
#include "deploy.hpp"

#include "bookkeeping.hpp"
#include "options.hpp"
#include "pg_boundary.hpp"
#include "rows.hpp"
#include "runner.hpp"
#include "script.hpp"
#include "spi.hpp"
#include "todo.hpp"
#include "upload_row.hpp"

namespace mig {

static const char *const SQL_EXISTING =
    "SELECT m.name, m.up_checksum, m.down_checksum, m.transactional, m.statements, "
    "       a.vkey IS NOT NULL, coalesce(a.complete, false), m.ends_transaction, "
    "       m.uploaded_by OPERATOR(pg_catalog.<>) $2 "
    "FROM mig.migration m LEFT JOIN mig.applied a ON a.vkey OPERATOR(pg_catalog.=) m.vkey "
    "WHERE m.vkey OPERATOR(pg_catalog.=) $1::pg_catalog.bytea";

// The same text uploaded by another role: the caller holds it, so it is now the caller's to
// run (mig.vouch's bookkeeping, logged as a vouch).
static const char *const SQL_VOUCH =
    "SELECT pg_catalog.count(*)::pg_catalog.int4 FROM mig._vouch($1, ARRAY[$2], ARRAY[$3], "
    "ARRAY[$4])";

// the columns that SQL_INSERT sets, in its order ($1 .. $17)
static const char *const STORE_COLUMNS[kStoreColumns] = {
    "vkey",          "version",         "name",
    "up_sql",        "down_sql",        "up_checksum",
    "down_checksum", "transactional",   "down_transactional",
    "statements",    "down_statements", "ends_transaction",
    "options",       "up_stmts",        "down_stmts",
    "uploaded_by",   "down_error"};

static const char *const SQL_INSERT =
    "INSERT INTO mig.migration (vkey, version, name, up_sql, down_sql, up_checksum, down_checksum, "
    "  transactional, down_transactional, statements, down_statements, ends_transaction, "
    "  options, up_stmts, down_stmts, uploaded_by, down_error) "
    "VALUES ($1::pg_catalog.bytea, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, "
    "$15, $16, $17)";

// the bulk form of SQL_INSERT (mig.upload_many): rows of mig.migration whose key is new to the
// table and to the batch, as one array of its row type (rows.hpp). No ON CONFLICT: its
// speculative insertion cost ~11,000 instructions a row.
static const char *const SQL_INSERT_MANY =
    "INSERT INTO mig.migration SELECT u.* FROM pg_catalog.unnest($1::mig.migration[]) u";

// $1 the keys of a mig.upload_many batch: the (1-based) positions of those already stored
static const char *const SQL_STORED_KEYS =
    "SELECT k.o::pg_catalog.int4 "
    "FROM ROWS FROM (pg_catalog.unnest($1::pg_catalog.text[])) WITH ORDINALITY AS k(key, o) "
    "WHERE EXISTS (SELECT 1 FROM mig.migration m "
    "              WHERE m.vkey OPERATOR(pg_catalog.=) k.key::pg_catalog.bytea)";

static const char *const SQL_REPLACE =
    "UPDATE mig.migration SET version = $2, name = $3, up_sql = $4, down_sql = $5, "
    "  up_checksum = $6, down_checksum = $7, transactional = $8, down_transactional = $9, "
    "  statements = $10, down_statements = $11, ends_transaction = $12, options = $13, "
    "  up_stmts = $14, down_stmts = $15, uploaded_by = $16, down_error = $17, "
    "  uploaded_at = pg_catalog.now() "
    "WHERE vkey OPERATOR(pg_catalog.=) $1::pg_catalog.bytea";

static Oid p_insert_many_type[1];
static SPIPlanPtr p_insert_many, p_stored_keys, p_existing, p_insert, p_replace, p_vouch;

static const Oid T_EXISTING[] = {TEXTOID, NAMEOID};
static const Oid T_KEYS[] = {TEXTARRAYOID};
static const Oid T_VOUCH[] = {NAMEOID, TEXTOID, TEXTOID, TEXTOID};
static const Oid T_STORE[] = {TEXTOID,  TEXTOID,      TEXTOID,      TEXTOID, TEXTOID, TEXTOID,
                              TEXTOID,  BOOLOID,      BOOLOID,      INT4OID, INT4OID, BOOLOID,
                              JSONBOID, INT4ARRAYOID, INT4ARRAYOID, NAMEOID, JSONBOID};

static bool same_str(const char *a, const char *b) {
    if (a == nullptr || b == nullptr)
        return a == b;
    return strcmp(a, b) == 0;
}

// The same scripts, stored by another role: now the caller's (SQL_VOUCH).
static void vouch_unchanged(UploadRow *w, const char *up_ck) {
    Datum v[4] = {w->caller->role, CStringGetTextDatum(w->a->version), CStringGetTextDatum(up_ck),
                  w->down ? CStringGetTextDatum(w->down_ck) : (Datum)0};
    char n[5] = {' ', ' ', ' ', w->down ? ' ' : 'n', '\0'};
    spi::exec(spi::plan(&p_vouch, SQL_VOUCH, 4, T_VOUCH), v, n, false, 0, SPI_OK_SELECT, "vouch");
}

static void refuse_conflict(UploadRow *w, UploadResult *r, const char *old_name, const char *old_up,
                            const char *old_down, bool applied) {
    const UploadArgs *a = w->a;
    bool up_same = strcmp(old_up, r->checksum) == 0;
    if (applied)
        ereport(ERROR,
                (errcode(kErrAppliedChanged),
                 errmsg("checksum mismatch for applied migration %s (%s): applied %s script %s, "
                        "new %s",
                        a->version, old_name, up_same ? "down" : "up",
                        up_same ? (old_down ? old_down : "(none)") : old_up,
                        up_same ? (a->down_null ? "(none)" : w->down_ck) : r->checksum),
                 errhint("An applied migration must not be edited; write a new migration "
                         "instead.")));
    ereport(ERROR,
            (errcode(kErrPendingChanged),
             errmsg("pending migration %s (%s) was uploaded with a different "
                    "script: stored %s, new %s",
                    a->version, old_name, up_same ? (old_down ? old_down : "(no down)") : old_up,
                    up_same ? (a->down_null ? "(no down)" : w->down_ck) : r->checksum),
             errhint("Pass options {\"replace\": true} to replace it.")));
}

// Compares with the stored migration of the same version, if any (*exists). True when that
// settles the upload (unchanged: r is filled in); raises PM001/PM002/PM010 for a conflict.
// Inside a BookkeepingScope.
static bool upload_existing(UploadRow *w, UploadResult *r, bool *exists, MemoryContext cxt) {
    const UploadArgs *a = w->a;
    Datum pv[2] = {w->key, w->caller->role};
    spi::exec(spi::plan(&p_existing, SQL_EXISTING, 2, T_EXISTING), pv, nullptr, false, 1,
              SPI_OK_SELECT, "existing migration");
    *exists = SPI_processed == 1;
    if (!*exists)
        return false;
    char *old_name = spi::get_text(0, 1, cxt);
    char *old_up = spi::get_text(0, 2, cxt);
    char *old_down = spi::get_text(0, 3, cxt);
    bool old_tx = spi::get_bool(0, 4);
    int old_n = spi::get_int(0, 5);
    bool has_applied = spi::get_bool(0, 6);
    bool complete = spi::get_bool(0, 7);
    bool old_ends = spi::get_bool(0, 8);
    bool other_uploader = spi::get_bool(0, 9);
    if (strcmp(old_name, a->name) != 0)
        ereport(ERROR, (errcode(kErrDuplicateVersion),
                        errmsg("duplicate version %s: already uploaded as \"%s\", now named \"%s\"",
                               a->version, old_name, a->name),
                        errhint("Two migrations whose versions compare equal cannot coexist.")));
    bool up_same = strcmp(old_up, r->checksum) == 0;
    bool down_same = same_str(old_down, a->down_null ? nullptr : w->down_ck);
    if (up_same && down_same) {
        if (other_uploader)
            vouch_unchanged(w, old_up);
        r->action = "unchanged";
        r->transactional = old_tx;
        r->statements = old_n;
        r->ends_transaction = old_ends;
        r->applied = has_applied && complete;
        return true;
    }
    if (has_applied || !w->replace)
        refuse_conflict(w, r, old_name, old_up, old_down, has_applied);
    return false;
}

// Inserts the row, or replaces the stored migration of the same version. Inside a
// BookkeepingScope.
static void upload_store(UploadRow *w, bool exists) {
    if (exists)
        spi::exec(spi::plan(&p_replace, SQL_REPLACE, kStoreColumns, T_STORE), w->v, w->n, false, 0,
                  SPI_OK_UPDATE, "replace migration");
    else
        spi::exec(spi::plan(&p_insert, SQL_INSERT, kStoreColumns, T_STORE), w->v, w->n, false, 0,
                  SPI_OK_INSERT, "insert migration");
}

void upload_pg(const UploadArgs *a, UploadResult *r) {
    Caller caller = capture_caller();
    deploy_lock(true);
    MemoryContext cxt = CurrentMemoryContext;
    UploadRow *w = (UploadRow *)palloc(sizeof(UploadRow));
    upload_begin(a, &caller, w, r);
    BookkeepingScope bk = begin_bookkeeping(caller);
    bool exists;
    bool settled = upload_existing(w, r, &exists, cxt);
    end_bookkeeping(bk);
    if (settled)
        return;
    upload_analyze(w, r);
    bk = begin_bookkeeping(caller);
    upload_store(w, exists);
    end_bookkeeping(bk);
    r->action = exists ? "replaced" : "uploaded";
}

// The rows w[rows[0..nrows)] of mig.migration as one array of its row type (SQL_INSERT_MANY),
// with uploaded_at as SQL_INSERT's column default would give it.
static Datum migration_rows(const UploadRow *w, const int *rows, int nrows, Oid *arraytype) {
    RowArray a;
    rows_begin(&a, "migration", nrows);
    int col[kStoreColumns];
    for (int c = 0; c < kStoreColumns; c++)
        col[c] = rows_column(&a, STORE_COLUMNS[c]);
    int at = rows_column(&a, "uploaded_at");
    Datum now = TimestampTzGetDatum(GetCurrentTransactionStartTimestamp());
    for (int i = 0; i < nrows; i++) {
        const UploadRow *row = &w[rows[i]];
        for (int c = 0; c < kStoreColumns; c++)
            if (row->n[c] != 'n')
                rows_set(&a, col[c], row->v[c]);
        // the key goes as bytea, not as the text of its literal (SQL_INSERT casts $1)
        rows_set(&a, col[0], DirectFunctionCall1(byteain, CStringGetDatum(row->a->key)));
        rows_set(&a, at, now);
        rows_add(&a);
    }
    *arraytype = a.arraytype;
    return rows_finish(&a);
}

static int compare_keys(const void *a, const void *b, void *arg) {
    const UploadArgs *args = (const UploadArgs *)arg;
    int x = *(const int *)a, y = *(const int *)b;
    int c = strcmp(args[x].key, args[y].key);
    return c != 0 ? c : (x > y) - (x < y);
}

// Marks in known[] the uploads of the batch whose key is stored already, or repeats an earlier
// upload's key of the same batch: those go the one-by-one way. Inside a BookkeepingScope.
static void mark_known_keys(const UploadArgs *args, int nargs, bool *known) {
    int *order = (int *)palloc(sizeof(int) * nargs);
    for (int i = 0; i < nargs; i++)
        order[i] = i;
    qsort_arg(order, nargs, sizeof(int), compare_keys, (void *)args);
    for (int i = 1; i < nargs; i++)
        if (strcmp(args[order[i]].key, args[order[i - 1]].key) == 0)
            known[order[i]] = true;
    char **keys = (char **)palloc(sizeof(char *) * nargs);
    for (int i = 0; i < nargs; i++)
        keys[i] = const_cast<char *>(args[i].key);
    Datum kd = text_array(keys, nargs);
    spi::exec(spi::plan(&p_stored_keys, SQL_STORED_KEYS, 1, T_KEYS), &kd, nullptr, false, 0,
              SPI_OK_SELECT, "stored keys");
    for (uint64 k = 0; k < SPI_processed; k++) {
        int pos = spi::get_int((int)k, 1);
        if (pos >= 1 && pos <= nargs)
            known[pos - 1] = true;
    }
}

// The new migrations of the batch with one INSERT. Inside a BookkeepingScope.
static void insert_fresh(const UploadRow *w, const bool *known, int nargs) {
    int *fresh = (int *)palloc(sizeof(int) * nargs);
    int nfresh = 0;
    for (int i = 0; i < nargs; i++)
        if (!known[i])
            fresh[nfresh++] = i;
    if (nfresh == 0)
        return;
    Oid type;
    Datum rows = migration_rows(w, fresh, nfresh, &type);
    spi::exec(spi::plan_typed(&p_insert_many, p_insert_many_type, SQL_INSERT_MANY, 1, &type), &rows,
              nullptr, false, 0, SPI_OK_INSERT, "insert migrations");
}

static void put_upload_rows(ReturnSetInfo *rsi, const UploadArgs *args, const UploadResult *r,
                            int nargs) {
    for (int i = 0; i < nargs; i++) {
        Datum v[8] = {CStringGetTextDatum(args[i].version),
                      CStringGetTextDatum(args[i].name),
                      CStringGetTextDatum(r[i].action),
                      BoolGetDatum(r[i].transactional),
                      Int32GetDatum(r[i].statements),
                      CStringGetTextDatum(r[i].checksum),
                      BoolGetDatum(r[i].ends_transaction),
                      r[i].down_error ? JsonbPGetDatum(r[i].down_error) : (Datum)0};
        bool nulls[8] = {false, false, false, false, false, false, false, !r[i].down_error};
        tuplestore_putvalues(rsi->setResult, rsi->setDesc, v, nulls);
    }
}

void upload_many_pg(ReturnSetInfo *rsi, const UploadArgs *args, int nargs) {
    Caller caller = capture_caller();
    deploy_lock(true);
    MemoryContext cxt = CurrentMemoryContext;
    UploadRow *w = (UploadRow *)palloc(sizeof(UploadRow) * (nargs > 0 ? nargs : 1));
    UploadResult *r = (UploadResult *)palloc0(sizeof(UploadResult) * (nargs > 0 ? nargs : 1));
    // every script is checked first: one bad script and nothing is stored
    for (int i = 0; i < nargs; i++) {
        upload_begin(&args[i], &caller, &w[i], &r[i]);
        upload_analyze(&w[i], &r[i]);
        r[i].action = "uploaded";
    }
    if (nargs > 0) {
        bool *known = (bool *)palloc0(sizeof(bool) * nargs);
        BookkeepingScope bk = begin_bookkeeping(caller);
        mark_known_keys(args, nargs, known);
        insert_fresh(w, known, nargs);
        // the others go the one-by-one way: unchanged, replaced, or a clear error
        for (int i = 0; i < nargs; i++) {
            if (!known[i])
                continue;
            bool exists;
            if (upload_existing(&w[i], &r[i], &exists, cxt))
                continue;
            upload_store(&w[i], exists);
            r[i].action = exists ? "replaced" : "uploaded";
        }
        end_bookkeeping(bk);
    }
    put_upload_rows(rsi, args, r, nargs);
}

} // namespace mig
