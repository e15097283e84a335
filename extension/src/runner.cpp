// runner.cpp: runs migration SQL. PG zone.
#include "runner.hpp"

#include "pg_boundary.hpp"
#include "script.hpp"

namespace mig {

static const char *g_run_sql = nullptr;  // script being run by run_script (innermost)
static int g_stmt_loc = -1;              // byte offset of its statement that started last

static ExecutorStart_hook_type prev_executor_start = nullptr;
static post_parse_analyze_hook_type prev_post_parse_analyze = nullptr;

static void runner_post_parse_analyze(ParseState *pstate, Query *query, JumbleState *jstate) {
    if (g_run_sql && pstate->p_sourcetext == g_run_sql) g_stmt_loc = query->stmt_location;
    if (prev_post_parse_analyze) prev_post_parse_analyze(pstate, query, jstate);
}
static ProcessUtility_hook_type prev_process_utility = nullptr;

static void runner_executor_start(QueryDesc *qd, int eflags) {
    if (g_run_sql && qd->sourceText == g_run_sql && qd->plannedstmt)
        g_stmt_loc = qd->plannedstmt->stmt_location;
    if (prev_executor_start)
        prev_executor_start(qd, eflags);
    else
        standard_ExecutorStart(qd, eflags);
}

static void runner_process_utility(PlannedStmt *pstmt, const char *queryString, bool readOnlyTree,
                                   ProcessUtilityContext context, ParamListInfo params,
                                   QueryEnvironment *queryEnv, DestReceiver *dest,
                                   QueryCompletion *qc) {
    if (g_run_sql && queryString == g_run_sql) g_stmt_loc = pstmt->stmt_location;
    if (prev_process_utility)
        prev_process_utility(pstmt, queryString, readOnlyTree, context, params, queryEnv, dest, qc);
    else
        standard_ProcessUtility(pstmt, queryString, readOnlyTree, context, params, queryEnv, dest, qc);
}

void install_runner_hooks() {
    prev_post_parse_analyze = post_parse_analyze_hook;
    post_parse_analyze_hook = runner_post_parse_analyze;
    prev_executor_start = ExecutorStart_hook;
    ExecutorStart_hook = runner_executor_start;
    prev_process_utility = ProcessUtility_hook;
    ProcessUtility_hook = runner_process_utility;
}

void run_script(const char *sql, const char *version, const char *name, const char *file) {
    const char *save_sql = g_run_sql;
    int save_loc = g_stmt_loc;
    MemoryContext cxt = CurrentMemoryContext;
    g_run_sql = sql;
    g_stmt_loc = -1;
    PG_TRY();
    {
        int rc = SPI_execute(sql, false, 0);
        if (rc == SPI_ERROR_TRANSACTION)
            ereport(ERROR, (errcode(PM004),
                            errmsg("transaction control statements cannot run inside mig.apply"),
                            errhint("Such a migration is non-transactional; run it with pgmig up.")));
        if (rc == SPI_ERROR_COPY)
            ereport(ERROR, (errcode(PM008), errmsg("COPY FROM STDIN and COPY TO STDOUT are not supported in migrations")));
        if (rc < 0) elog(ERROR, "pgmig: SPI_execute failed: %s", SPI_result_code_string(rc));
        SPI_freetuptable(SPI_tuptable);
    }
    PG_CATCH();
    {
        int loc = g_stmt_loc;
        g_run_sql = save_sql;
        g_stmt_loc = save_loc;
        MemoryContextSwitchTo(cxt);
        ErrorData *ed = CopyErrorData();
        FlushErrorState();
        decorate_script_error(ed, sql, 0, false, loc, version, name, file);
        ReThrowError(ed);
    }
    PG_END_TRY();
    g_run_sql = save_sql;
    g_stmt_loc = save_loc;
}

void sha256_hex(const char *data, size_t len, char out[65]) {
    static const char hex[] = "0123456789abcdef";
    uint8 digest[32];
    pg_cryptohash_ctx *ctx = pg_cryptohash_create(PG_SHA256);
    if (ctx == nullptr || pg_cryptohash_init(ctx) < 0 ||
        pg_cryptohash_update(ctx, (const uint8 *) data, len) < 0 ||
        pg_cryptohash_final(ctx, digest, sizeof digest) < 0) {
        const char *why = ctx ? pg_cryptohash_error(ctx) : "out of memory";
        pg_cryptohash_free(ctx);
        elog(ERROR, "pgmig: could not compute SHA-256: %s", why);
    }
    pg_cryptohash_free(ctx);
    for (int i = 0; i < 32; i++) {
        out[2 * i] = hex[digest[i] >> 4];
        out[2 * i + 1] = hex[digest[i] & 0xf];
    }
    out[64] = '\0';
}

}  // namespace mig
