// lock_retry.cpp: the statement-level lock retry and the lock-timeout directive
// (lock_retry.hpp). PG zone.
#include "lock_retry.hpp"

#include "bookkeeping.hpp"
#include "pg_boundary.hpp"
#include "spi.hpp"
#include "subtransaction.hpp"
#include "todo.hpp"

// The scanner's token codes: included here and in repair.cpp only (see there)
extern "C" {
#include "parser/gram.h"
}

namespace mig {

static int g_lock_retries = 0;      // pgmig.lock_retries
static int g_lock_wait_max = 60000; // pgmig.lock_wait_max, ms; 0: only the retries bound it

// The back-off: 0.1 s doubling to 5 s, each wait drawn between half of it and all of it, so
// that deployers retrying at once do not meet again.
constexpr int kFirstBackoffMs = 100;
constexpr int kMaxBackoffMs = 5000;

void lock_retry_init() {
    DefineCustomIntVariable(
        "pgmig.lock_retries",
        "Retries of a migration statement that failed with a lock timeout (0: none).",
        "With a lock_timeout, each statement then runs in a subtransaction of its own.",
        &g_lock_retries, 0, 0, 1000, PGC_USERSET, 0, nullptr, nullptr, nullptr);
    DefineCustomIntVariable(
        "pgmig.lock_wait_max",
        "Longest time one migration statement may spend on attempts and back-off after lock "
        "timeouts (0: bounded by pgmig.lock_retries alone).",
        nullptr, &g_lock_wait_max, 60000, 0, INT_MAX, PGC_USERSET, GUC_UNIT_MS, nullptr, nullptr,
        nullptr);
}

// The words after which a CREATE may name an existing relation (and lock it): a foreign key, a
// LIKE or INHERITS source, a partition's parent, a typed table, CREATE TABLE AS, a sequence's
// owner, a schema's own elements; and ATOMIC (a function body analysed at creation).
static bool names_relation(const char *kind, const char *word) {
    static const char *const kTable[] = {"references", "like",   "inherits", "partition", "of",
                                         "as",         "select", "with",     "execute",   nullptr};
    static const char *const kSequence[] = {"owned", nullptr};
    static const char *const kSchema[] = {"create", "grant", nullptr};
    const char *const *list = strcmp(kind, "table") == 0      ? kTable
                              : strcmp(kind, "sequence") == 0 ? kSequence
                              : strcmp(kind, "schema") == 0   ? kSchema
                                                              : nullptr;
    for (; list && *list; list++)
        if (strcmp(word, *list) == 0)
            return true;
    return false;
}

// True for a statement that can only create objects, never wait for a lock another session
// holds on an existing relation: CREATE [TEMP|UNLOGGED] TABLE / TYPE / DOMAIN / SCHEMA /
// SEQUENCE with none of the words of names_relation. Decided by PostgreSQL's scanner, not the
// grammar (a few microseconds); anything else, or anything unsure, is false. Such statements
// run without a subtransaction (docs/performance.md, "Lock retries"): a lock timeout in one
// (a schema's lock, say) fails the migration as it would without retries.
static bool creates_only(const char *stmt) {
    if (pg_strncasecmp(stmt, "create", 6) != 0)
        return false;
    MemoryContext tmp =
        AllocSetContextCreate(CurrentMemoryContext, "pgmig creates_only", ALLOCSET_SMALL_SIZES);
    MemoryContext old = MemoryContextSwitchTo(tmp);
    core_yy_extra_type extra;
    core_yyscan_t sc = scanner_init(stmt, &extra, &ScanKeywords, ScanKeywordTokens);
    const char *kind = nullptr;
    bool only = false;
    for (int i = 0;; i++) {
        core_YYSTYPE lval;
        YYLTYPE loc;
        int code = core_yylex(&lval, &loc, sc);
        if (code == 0 || code == ';') {
            only = kind != nullptr;
            break;
        }
        bool keyword = code >= ABORT_P; // gram.h: the keywords follow IDENT, SCONST, Op, ...
        if (kind == nullptr) {          // CREATE [OR REPLACE] [TEMP|TEMPORARY|UNLOGGED] kind
            if (!keyword || i > 3)
                break;
            const char *w = lval.keyword;
            if (strcmp(w, "table") == 0 || strcmp(w, "type") == 0 || strcmp(w, "domain") == 0 ||
                strcmp(w, "schema") == 0 || strcmp(w, "sequence") == 0)
                kind = w;
            else if (strcmp(w, "create") != 0 && strcmp(w, "temp") != 0 &&
                     strcmp(w, "temporary") != 0 && strcmp(w, "unlogged") != 0)
                break;
            continue;
        }
        if (keyword && names_relation(kind, lval.keyword))
            break;
    }
    scanner_finish(sc);
    MemoryContextSwitchTo(old);
    MemoryContextDelete(tmp);
    return only;
}

bool lock_retry_wanted(const char *stmt) {
    return g_lock_retries > 0 && LockTimeout > 0 && !creates_only(stmt);
}

// Runs stmt in a subtransaction of its own (the pattern of PL/pgSQL's exec_stmt_block). A lock
// timeout rolls it back (its locks with it) and is returned, copied into the caller's context;
// any other error rolls it back and propagates.
static ErrorData *attempt(const char *stmt, int *rc) {
    int result = 0;
    ErrorData *e =
        in_subtransaction([&]() noexcept { result = SPI_execute(stmt, false, 0); }, true);
    if (e && e->sqlerrcode != ERRCODE_LOCK_NOT_AVAILABLE)
        ReThrowError(e);
    *rc = result;
    return e;
}

// Sleeps ms milliseconds, answering interrupts (a cancel, a terminate, postmaster death).
static void back_off(long ms) {
    TimestampTz end = TimestampTzPlusMilliseconds(GetCurrentTimestamp(), ms);
    for (;;) {
        long left = TimestampDifferenceMilliseconds(GetCurrentTimestamp(), end);
        if (left <= 0)
            break;
        (void)WaitLatch(MyLatch, WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH, left,
                        PG_WAIT_EXTENSION);
        ResetLatch(MyLatch);
        CHECK_FOR_INTERRUPTS();
    }
}

static long jittered(int ms) {
    return ms / 2 + (long)(pg_prng_double(&pg_global_prng_state) * (ms - ms / 2));
}

// "migration 1 (one), statement 2", "migration 1 (one), down script, statement 2",
// "repeatable migration NAME, statement 2".
static char *statement_name(const ScriptSite &site, int stmt_no) {
    if (site.version == nullptr)
        return psprintf("repeatable migration %s, statement %d", site.name ? site.name : "",
                        stmt_no);
    return psprintf("migration %s (%s)%s, statement %d", site.version, site.name ? site.name : "",
                    site.down ? ", down script" : "", stmt_no);
}

static char *held_by(const char *blockers) {
    if (blockers == nullptr)
        return pstrdup("no other session holds a lock on the tables it names (it may have "
                       "waited for a row, or for a lock taken by a function it calls)");
    return psprintf("the locks it needs are held by %s", blockers);
}

static const char *const SQL_LOG_RETRY =
    "INSERT INTO mig.log (action, version, name, duration, role, sqlstate, message) "
    "VALUES ('lock_retry', $1, $2, $3, $4, '55P03', $5)";
static SPIPlanPtr p_log_retry;
static const Oid T_LOG_RETRY[] = {TEXTOID, TEXTOID, INTERVALOID, NAMEOID, TEXTOID};

// One mig.log row 'lock_retry' per failed attempt, as the caller of the pgmig call, written by
// pgmig's owner like the rest of the history (bookkeeping.hpp).
static void log_retry(const ScriptSite &site, int64 us, const char *message) {
    const Caller *caller = current_caller();
    if (caller == nullptr)
        return;
    BookkeepingScope bk = begin_bookkeeping(*caller);
    Datum v[5] = {site.version ? CStringGetTextDatum(site.version) : (Datum)0,
                  CStringGetTextDatum(site.name ? site.name : ""), microseconds(us), caller->role,
                  CStringGetTextDatum(message)};
    char nulls[6] = {site.version ? ' ' : 'n', ' ', ' ', ' ', ' ', '\0'};
    spi::exec(spi::plan(&p_log_retry, SQL_LOG_RETRY, 5, T_LOG_RETRY), v, nulls, false, 0,
              SPI_OK_INSERT, "log lock retry");
    end_bookkeeping(bk);
}

// What one failed attempt tells: a WARNING (the client prints it) and a mig.log row.
static void report_retry(const char *what, int attempt_no, long next_ms, const char *blockers,
                         const ScriptSite &site, int64 attempt_us) {
    char *held = held_by(blockers);
    ereport(WARNING, (errcode(ERRCODE_LOCK_NOT_AVAILABLE),
                      errmsg("pgmig: lock timeout in %s (attempt %d of %d); retrying", what,
                             attempt_no, g_lock_retries + 1),
                      errdetail("While it waited, %s. Next attempt in %.2f s; the statement "
                                "holds no lock meanwhile.",
                                held, (double)next_ms / 1000.0),
                      errhidestmt(true), errhidecontext(true)));
    log_retry(site, attempt_us,
              psprintf("lock timeout in %s (attempt %d of %d): %s", what, attempt_no,
                       g_lock_retries + 1, held));
}

// The last lock timeout, with what was tried in its detail; keeps SQLSTATE 55P03.
[[noreturn]] static void give_up(ErrorData *ed, int attempts, long elapsed_ms,
                                 const char *blockers) {
    char *tried = psprintf("pgmig ran the statement %d time%s in %.1f s (pgmig.lock_retries = %d, "
                           "pgmig.lock_wait_max = %d ms); %s.",
                           attempts, attempts == 1 ? "" : "s", (double)elapsed_ms / 1000.0,
                           g_lock_retries, g_lock_wait_max, held_by(blockers));
    ed->detail = ed->detail ? psprintf("%s\n%s", ed->detail, tried) : tried;
    if (ed->hint == nullptr)
        ed->hint = pstrdup("Deploy again when the sessions named here are done, or allow more "
                           "with --lock-retries and --lock-wait-max (docs/safety.md).");
    ReThrowError(ed);
}

int execute_retrying(const char *stmt, const ScriptSite &site, int stmt_no) {
    TimestampTz first = GetCurrentTimestamp();
    int backoff_ms = kFirstBackoffMs;
    for (int n = 1;; n++) {
        TimestampTz t0 = GetCurrentTimestamp();
        int rc;
        ErrorData *ed = attempt(stmt, &rc);
        if (ed == nullptr)
            return rc;
        TimestampTz now = GetCurrentTimestamp();
        long next_ms = jittered(backoff_ms);
        long elapsed_ms = TimestampDifferenceMilliseconds(first, now);
        char *blockers = describe_blockers(stmt);
        if (n > g_lock_retries || (g_lock_wait_max > 0 && elapsed_ms + next_ms > g_lock_wait_max))
            give_up(ed, n, elapsed_ms, blockers);
        report_retry(statement_name(site, stmt_no), n, next_ms, blockers, site, now - t0);
        FreeErrorData(ed);
        back_off(next_ms);
        backoff_ms = Min(backoff_ms * 2, kMaxBackoffMs);
    }
}

// --- the directive ---------------------------------------------------------------------------

static const char kDirective[] = "pgmig:lock-timeout=";

// The directive's value in the comment lines before the first statement; NULL when none.
static char *directive_value(const char *sql) {
    const char *p = sql;
    for (;;) {
        while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
            p++;
        if (p[0] != '-' || p[1] != '-')
            return nullptr;
        const char *q = p + 2;
        while (*q == ' ' || *q == '\t')
            q++;
        if (strncmp(q, kDirective, sizeof kDirective - 1) == 0) {
            q += sizeof kDirective - 1;
            size_t len = strcspn(q, " \t\r\n");
            return pnstrdup(q, len);
        }
        p = strchr(q, '\n');
        if (p == nullptr)
            return nullptr;
    }
}

int begin_lock_directive(const char *sql, const ScriptSite &site) {
    if (sql[0] != '-' && sql[0] != ' ' && sql[0] != '\t' && sql[0] != '\n' && sql[0] != '\r')
        return -1; // no comment first: the common case costs one comparison
    char *value = directive_value(sql);
    if (value == nullptr)
        return -1;
    int ms;
    const char *hint = nullptr;
    if (!parse_int(value, &ms, GUC_UNIT_MS, &hint) || ms < 0)
        ereport(
            ERROR,
            (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
             errmsg("invalid -- %s%s in %s", kDirective, value,
                    site.version
                        ? psprintf("migration %s (%s)", site.version, site.name ? site.name : "")
                        : psprintf("repeatable migration %s", site.name ? site.name : "")),
             errhint("A time such as 5s, 500ms or 2min; 0 waits for ever.")));
    int nest = NewGUCNestLevel();
    (void)set_config_option("lock_timeout", value, PGC_USERSET, PGC_S_SESSION, GUC_ACTION_SAVE,
                            true, 0, false);
    return nest;
}

void end_lock_directive(int nest) {
    if (nest >= 0)
        AtEOXact_GUC(true, nest);
}

} // namespace mig
