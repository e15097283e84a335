// verify.cpp: mig.verify, proven rollbacks (verify.hpp; docs/safety.md). PG zone.
#include "verify.hpp"

#include "deploy.hpp"
#include "pg_boundary.hpp"
#include "spi.hpp"
#include "todo.hpp"
#include "uploader.hpp"
#include "verify_fingerprint.hpp"

namespace mig {

static const char *const SQL_KNOWN =
    "SELECT 1 FROM mig.migration m WHERE m.vkey OPERATOR(pg_catalog.=) $1::pg_catalog.bytea";

// The pending migrations (mig.pending) up to $1 (NULL: all), with both scripts; the last
// column says that a migration is below $2, the first version to verify (applied first only).
static const char *const SQL_TO_VERIFY =
    "SELECT p.version, p.name, p.up_sql, p.transactional AND NOT p.started, "
    "       p.uploaded_by::pg_catalog.text, p.vkey, p.options OPERATOR(pg_catalog.->>) 'file', "
    "       p.up_stmts, p.up_checksum, m.down_sql, m.down_transactional, "
    "       m.options OPERATOR(pg_catalog.->>) 'down_file', m.down_stmts, m.down_checksum, "
    "       m.down_error IS NOT NULL, p.started, "
    "       $2::pg_catalog.bytea IS NOT NULL AND p.vkey OPERATOR(pg_catalog.<) "
    "$2::pg_catalog.bytea "
    "FROM mig.pending p JOIN mig.migration m ON m.vkey OPERATOR(pg_catalog.=) p.vkey "
    "WHERE $1::pg_catalog.bytea IS NULL OR p.vkey OPERATOR(pg_catalog.<=) $1::pg_catalog.bytea "
    "ORDER BY p.vkey";

static SPIPlanPtr p_known, p_to_verify;
static const Oid T1[] = {TEXTOID};
static const Oid T2[] = {TEXTOID, TEXTOID};

// What one mig.verify runs: `setup` ups first (below the range: applied, not verified), then
// the `n` migrations verified, up[i] and down[i] the scripts of the i-th.
struct VerifyRun {
    Caller caller;
    MemoryContext cxt;
    Todo *setup;
    int nsetup;
    Todo *up, *down, *down_reversed;
    int n;
    VerifyRows rows; // the range's results, in order
    VerifyRows tail; // after them: the first unverifiable migration and those after it
};

static void check_known(const char *key, const char *version) {
    Datum kd = CStringGetTextDatum(key);
    spi::exec(spi::plan(&p_known, SQL_KNOWN, 1, T1), &kd, nullptr, false, 1, SPI_OK_SELECT,
              "known version");
    if (SPI_processed == 0)
        ereport(ERROR, (errcode(kErrUnknownVersion), errmsg("unknown version \"%s\"", version),
                        errhint("mig.status() lists the uploaded migrations.")));
}

// Why row i of SQL_TO_VERIFY cannot be verified inside one rolled-back transaction (NULL: it can).
static const char *unverifiable_reason(int i) {
    if (spi::get_bool(i, 16))
        return "partially applied (non-transactional): it cannot run again inside a transaction";
    if (!spi::get_bool(i, 4))
        return "non-transactional: it cannot run inside the transaction that verify rolls back";
    bool isnull;
    (void)spi::get_datum(i, 10, &isnull);
    if (isnull)
        return "no down script";
    if (spi::get_bool(i, 15))
        return "its down script does not parse";
    if (!spi::get_bool(i, 11))
        return "its down script is non-transactional";
    return nullptr;
}

static void read_up(Todo *t, int i, MemoryContext cxt) {
    bool isnull;
    t->version = spi::get_text(i, 1, cxt);
    t->name = spi::get_text(i, 2, cxt);
    t->sql = spi::get_datum(i, 3, &t->sql_null);
    t->ok = spi::get_bool(i, 4);
    t->uploaded_by = spi::get_text(i, 5, cxt);
    t->vkey = spi::get_datum(i, 6, &isnull);
    t->file = spi::get_text(i, 7, cxt);
    Datum od = spi::get_datum(i, 8, &isnull);
    t->offsets = isnull ? nullptr : DatumGetArrayTypePCopy(od);
    t->checksum = spi::get_datum(i, 9, &isnull);
}

static void read_down(Todo *t, const Todo &up, int i, MemoryContext cxt) {
    bool isnull;
    *t = up;
    t->down = true;
    t->sql = spi::get_datum(i, 10, &t->sql_null);
    t->file = spi::get_text(i, 12, cxt);
    Datum od = spi::get_datum(i, 13, &isnull);
    t->offsets = isnull ? nullptr : DatumGetArrayTypePCopy(od);
    t->checksum = spi::get_datum(i, 14, &isnull);
}

// A migration below the range must run (it is applied first): PM004 when it cannot.
static void check_setup(const Todo &t) {
    if (!t.ok)
        ereport(ERROR, (errcode(kErrNonTransactional),
                        errmsg("migration %s (%s) is non-transactional and cannot run inside "
                               "mig.verify",
                               t.version, t.name),
                        errdetail("It is pending below the first version to verify, so it would "
                                  "be applied first."),
                        errhint("Apply it (pgmig up --to %s), then verify the rest.", t.version)));
}

// Reads the pending migrations; verifies those of the range up to the first that cannot be
// (it gets a "not verifiable" row, those after it "not verified").
static void read_run(VerifyRun *run, const VerifyRequest &req) {
    Datum pv[2] = {req.to_key ? CStringGetTextDatum(req.to_key) : (Datum)0,
                   req.from_key ? CStringGetTextDatum(req.from_key) : (Datum)0};
    char pn[3] = {req.to_key ? ' ' : 'n', req.from_key ? ' ' : 'n', '\0'};
    spi::exec(spi::plan(&p_to_verify, SQL_TO_VERIFY, 2, T2), pv, pn, false, 0, SPI_OK_SELECT,
              "migrations to verify");
    int total = (int)SPI_processed;
    size_t sz = sizeof(Todo) * (total > 0 ? total : 1);
    run->setup = (Todo *)palloc0(sz);
    run->up = (Todo *)palloc0(sz);
    run->down = (Todo *)palloc0(sz);
    run->nsetup = run->n = 0;
    const char *stopped_at = nullptr;
    for (int i = 0; i < total; i++) {
        Todo t{};
        read_up(&t, i, run->cxt);
        if (spi::get_bool(i, 17)) {
            check_setup(t);
            run->setup[run->nsetup++] = t;
            continue;
        }
        const char *reason = stopped_at ? nullptr : unverifiable_reason(i);
        if (stopped_at || reason) {
            verify_rows_add(&run->tail,
                            {t.version, t.name, stopped_at ? "not verified" : "not verifiable",
                             nullptr, nullptr, nullptr, nullptr, nullptr,
                             stopped_at
                                 ? psprintf("comes after %s, which is not verifiable", stopped_at)
                                 : reason});
            if (!stopped_at)
                stopped_at = t.version;
            continue;
        }
        run->up[run->n] = t;
        read_down(&run->down[run->n], t, i, run->cxt);
        run->n++;
    }
    run->down_reversed = (Todo *)palloc0(sz);
    for (int i = 0; i < run->n; i++)
        run->down_reversed[i] = run->down[run->n - 1 - i];
}

// PM007 unless the caller may run every script of the run (mig.apply's rule).
static void check_trust(const VerifyRun &run, bool trust) {
    for (int i = 0; i < run.nsetup; i++)
        check_uploader(run.caller.user, run.setup[i].uploaded_by, run.setup[i].version,
                       run.setup[i].name, trust);
    for (int i = 0; i < run.n; i++)
        check_uploader(run.caller.user, run.up[i].uploaded_by, run.up[i].version, run.up[i].name,
                       trust);
}

// An error of a down script (or of an up run again) that says nothing about the script: a
// cancel, a shutdown, a lack of memory or of lock table slots. It ends mig.verify, as it would
// end mig.apply, instead of counting as a failed verification (and starting the slower
// migration by migration run).
static ErrorData *unless_environmental(ErrorData *e) {
    if (e && (ERRCODE_TO_CATEGORY(e->sqlerrcode) == ERRCODE_INSUFFICIENT_RESOURCES ||
              ERRCODE_TO_CATEGORY(e->sqlerrcode) == ERRCODE_OPERATOR_INTERVENTION ||
              ERRCODE_TO_CATEGORY(e->sqlerrcode) == ERRCODE_PROGRAM_LIMIT_EXCEEDED))
        ReThrowError(e);
    return e;
}

// The whole range at once, in a subtransaction that the caller rolls back: true when the downs
// restore the first fingerprint and the ups again give the second. An error of the first ups
// propagates (mig.apply would fail the same way); one of the downs or of the second ups is a
// failed verification.
static bool verify_whole(VerifyRun *run) {
    run_todos(run->setup, run->nsetup);
    char *h0 = fingerprint_hash(run->caller, run->cxt);
    run_todos(run->up, run->n);
    char *h1 = fingerprint_hash(run->caller, run->cxt);
    if (unless_environmental(
            in_subtransaction([&]() noexcept { run_todos(run->down_reversed, run->n); }, true)))
        return false;
    if (strcmp(h0, fingerprint_hash(run->caller, run->cxt)) != 0)
        return false;
    if (unless_environmental(
            in_subtransaction([&]() noexcept { run_todos(run->up, run->n); }, true)))
        return false;
    return strcmp(h1, fingerprint_hash(run->caller, run->cxt)) == 0;
}

// An error of a down script or of an up run again, as a row.
static void add_error_row(VerifyRun *run, int i, const char *phase, const ErrorData *e) {
    verify_rows_add(&run->rows,
                    {run->up[i].version, run->up[i].name, "error", phase, nullptr, nullptr, nullptr,
                     nullptr, psprintf("%s: %s", unpack_sql_state(e->sqlerrcode), e->message)});
}

// Migration i alone: up, down (must restore), up again (must give the same). True when it
// passes; otherwise its rows are added.
static bool verify_one(VerifyRun *run, int i) {
    const Todo &u = run->up[i];
    FingerprintRows before = fingerprint_rows(run->caller, run->cxt);
    run_todos(&run->up[i], 1);
    FingerprintRows after_up = fingerprint_rows(run->caller, run->cxt);
    if (ErrorData *e = unless_environmental(
            in_subtransaction([&]() noexcept { run_todos(&run->down[i], 1); }, true))) {
        add_error_row(run, i, "down", e);
        return false;
    }
    if (add_differences(&run->rows, run->caller, before, u.version, u.name, "down") > 0)
        return false;
    if (ErrorData *e = unless_environmental(
            in_subtransaction([&]() noexcept { run_todos(&run->up[i], 1); }, true))) {
        add_error_row(run, i, "up again", e);
        return false;
    }
    return add_differences(&run->rows, run->caller, after_up, u.version, u.name, "up again") == 0;
}

// Migration by migration (after a failed verify_whole, or asked for), to name the first that
// fails. Rows:
// "ok" for those before it, its differences, "not verified" for those after it.
static void verify_each(VerifyRun *run, bool after_whole) {
    run_todos(run->setup, run->nsetup);
    int i = 0;
    for (; i < run->n; i++) {
        if (!verify_one(run, i))
            break;
        verify_rows_add(&run->rows, {run->up[i].version, run->up[i].name, "ok", nullptr, nullptr,
                                     nullptr, nullptr, nullptr, nullptr});
    }
    if (i == run->n && after_whole) // rare: each passes alone
        verify_rows_add(&run->rows,
                        {nullptr, nullptr, "differs", nullptr, nullptr, nullptr, nullptr, nullptr,
                         "each migration's down restores what its up did, but the downs of all "
                         "of them together do not (or the ups run again differ)"});
    for (int k = i + 1; k < run->n; k++)
        verify_rows_add(&run->rows, {run->up[k].version, run->up[k].name, "not verified", nullptr,
                                     nullptr, nullptr, nullptr, nullptr,
                                     psprintf("comes after %s, which failed", run->up[i].version)});
}

// Under the deploy lock (taken in verify_pg's subtransaction, so that it is released when
// mig.verify returns): what to verify, read after any deploy in progress has committed, then
// the range as a whole and, only when that fails (or with `each`), migration by migration.
static void verify_locked(VerifyRun *run, const VerifyRequest &req) {
    deploy_lock(true);
    BookkeepingScope bk = begin_bookkeeping(run->caller);
    if (req.to_key)
        check_known(req.to_key, req.to_version);
    if (req.from_key)
        check_known(req.from_key, req.from_version);
    read_run(run, req);
    end_bookkeeping(bk);
    check_trust(*run, req.trust);
    if (run->n == 0)
        return;
    if (run->n + run->nsetup >= spi::kLargeBatch)
        spi::drop_plans();
    bool ok = false;
    if (!req.each)
        if (ErrorData *e = in_subtransaction([&]() noexcept { ok = verify_whole(run); }, false))
            ReThrowError(e);
    if (ok) {
        for (int i = 0; i < run->n; i++)
            verify_rows_add(&run->rows, {run->up[i].version, run->up[i].name, "ok", nullptr,
                                         nullptr, nullptr, nullptr, nullptr, nullptr});
        return;
    }
    if (ErrorData *e = in_subtransaction([&]() noexcept { verify_each(run, !req.each); }, false))
        ReThrowError(e);
}

void verify_pg(ReturnSetInfo *rsi, const VerifyRequest &req) {
    VerifyRun run{};
    run.cxt = CurrentMemoryContext;
    run.caller = capture_caller();
    verify_rows_init(&run.rows, run.cxt);
    verify_rows_init(&run.tail, run.cxt);
    if (ErrorData *e = in_subtransaction([&]() noexcept { verify_locked(&run, req); }, false))
        ReThrowError(e);
    verify_rows_put(&run.rows, rsi);
    verify_rows_put(&run.tail, rsi);
}

} // namespace mig
