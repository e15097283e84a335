// repeatable.cpp: mig.apply_repeatable. PG zone (deploy.hpp).
// A repeatable migration's SQL is passed by the caller in the same call, so it is the caller's
// own: no uploader check.
#include "deploy.hpp"

#include "bookkeeping.hpp"
#include "options.hpp"
#include "pg_boundary.hpp"
#include "runner.hpp"
#include "script.hpp"
#include "spi.hpp"
#include "todo.hpp"

namespace mig {

static const char *const SQL_REPEATABLE_GET =
    "SELECT r.checksum, r.batch FROM mig.repeatable r WHERE r.name OPERATOR(pg_catalog.=) $1";

// $1 name, $2 script, $3 checksum, $4 options, $5 batch, $6 duration (us), $7 the caller
static const char *const SQL_REPEATABLE_PUT =
    "WITH up AS (INSERT INTO mig.repeatable AS r (name, up_sql, checksum, options, batch, "
    "   duration, applied_by) "
    "   VALUES ($1, $2, $3, $4, $5, $6::pg_catalog.float8 OPERATOR(pg_catalog.*) "
    "           '1 microsecond'::pg_catalog.interval, $7) "
    "   ON CONFLICT (name) DO UPDATE SET up_sql = excluded.up_sql, checksum = excluded.checksum, "
    "     options = excluded.options, batch = excluded.batch, duration = excluded.duration, "
    "     applied_at = pg_catalog.now(), applied_by = excluded.applied_by) "
    "INSERT INTO mig.log (action, version, name, batch, duration, checksum, role) "
    "VALUES ('apply', NULL, $1, $5, $6::pg_catalog.float8 OPERATOR(pg_catalog.*) "
    "        '1 microsecond'::pg_catalog.interval, $3, $7)";

static SPIPlanPtr p_rep_get, p_rep_put;
static const Oid T1[] = {TEXTOID};
static const Oid T_REP_PUT[] = {TEXTOID, TEXTOID, TEXTOID, JSONBOID, INT4OID, INT8OID, NAMEOID};

// The batch of the last run when it ran with this checksum; -1 when it must run.
static int applied_batch(Datum name, const char *ck) {
    spi::exec(spi::plan(&p_rep_get, SQL_REPEATABLE_GET, 1, T1), &name, nullptr, false, 1,
              SPI_OK_SELECT, "repeatable");
    if (SPI_processed != 1)
        return -1;
    char *old = spi::get_text(0, 1, CurrentMemoryContext);
    return strcmp(old, ck) == 0 ? spi::get_int(0, 2) : -1;
}

static ScriptInfo analyze_repeatable(const char *name, char *sql, int len, const char *file,
                                     Jsonb *options) {
    ScriptInfo si = analyze_script(sql, len, {nullptr, name, file, false});
    if (si.copy_stmt)
        ereport(ERROR, (errcode(kErrUnsupportedStatement), errmsg("repeatable migration %s: COPY FROM STDIN / TO "
                                               "STDOUT is not supported (statement %d)",
                                               name, si.copy_stmt)));
    if (!si.transactional || !opt_bool(options, "transaction", true))
        ereport(ERROR, (errcode(kErrNonTransactional), errmsg("repeatable migration %s is non-transactional and "
                                               "cannot run inside mig.apply_repeatable",
                                               name)));
    if (si.wrapped)
        ereport(WARNING,
                (errmsg("repeatable migration %s: the script's own BEGIN/COMMIT wrapper is ignored",
                        name)));
    return si;
}

void repeatable_pg(ReturnSetInfo *rsi, const char *name, Datum up, Jsonb *options) {
    Caller caller = capture_caller();
    deploy_lock(true);
    require_object(options);
    char *file = opt_str(options, "file");
    char *sql = text_to_cstring(DatumGetTextPP(up));
    int len = (int)strlen(sql);
    char ck[65];
    sha256_hex(sql, len, ck);

    Datum nd = CStringGetTextDatum(name);
    BookkeepingScope bk = begin_bookkeeping(caller);
    int done_batch = applied_batch(nd, ck);
    end_bookkeeping(bk);
    if (done_batch >= 0) {
        put_row(rsi, nullptr, name, "skipped", done_batch, -1);
        return;
    }

    ScriptInfo si = analyze_repeatable(name, sql, len, file, options);
    bk = begin_bookkeeping(caller);
    int batch = new_batch();
    end_bookkeeping(bk);

    TimestampTz t0 = GetCurrentTimestamp();
    run_script(sql, statement_offsets(&si), {nullptr, name, file, false});
    int64 us = GetCurrentTimestamp() - t0;
    if (us < 0)
        us = 0;

    bk = begin_bookkeeping(caller);
    Datum v[7] = {nd,
                  up,
                  CStringGetTextDatum(ck),
                  options ? JsonbPGetDatum(options)
                          : DirectFunctionCall1(jsonb_in, CStringGetDatum("{}")),
                  Int32GetDatum(batch),
                  Int64GetDatum(us),
                  caller.role};
    spi::exec(spi::plan(&p_rep_put, SQL_REPEATABLE_PUT, 7, T_REP_PUT), v, nullptr, false, 0,
              SPI_OK_INSERT, "record repeatable");
    end_bookkeeping(bk);
    put_row(rsi, nullptr, name, "applied", batch, us);
}

} // namespace mig
