// runner.cpp: runs migration SQL. PG zone.
#include "sha256_small.hpp" // common/, pure C++: before any PostgreSQL header

#include "runner.hpp"

#include "lock_retry.hpp"
#include "pg_boundary.hpp"
#include "script.hpp"

namespace mig {

// Runs sql[start, end) (sql[end] is temporarily '\0'; `saved` is the byte that belongs there),
// statement `stmt_no` of the script; in a subtransaction retried after lock timeouts when
// lock_retry_wanted() (lock_retry.hpp).
static void run_piece(char *sql, int start, int end, char saved, const ScriptSite &site,
                      int stmt_no) {
    const char *stmt = sql + start;
    MemoryContext cxt = CurrentMemoryContext;
    PG_TRY();
    {
        int rc = lock_retry_wanted(stmt) ? execute_retrying(stmt, site, stmt_no)
                                         : SPI_execute(stmt, false, 0);
        if (rc == SPI_ERROR_TRANSACTION)
            ereport(ERROR,
                    (errcode(kErrNonTransactional),
                     errmsg("transaction control statements cannot run inside mig.apply"),
                     errhint("Such a migration is non-transactional; run it with pgmig up.")));
        if (rc == SPI_ERROR_COPY)
            ereport(ERROR,
                    (errcode(kErrUnsupportedStatement),
                     errmsg("COPY FROM STDIN and COPY TO STDOUT are not supported in migrations")));
        if (rc < 0)
            elog(ERROR, "pgmig: SPI_execute failed: %s", SPI_result_code_string(rc));
        SPI_freetuptable(SPI_tuptable);
    }
    PG_CATCH();
    {
        MemoryContextSwitchTo(cxt);
        ErrorData *ed = CopyErrorData();
        FlushErrorState();
        char *piece = pnstrdup(sql + start, end - start);
        sql[end] = saved; // report positions against the whole script
        decorate_script_error(ed, sql, piece, start, 0, site);
        ReThrowError(ed);
    }
    PG_END_TRY();
}

static int running_depth = 0; // > 0 while migration SQL runs

bool migration_running() {
    return running_depth > 0;
}

static void run_script_inner(char *sql, ArrayType *offsets, const ScriptSite &site);

void run_script(char *sql, ArrayType *offsets, const ScriptSite &site) {
    running_depth++;
    PG_TRY();
    { run_script_inner(sql, offsets, site); }
    PG_FINALLY();
    { running_depth--; }
    PG_END_TRY();
}

static void run_statements(char *sql, ArrayType *offsets, const ScriptSite &site);

// The script's own lock_timeout (a `-- pgmig:lock-timeout=` directive) holds while it runs.
static void run_script_inner(char *sql, ArrayType *offsets, const ScriptSite &site) {
    int nest = begin_lock_directive(sql, site);
    run_statements(sql, offsets, site);
    end_lock_directive(nest);
}

static void run_statements(char *sql, ArrayType *offsets, const ScriptSite &site) {
    if (offsets == nullptr) {
        run_piece(sql, 0, (int)strlen(sql), '\0', site, 1);
        return;
    }
    // the ranges are read from storage: one-dimensional int4, no NULLs, in bounds
    if (ARR_NDIM(offsets) > 1 || ARR_HASNULL(offsets) || ARR_ELEMTYPE(offsets) != INT4OID)
        elog(ERROR, "pgmig: invalid statement offsets");
    int n = ArrayGetNItems(ARR_NDIM(offsets), ARR_DIMS(offsets)) / 2;
    const int32 *o = (const int32 *)ARR_DATA_PTR(offsets);
    int len = (int)strlen(sql);
    for (int i = 0; i < n; i++) {
        int start = o[2 * (size_t)i], end = o[2 * (size_t)i + 1];
        if (start < 0 || end < start || end > len)
            elog(ERROR, "pgmig: invalid statement offsets");
        char saved = sql[end];
        sql[end] = '\0';
        run_piece(sql, start, end, saved, site, i + 1);
        sql[end] = saved;
        CHECK_FOR_INTERRUPTS();
    }
}

void sha256_hex(const char *data, size_t len, char out[65]) {
    uint8 digest[32];
    if (len < 4096) { // small scripts: no OpenSSL context to set up (sha256_small.hpp)
        sha256_small(data, len, digest);
        sha256_to_hex(digest, out);
        return;
    }
    pg_cryptohash_ctx *ctx = pg_cryptohash_create(PG_SHA256);
    if (ctx == nullptr || pg_cryptohash_init(ctx) < 0 ||
        pg_cryptohash_update(ctx, (const uint8 *)data, len) < 0 ||
        pg_cryptohash_final(ctx, digest, sizeof digest) < 0) {
        const char *why = ctx ? pg_cryptohash_error(ctx) : "out of memory";
        pg_cryptohash_free(ctx);
        elog(ERROR, "pgmig: could not compute SHA-256: %s", why);
    }
    pg_cryptohash_free(ctx);
    sha256_to_hex(digest, out);
}

} // namespace mig
