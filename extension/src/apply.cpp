// apply.cpp: mig.apply. PG zone (deploy.hpp).
#include "deploy.hpp"

#include "bookkeeping.hpp"
#include "pg_boundary.hpp"
#include "rows.hpp"
#include "spi.hpp"
#include "todo.hpp"
#include "uploader.hpp"

namespace mig {

static const char *const SQL_SKIPPED = "SELECT a.batch FROM mig.applied a WHERE a.vkey "
                                       "OPERATOR(pg_catalog.=) $1::pg_catalog.bytea";

// $1 the batch's mig.applied rows, $2 its mig.log rows, both built from SQL_PENDING's rows and
// the runs' timings (apply_rows): recording needs no lookup of mig.migration, and no column
// default is evaluated 1,000 times. The log's ids follow the order of the migrations.
static const char *const SQL_RECORD_APPLY =
    "WITH ins AS (INSERT INTO mig.applied SELECT a.* FROM pg_catalog.unnest($1::mig.applied[]) a) "
    "INSERT INTO mig.log (at, action, version, name, batch, duration, checksum, role, client_addr, "
    "  application_name) "
    "SELECT l.at, l.action, l.version, l.name, l.batch, l.duration, l.checksum, l.role, "
    "  l.client_addr, l.application_name "
    "FROM pg_catalog.unnest($2::mig.log[]) WITH ORDINALITY AS l ORDER BY l.ordinality";

static Oid p_record_apply_types[2];
static SPIPlanPtr p_skipped, p_record_apply;
static const Oid T1[] = {TEXTOID};

// The client's address as mig.log records it (inet_client_addr(): NULL over a Unix socket).
static bool client_addr(Datum *out) {
    LOCAL_FCINFO(fc, 0);
    InitFunctionCallInfoData(*fc, nullptr, 0, InvalidOid, nullptr, nullptr);
    *out = inet_client_addr(fc);
    return !fc->isnull;
}

// The batch's mig.applied rows.
static Datum applied_rows(const Todo *todo, int n, int batch, const Caller &caller, Oid *type) {
    Datum now = TimestampTzGetDatum(GetCurrentTransactionStartTimestamp());
    Datum run = CStringGetTextDatum("run");
    RowArray a;
    rows_begin(&a, "applied", n);
    int vkey = rows_column(&a, "vkey"), c_batch = rows_column(&a, "batch"),
        at = rows_column(&a, "applied_at"), by = rows_column(&a, "applied_by"),
        duration = rows_column(&a, "duration"), checksum = rows_column(&a, "checksum"),
        method = rows_column(&a, "method"), complete = rows_column(&a, "complete"),
        failed = rows_column(&a, "failed");
    for (int i = 0; i < n; i++) {
        rows_set(&a, vkey, todo[i].vkey);
        rows_set(&a, c_batch, Int32GetDatum(batch));
        rows_set(&a, at, now);
        rows_set(&a, by, caller.role);
        rows_set(&a, duration, microseconds(todo[i].us));
        rows_set(&a, checksum, todo[i].checksum);
        rows_set(&a, method, run);
        rows_set(&a, complete, BoolGetDatum(true));
        rows_set(&a, failed, BoolGetDatum(false));
        rows_add(&a);
    }
    *type = a.arraytype;
    return rows_finish(&a);
}

// The batch's mig.log rows: role and application_name are the caller's, captured before any
// migration ran; the client's address is the server's to say.
static Datum log_rows(const Todo *todo, int n, int batch, const Caller &caller, Oid *type) {
    Datum app = CStringGetTextDatum(caller.application_name);
    Datum addr;
    bool have_addr = client_addr(&addr);
    Datum apply = CStringGetTextDatum("apply");
    RowArray l;
    rows_begin(&l, "log", n);
    int at = rows_column(&l, "at"), action = rows_column(&l, "action"),
        version = rows_column(&l, "version"), name = rows_column(&l, "name"),
        c_batch = rows_column(&l, "batch"), duration = rows_column(&l, "duration"),
        checksum = rows_column(&l, "checksum"), role = rows_column(&l, "role"),
        c_addr = rows_column(&l, "client_addr"), c_app = rows_column(&l, "application_name");
    for (int i = 0; i < n; i++) {
        rows_set(&l, at, TimestampTzGetDatum(todo[i].done_at));
        rows_set(&l, action, apply);
        rows_set(&l, version, CStringGetTextDatum(todo[i].version));
        rows_set(&l, name, CStringGetTextDatum(todo[i].name));
        rows_set(&l, c_batch, Int32GetDatum(batch));
        rows_set(&l, duration, microseconds(todo[i].us));
        rows_set(&l, checksum, todo[i].checksum);
        rows_set(&l, role, caller.role);
        if (have_addr)
            rows_set(&l, c_addr, addr);
        rows_set(&l, c_app, app);
        rows_add(&l);
    }
    *type = l.arraytype;
    return rows_finish(&l);
}

static void record_apply(const Todo *todo, int n, int batch, const Caller &caller) {
    Datum rv[2];
    Oid types[2];
    rv[0] = applied_rows(todo, n, batch, caller, &types[0]);
    rv[1] = log_rows(todo, n, batch, caller, &types[1]);
    spi::exec(spi::plan_typed(&p_record_apply, p_record_apply_types, SQL_RECORD_APPLY, 2, types),
              rv, nullptr, false, 0, SPI_OK_INSERT, "record applied");
}

// Refuses, before anything runs, a batch with a non-transactional migration (PM004) or with
// SQL the caller may not run (PM007).
static void check_runnable(const Todo *todo, int n, const Caller &caller, bool trust) {
    for (int i = 0; i < n; i++)
        if (!todo[i].ok)
            ereport(
                ERROR,
                (errcode(kErrNonTransactional),
                 errmsg("migration %s (%s) is non-transactional and cannot run inside mig.apply",
                        todo[i].version, todo[i].name),
                 errdetail("Nothing was applied."),
                 i > 0
                     ? errhint(
                           "Apply up to %s with mig.apply('%s'), commit, then run %s with pgmig up "
                           "(statement by statement, outside a transaction block).",
                           todo[i - 1].version, todo[i - 1].version, todo[i].version)
                     : errhint("Run it with pgmig up (statement by statement, outside a "
                               "transaction block).")));
    for (int i = 0; i < n; i++)
        if (i == 0 || strcmp(todo[i].uploaded_by, todo[i - 1].uploaded_by) != 0)
            check_uploader(caller.user, todo[i].uploaded_by, todo[i].version, todo[i].name, trust);
}

void apply_pg(ReturnSetInfo *rsi, const char *key, const char *target, const char *name,
              bool exact, bool trust) {
    MemoryContext cxt = CurrentMemoryContext;
    Caller caller = capture_caller();
    deploy_lock(true);
    BookkeepingScope bk = begin_bookkeeping(caller);
    Datum kd = key ? CStringGetTextDatum(key) : (Datum)0;
    if (key && !exact)
        check_known(kd, target);
    int n;
    Todo *todo = read_pending(kd, key != nullptr, exact, false, &n, cxt);
    if (n == 0 && exact) {
        spi::exec(spi::plan(&p_skipped, SQL_SKIPPED, 1, T1), &kd, nullptr, false, 1, SPI_OK_SELECT,
                  "applied migration");
        int b = SPI_processed == 1 ? spi::get_int(0, 1) : -1;
        end_bookkeeping(bk);
        put_row(rsi, target, name, "skipped", b, -1);
        return;
    }
    check_runnable(todo, n, caller, trust);
    int batch = n > 0 ? new_batch() : -1;
    end_bookkeeping(bk);
    if (n == 0)
        return;

    if (n >= spi::kLargeBatch)
        spi::drop_plans();
    run_todos(todo, n);

    bk = begin_bookkeeping(caller);
    record_apply(todo, n, batch, caller);
    end_bookkeeping(bk);
    for (int i = 0; i < n; i++)
        put_row(rsi, todo[i].version, todo[i].name, "applied", batch, todo[i].us);
}

} // namespace mig
