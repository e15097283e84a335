// rollback.cpp: mig.rollback, mig.rollback_to, mig.rollback_batch. PG zone (deploy.hpp).
#include "deploy.hpp"

#include "bookkeeping.hpp"
#include "pg_boundary.hpp"
#include "spi.hpp"
#include "todo.hpp"
#include "uploader.hpp"

namespace mig {

static const char *const SQL_KNOWN =
    "SELECT 1 FROM mig.migration m WHERE m.vkey OPERATOR(pg_catalog.=) $1::pg_catalog.bytea";

// $1 limit (NULL = all), $2 after key, $3 last batch only
static const char *const SQL_TO_UNDO =
    "SELECT m.version, m.name, m.down_sql, m.down_sql IS NULL, "
    "       m.down_transactional AND a.complete, m.uploaded_by::pg_catalog.text, "
    "       m.vkey::pg_catalog.text, m.options OPERATOR(pg_catalog.->>) 'down_file', a.batch, "
    "       m.down_stmts, "
    "       NOT a.complete AND coalesce(a.statements_done, 0) OPERATOR(pg_catalog.=) 0 "
    "       AND coalesce(a.down_statements_done, 0) OPERATOR(pg_catalog.=) 0, "
    "       m.down_checksum, "
    "       CASE WHEN m.down_error IS NOT NULL THEN pg_catalog.format('%s:%s:%s: %s', "
    "         coalesce(m.down_error OPERATOR(pg_catalog.->>) 'file', 'down script'), "
    "         m.down_error OPERATOR(pg_catalog.->>) 'line', "
    "         m.down_error OPERATOR(pg_catalog.->>) 'column', "
    "         m.down_error OPERATOR(pg_catalog.->>) 'message') END "
    "FROM mig.applied a JOIN mig.migration m ON m.vkey OPERATOR(pg_catalog.=) a.vkey "
    "WHERE ($2::pg_catalog.bytea IS NULL OR a.vkey OPERATOR(pg_catalog.>) "
    "$2::pg_catalog.bytea) "
    "  AND (NOT $3 OR a.batch OPERATOR(pg_catalog.=) (SELECT pg_catalog.max(x.batch) FROM "
    "mig.applied x)) "
    "ORDER BY a.vkey DESC LIMIT $1";

// $1 the keys rolled back, $2 their durations (microseconds), $3 the caller
static const char *const SQL_RECORD_ROLLBACK =
    "WITH u AS (SELECT x.k::pg_catalog.bytea AS vkey, x.us, x.ord "
    "           FROM ROWS FROM (pg_catalog.unnest($1::pg_catalog.text[]), "
    "pg_catalog.unnest($2::pg_catalog.int8[])) "
    "                WITH ORDINALITY AS x(k, us, ord)), "
    "del AS (DELETE FROM mig.applied a USING u WHERE a.vkey OPERATOR(pg_catalog.=) u.vkey "
    "        RETURNING a.vkey, a.batch), "
    // a baselined migration rolled back is no longer there: the baseline moves below it, so
    // that it is pending again (status agrees with the database, and up runs it)
    "lowest AS (SELECT d.vkey FROM del d ORDER BY d.vkey LIMIT 1), "
    "bl AS (UPDATE mig.state s SET baseline = (SELECT m.vkey FROM mig.migration m "
    "        WHERE m.vkey OPERATOR(pg_catalog.<) (SELECT l.vkey FROM lowest l) "
    "        ORDER BY m.vkey DESC LIMIT 1) "
    "        WHERE s.baseline OPERATOR(pg_catalog.>=) (SELECT l.vkey FROM lowest l)) "
    "INSERT INTO mig.log (action, version, name, batch, duration, checksum, role) "
    "SELECT 'rollback', m.version, m.name, d.batch, "
    "       u.us::pg_catalog.float8 OPERATOR(pg_catalog.*) '1 microsecond'::pg_catalog.interval, "
    "       m.down_checksum, $3 "
    "FROM u JOIN del d ON d.vkey OPERATOR(pg_catalog.=) u.vkey "
    "JOIN mig.migration m ON m.vkey OPERATOR(pg_catalog.=) u.vkey ORDER BY u.ord";

static SPIPlanPtr p_known, p_to_undo, p_record_rollback;
static const Oid T1[] = {TEXTOID};
static const Oid T_UNDO[] = {INT8OID, TEXTOID, BOOLOID};
static const Oid T_RECORD[] = {TEXTARRAYOID, INT8ARRAYOID, NAMEOID};

// A known version, or an all-zero version ("0": roll back everything).
static void check_known_or_zero(Datum kd, const char *version) {
    for (const char *p = version; *p; p++)
        if (*p >= '1' && *p <= '9') {
            spi::exec(spi::plan(&p_known, SQL_KNOWN, 1, T1), &kd, nullptr, false, 1,
                      SPI_OK_SELECT, "known version");
            if (SPI_processed == 0)
                ereport(ERROR, (errcode(kErrUnknownVersion), errmsg("unknown version \"%s\"", version),
                                errhint("Use \"0\" to roll back everything.")));
            return;
        }
}

static Todo *read_to_undo(const RollbackRequest &req, Datum kd, int *n, StringInfo missing,
                          StringInfo broken, MemoryContext cxt) {
    Datum pv[3] = {Int64GetDatum(req.steps), kd, BoolGetDatum(req.last_batch)};
    char pn[4] = {req.steps < 0 ? 'n' : ' ', req.after_key ? ' ' : 'n', ' ', '\0'};
    spi::exec(spi::plan(&p_to_undo, SQL_TO_UNDO, 3, T_UNDO), pv, pn, false, 0, SPI_OK_SELECT,
              "migrations to roll back");
    *n = (int)SPI_processed;
    Todo *todo = (Todo *)palloc0(sizeof(Todo) * (*n > 0 ? *n : 1));
    for (int i = 0; i < *n; i++) {
        bool isnull;
        todo[i].version = spi::get_text(i, 1, cxt);
        todo[i].name = spi::get_text(i, 2, cxt);
        todo[i].sql = spi::get_datum(i, 3, &todo[i].sql_null);
        bool nodown = spi::get_bool(i, 4);
        todo[i].ok = spi::get_bool(i, 5);
        todo[i].uploaded_by = spi::get_text(i, 6, cxt);
        todo[i].key = spi::get_text(i, 7, cxt);
        todo[i].file = spi::get_text(i, 8, cxt);
        todo[i].down = true;
        todo[i].batch = spi::get_int(i, 9);
        Datum od = spi::get_datum(i, 10, &isnull);
        todo[i].offsets = isnull ? nullptr : DatumGetArrayTypePCopy(od);
        todo[i].nothing_ran = spi::get_bool(i, 11);
        todo[i].checksum = spi::get_datum(i, 12, &isnull);
        if (todo[i].nothing_ran)
            todo[i].ok = true;
        else if (nodown)
            appendStringInfo(missing, "%s%s (%s)", missing->len ? ", " : "", todo[i].version,
                             todo[i].name);
        else if (char *error = spi::get_text(i, 13, cxt))
            appendStringInfo(broken, "%s%s (%s): %s", broken->len ? "\n" : "", todo[i].version,
                             todo[i].name, error);
    }
    return todo;
}

// Refuses, before anything runs: a missing down script (PM003), one that does not parse
// (PM013), a non-transactional or partial one (PM004), SQL the caller may not run (PM007).
static void check_undoable(const Todo *todo, int n, const StringInfoData &missing,
                           const StringInfoData &broken, const Caller &caller, bool trust) {
    if (missing.len)
        ereport(ERROR, (errcode(kErrNoDownScript), errmsg("no down script for %s", missing.data),
                        errdetail("Nothing was rolled back.")));
    if (broken.len)
        ereport(ERROR,
                (errcode(kErrBrokenDownScript), errmsg("a down script to run does not parse"),
                 errdetail("%s\nNothing was rolled back.", broken.data),
                 errhint("Fix the down file, then replace the stored script: pgmig repair --down "
                         "VERSION, or mig.set_down(version, down_sql, up_checksum).")));
    for (int i = 0; i < n; i++)
        if (!todo[i].ok)
            ereport(ERROR, (errcode(kErrNonTransactional),
                            errmsg("migration %s (%s) has a non-transactional (or partially "
                                   "applied) down and cannot be rolled back inside mig.rollback",
                                   todo[i].version, todo[i].name),
                            errdetail("Nothing was rolled back."),
                            errhint("Roll it back with pgmig down (statement by statement, outside "
                                    "a transaction block).")));
    for (int i = 0; i < n; i++)
        if (!todo[i].nothing_ran)
            check_uploader(caller.user, todo[i].uploaded_by, todo[i].version, todo[i].name,
                           trust);
}

static void record_rollback(const Todo *todo, int n, const Caller &caller) {
    char **keys = (char **)palloc(sizeof(char *) * n);
    int64 *us = (int64 *)palloc(sizeof(int64) * n);
    for (int i = 0; i < n; i++) {
        keys[i] = todo[i].key;
        us[i] = todo[i].us;
    }
    Datum rv[3] = {text_array(keys, n), int8_array(us, n), caller.role};
    spi::exec(spi::plan(&p_record_rollback, SQL_RECORD_ROLLBACK, 3, T_RECORD), rv, nullptr, false,
              0, SPI_OK_INSERT, "record rollback");
}

void rollback_pg(ReturnSetInfo *rsi, const RollbackRequest &req) {
    MemoryContext cxt = CurrentMemoryContext;
    Caller caller = capture_caller();
    deploy_lock(true);
    BookkeepingScope bk = begin_bookkeeping(caller);
    Datum kd = req.after_key ? CStringGetTextDatum(req.after_key) : (Datum)0;
    if (req.after_key)
        check_known_or_zero(kd, req.after_version);
    int n;
    StringInfoData missing, broken;
    initStringInfo(&missing);
    initStringInfo(&broken);
    Todo *todo = read_to_undo(req, kd, &n, &missing, &broken, cxt);
    check_undoable(todo, n, missing, broken, caller, req.trust);
    end_bookkeeping(bk);
    if (n == 0)
        return;

    if (n >= spi::kLargeBatch)
        spi::drop_plans();
    run_todos(todo, n);

    bk = begin_bookkeeping(caller);
    record_rollback(todo, n, caller);
    end_bookkeeping(bk);
    for (int i = 0; i < n; i++)
        put_row(rsi, todo[i].version, todo[i].name, "rolled back", todo[i].batch, todo[i].us);
}

} // namespace mig
