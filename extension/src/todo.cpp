// todo.cpp: running a batch's scripts, and the result rows. PG zone.
#include "todo.hpp"

#include "pg_boundary.hpp"
#include "progress.hpp"
#include "runner.hpp"
#include "spi.hpp"

namespace mig {

static const char *const SQL_NEW_BATCH = "UPDATE mig.state s SET last_batch = s.last_batch "
                                         "OPERATOR(pg_catalog.+) 1 RETURNING s.last_batch";
static SPIPlanPtr p_new_batch;

static const char *const SQL_KNOWN =
    "SELECT 1 FROM mig.migration m WHERE m.vkey OPERATOR(pg_catalog.=) $1::pg_catalog.bytea";

// $1 NULL: all; $2 exact
static const char *const SQL_PENDING =
    "SELECT p.version, p.name, p.up_sql, p.transactional, p.uploaded_by::pg_catalog.text, "
    "       p.vkey, p.options OPERATOR(pg_catalog.->>) 'file', p.up_stmts, p.up_checksum, "
    "       p.ends_transaction "
    "FROM mig.pending p "
    "WHERE $1::pg_catalog.bytea IS NULL OR CASE WHEN $2 "
    "        THEN p.vkey OPERATOR(pg_catalog.=) $1::pg_catalog.bytea "
    "        ELSE p.vkey OPERATOR(pg_catalog.<=) $1::pg_catalog.bytea END "
    "ORDER BY p.vkey";

static SPIPlanPtr p_known, p_pending;
static const Oid T_KNOWN[] = {TEXTOID};
static const Oid T_PENDING[] = {TEXTOID, BOOLOID};

void check_known(Datum kd, const char *target) {
    spi::exec(spi::plan(&p_known, SQL_KNOWN, 1, T_KNOWN), &kd, nullptr, false, 1, SPI_OK_SELECT,
              "known version");
    if (SPI_processed == 0)
        ereport(ERROR, (errcode(kErrUnknownVersion), errmsg("unknown version \"%s\"", target),
                        errhint("mig.status() lists the uploaded migrations.")));
}

static Datum copied(Datum d, bool isnull, MemoryContext cxt) {
    if (isnull)
        return (Datum)0;
    MemoryContext old = MemoryContextSwitchTo(cxt);
    Datum c = datumCopy(d, false, -1);
    MemoryContextSwitchTo(old);
    return c;
}

Todo *read_pending(Datum kd, bool has_key, bool exact, bool copy_scripts, int *n,
                   MemoryContext cxt) {
    Datum pv[2] = {kd, BoolGetDatum(exact)};
    char pn[3] = {has_key ? ' ' : 'n', ' ', '\0'};
    spi::exec(spi::plan(&p_pending, SQL_PENDING, 2, T_PENDING), pv, pn, false, 0, SPI_OK_SELECT,
              "pending migrations");
    *n = (int)SPI_processed;
    Todo *todo = (Todo *)MemoryContextAllocZero(cxt, sizeof(Todo) * (*n > 0 ? *n : 1));
    for (int i = 0; i < *n; i++) {
        Todo &t = todo[i];
        bool isnull, key_null, sum_null;
        t.version = spi::get_text(i, 1, cxt);
        t.name = spi::get_text(i, 2, cxt);
        t.sql = spi::get_datum(i, 3, &t.sql_null);
        t.ok = spi::get_bool(i, 4);
        t.uploaded_by = spi::get_text(i, 5, cxt);
        Datum vkey = spi::get_datum(i, 6, &key_null);
        t.vkey = copied(vkey, key_null, cxt);
        t.file = spi::get_text(i, 7, cxt);
        Datum od = spi::get_datum(i, 8, &isnull);
        if (!isnull) {
            MemoryContext old = MemoryContextSwitchTo(cxt);
            t.offsets = DatumGetArrayTypePCopy(od);
            MemoryContextSwitchTo(old);
        }
        t.checksum = spi::get_datum(i, 9, &sum_null);
        t.ends_transaction = spi::get_bool(i, 10);
        if (copy_scripts) {
            t.sql = copied(t.sql, t.sql_null, cxt);
            t.checksum = copied(t.checksum, sum_null, cxt);
        }
    }
    return todo;
}

int new_batch() {
    spi::exec(spi::plan(&p_new_batch, SQL_NEW_BATCH, 0, nullptr), nullptr, nullptr, false, 0,
              SPI_OK_UPDATE_RETURNING, "new batch");
    if (SPI_processed != 1)
        elog(ERROR, "pgmig: mig.state has no row");
    return spi::get_int(0, 1);
}

// What runs is what was checked: the stored text must still hash to its stored checksum.
void verify_checksum(const Todo *t, const char *sql) {
    char actual[65];
    sha256_hex(sql, strlen(sql), actual);
    char *expected = TextDatumGetCString(t->checksum);
    if (strcmp(actual, expected) != 0)
        ereport(ERROR,
                (errcode(kErrStoredScriptChanged),
                 errmsg("stored %s script of migration %s (%s) does not match its checksum",
                        t->down ? "down" : "up", t->version, t->name),
                 errdetail("Stored checksum %s, the text's %s. Nothing was run.", expected, actual),
                 errhint("Somebody changed mig.migration outside pgmig; see mig.log and "
                         "docs/security.md.")));
}

void run_todos(Todo *todo, int n) {
    for (int i = 0; i < n; i++) {
        TimestampTz t0 = GetCurrentTimestamp();
        if (todo[i].nothing_ran) {
            todo[i].done_at = t0;
            todo[i].us = 0;
            continue;
        }
        char *sql = text_to_cstring(DatumGetTextPP(todo[i].sql));
        verify_checksum(&todo[i], sql);
        progress_start(todo[i]);
        run_script(sql, todo[i].offsets,
                   {todo[i].version, todo[i].name, todo[i].file, todo[i].down});
        pfree(sql);
        todo[i].done_at = GetCurrentTimestamp();
        todo[i].us = todo[i].done_at - t0;
        if (todo[i].us < 0)
            todo[i].us = 0;
        progress_end(todo[i]);
    }
    progress_done();
}

Datum microseconds(int64 us) {
    Interval *iv = (Interval *)palloc0(sizeof(Interval));
    iv->time = us;
    return IntervalPGetDatum(iv);
}

void put_row(ReturnSetInfo *rsi, const char *version, const char *name, const char *action,
             int batch, int64 us) {
    Datum values[5];
    bool nulls[5] = {version == nullptr, name == nullptr, false, batch < 0, us < 0};
    values[0] = version ? CStringGetTextDatum(version) : (Datum)0;
    values[1] = name ? CStringGetTextDatum(name) : (Datum)0;
    values[2] = CStringGetTextDatum(action);
    values[3] = batch >= 0 ? Int32GetDatum(batch) : (Datum)0;
    values[4] = us >= 0 ? microseconds(us) : (Datum)0;
    tuplestore_putvalues(rsi->setResult, rsi->setDesc, values, nulls);
}

Datum text_array(char **items, int n) {
    Datum *d = (Datum *)palloc(sizeof(Datum) * (n > 0 ? n : 1));
    for (int i = 0; i < n; i++)
        d[i] = CStringGetTextDatum(items[i]);
    return PointerGetDatum(construct_array(d, n, TEXTOID, -1, false, TYPALIGN_INT));
}

Datum int8_array(int64 *items, int n) {
    Datum *d = (Datum *)palloc(sizeof(Datum) * (n > 0 ? n : 1));
    for (int i = 0; i < n; i++)
        d[i] = Int64GetDatum(items[i]);
    return PointerGetDatum(construct_array(d, n, INT8OID, 8, FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
}

} // namespace mig
