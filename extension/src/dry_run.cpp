// dry_run.cpp: mig.dry_run, the lock report: every pending migration, statement by statement,
// inside one subtransaction that is always rolled back. PG zone (dry_run.hpp).
#include "dry_run.hpp"

#include "bookkeeping.hpp"
#include "deploy.hpp"
#include "pg_boundary.hpp"
#include "runner.hpp"
#include "script.hpp"
#include "spi.hpp"
#include "subtransaction.hpp"
#include "todo.hpp"
#include "uploader.hpp"

namespace mig {

// One row of the report (NULL columns: -1, nullptr).
struct ReportRow {
    const char *version, *name;
    int stmt_no, line;
    const char *tag, *statement;
    bool executed;
    int64 rows, us;
    const char *relation, *lock_mode;
    int existed, rewrote; // -1 NULL, 0, 1
    int64 size;
    float4 rel_rows; // < 0: NULL
    int flags;
    const char *note;
};

struct Report {
    ReportRow *rows;
    int n, cap;
};

// A new row (in the current memory context) naming version and name, every other column NULL.
static ReportRow *add_row(Report *r, const char *version, const char *name) {
    if (r->n == r->cap) {
        r->cap = r->cap ? 2 * r->cap : 64;
        r->rows = r->rows ? (ReportRow *)repalloc(r->rows, sizeof(ReportRow) * r->cap)
                          : (ReportRow *)palloc(sizeof(ReportRow) * r->cap);
    }
    ReportRow *row = &r->rows[r->n++];
    *row = ReportRow{version, name,    -1, -1, nullptr, nullptr, true, -1,     -1,
                     nullptr, nullptr, -1, -1, -1,      -1,      0,    nullptr};
    return row;
}

// What the whole run shares.
struct RunState {
    Report report;
    LockTracker locks;      // this backend's relation locks
    Snapshot run_snap;      // the catalog before the dry run
    MemoryContext out_cxt;  // the report's rows
    MemoryContext stmt_cxt; // reset after each statement
    ArrayType *range;       // the running statement's byte range, for run_script
};

// --- reading and checking what runs --------------------------------------------------------

// How many of the migrations run: up to the first non-transactional one (which cannot run in
// a transaction), and none after one that adds an enum label (later ones may use the label,
// which needs a commit).
static int runnable_count(const Todo *todo, int n) {
    for (int i = 0; i < n; i++) {
        if (!todo[i].ok)
            return i;
        if (todo[i].ends_transaction)
            return i + 1;
    }
    return n;
}

// The pending migrations up to the target, checked before anything runs: the caller may run
// each one that runs (PM007), as mig.apply checks.
static Todo *pending_checked(const Caller &caller, const char *key, const char *target, bool trust,
                             int *n, int *runs, MemoryContext cxt) {
    BookkeepingScope bk = begin_bookkeeping(caller);
    Datum kd = key ? CStringGetTextDatum(key) : (Datum)0;
    if (key)
        check_known(kd, target);
    Todo *todo = read_pending(kd, key != nullptr, false, true, n, cxt);
    *runs = runnable_count(todo, *n);
    for (int i = 0; i < *runs; i++)
        if (i == 0 || strcmp(todo[i].uploaded_by, todo[i - 1].uploaded_by) != 0)
            check_uploader(caller.user, todo[i].uploaded_by, todo[i].version, todo[i].name, trust);
    end_bookkeeping(bk);
    return todo;
}

// --- one statement -----------------------------------------------------------------------------

// The statement as the report shows it (from its first token, without its semicolon):
// whitespace runs as one space, at most 120 bytes.
static const char *statement_text(const char *s, int len) {
    while (len > 0 && (s[len - 1] == ';' || isspace((unsigned char)s[len - 1])))
        len--;
    StringInfoData b;
    initStringInfo(&b);
    bool space = false;
    for (int i = 0; i < len && b.len < 120; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (ch == ' ' || ch == '\n' || ch == '\r' || ch == '\t' || ch == '\f' || ch == '\v') {
            space = b.len > 0;
            continue;
        }
        if (space)
            appendStringInfoChar(&b, ' ');
        space = false;
        appendStringInfoChar(&b, (char)ch);
    }
    if (b.len >= 120) {
        b.len = pg_mbcliplen(b.data, b.len, 117);
        b.data[b.len] = '\0';
        appendStringInfoString(&b, "...");
    }
    return b.data;
}

// Runs sql[start, end) in a subtransaction of its own, released on success (later statements
// see its effects); an error rolls it back and ends the report (the caller rolls back the rest).
static void run_in_subtransaction(RunState *st, char *sql, int start, int end, const ScriptSite &s,
                                  int64 *us, int64 *rows) {
    int32 *r = (int32 *)ARR_DATA_PTR(st->range);
    r[0] = start;
    r[1] = end;
    TimestampTz t0 = GetCurrentTimestamp();
    if (ErrorData *e = in_subtransaction(
            [&]() noexcept {
                run_script(sql, st->range, s);
                *rows = (int64)SPI_processed;
            },
            true))
        ReThrowError(e);
    *us = GetCurrentTimestamp() - t0;
}

// The modes each mode conflicts with: PostgreSQL's table of lock conflicts for relations (the
// documentation's "Conflicting Lock Modes"), which the lock manager does not export.
static LOCKMASK conflicts_of(LOCKMODE m) {
    static const LOCKMASK table[MaxLockMode + 1] = {
        0,
        LOCKBIT_ON(AccessExclusiveLock),                             // AccessShareLock
        LOCKBIT_ON(ExclusiveLock) | LOCKBIT_ON(AccessExclusiveLock), // RowShareLock
        LOCKBIT_ON(ShareLock) | LOCKBIT_ON(ShareRowExclusiveLock) |  // RowExclusiveLock
            LOCKBIT_ON(ExclusiveLock) | LOCKBIT_ON(AccessExclusiveLock),
        LOCKBIT_ON(ShareUpdateExclusiveLock) | LOCKBIT_ON(ShareLock) | // ShareUpdateExclusiveLock
            LOCKBIT_ON(ShareRowExclusiveLock) | LOCKBIT_ON(ExclusiveLock) |
            LOCKBIT_ON(AccessExclusiveLock),
        LOCKBIT_ON(RowExclusiveLock) | LOCKBIT_ON(ShareUpdateExclusiveLock) | // ShareLock
            LOCKBIT_ON(ShareRowExclusiveLock) | LOCKBIT_ON(ExclusiveLock) |
            LOCKBIT_ON(AccessExclusiveLock),
        LOCKBIT_ON(RowExclusiveLock) |
            LOCKBIT_ON(ShareUpdateExclusiveLock) | // ShareRowExclusiveLock
            LOCKBIT_ON(ShareLock) | LOCKBIT_ON(ShareRowExclusiveLock) | LOCKBIT_ON(ExclusiveLock) |
            LOCKBIT_ON(AccessExclusiveLock),
        LOCKBIT_ON(RowShareLock) | LOCKBIT_ON(RowExclusiveLock) | // ExclusiveLock
            LOCKBIT_ON(ShareUpdateExclusiveLock) | LOCKBIT_ON(ShareLock) |
            LOCKBIT_ON(ShareRowExclusiveLock) | LOCKBIT_ON(ExclusiveLock) |
            LOCKBIT_ON(AccessExclusiveLock),
        LOCKBIT_ON(AccessShareLock) | LOCKBIT_ON(RowShareLock) | // AccessExclusiveLock
            LOCKBIT_ON(RowExclusiveLock) | LOCKBIT_ON(ShareUpdateExclusiveLock) |
            LOCKBIT_ON(ShareLock) | LOCKBIT_ON(ShareRowExclusiveLock) | LOCKBIT_ON(ExclusiveLock) |
            LOCKBIT_ON(AccessExclusiveLock)};
    return m >= 0 && m <= MaxLockMode ? table[m] : 0;
}

// Of the modes a statement took (`taken`), those that make others wait where the modes held
// before (`held`) did not: holding ACCESS EXCLUSIVE, a later ROW EXCLUSIVE changes nothing.
static LOCKMASK new_blocking_modes(LOCKMASK taken, LOCKMASK held) {
    LOCKMASK blocked = 0, out = 0;
    for (LOCKMODE m = 1; m <= MaxLockMode; m++)
        if (held & LOCKBIT_ON(m))
            blocked |= conflicts_of(m);
    for (LOCKMODE m = 1; m <= MaxLockMode; m++)
        if ((taken & LOCKBIT_ON(m)) && (conflicts_of(m) & ~blocked))
            out |= LOCKBIT_ON(m);
    return out;
}

// The strongest of the modes in `mask`.
static LOCKMODE strongest(LOCKMASK mask) {
    for (LOCKMODE m = MaxLockMode; m > 0; m--)
        if (mask & LOCKBIT_ON(m))
            return m;
    return NoLock;
}

// A row for relation `relid` of the statement `base` describes; `fresh`: the modes the statement
// took on it (0: none new, the relation is the statement's target).
static void relation_row(RunState *st, const ReportRow &base, Oid relid, LOCKMASK fresh,
                         const StmtClass &cls, Snapshot before) {
    RelBefore rb;
    relation_before(relid, before, st->run_snap, &rb);
    if (rb.name == nullptr || rb.toast)
        return;
    MemoryContext old = MemoryContextSwitchTo(st->out_cxt);
    ReportRow *row = add_row(&st->report, base.version, base.name);
    *row = base;
    row->relation = pstrdup(rb.name);
    row->lock_mode = fresh ? GetLockmodeName(DEFAULT_LOCKMETHOD, strongest(fresh)) : nullptr;
    row->existed = rb.existed;
    row->size = rb.found ? rb.size : -1;
    row->rel_rows = rb.found ? rb.rows : -1;
    row->rewrote = rb.found ? rb.rewrote : 0;
    bool risky = rb.existed && rb.size > 0; // a table with data from before the deploy
    if (risky && (fresh & LOCKBIT_ON(AccessExclusiveLock)))
        row->flags |= kFlagAccessExclusive;
    if (risky && rb.rewrote && !cls.truncate &&
        (rb.relkind == RELKIND_RELATION || rb.relkind == RELKIND_MATVIEW))
        row->flags |= kFlagRewrite;
    if (risky && relid == cls.target)
        row->flags |= cls.target_flags;
    if (fresh == 0 && row->flags == 0)
        st->report.n--; // a target without a new lock is listed only for its flags
    MemoryContextSwitchTo(old);
}

// The report's rows of one statement that ran: one per relation it locked (and its target),
// or one without a relation.
static void statement_rows(RunState *st, const ReportRow &base, const StmtClass &cls,
                           Snapshot before) {
    LockChange *ch;
    int n = lock_changes(&st->locks, &ch);
    int first = st->report.n;
    bool target_changed = false;
    for (int i = 0; i < n; i++)
        target_changed = target_changed || ch[i].relid == cls.target;
    if (OidIsValid(cls.target) && !target_changed) // its lock held already: listed first
        relation_row(st, base, cls.target, 0, cls, before);
    for (int i = 0; i < n; i++) {
        LOCKMASK fresh = new_blocking_modes(ch[i].now & ~ch[i].before, ch[i].before);
        if (fresh != 0 || ch[i].relid == cls.target)
            relation_row(st, base, ch[i].relid, fresh, cls, before);
    }
    if (st->report.n == first) {
        MemoryContext old = MemoryContextSwitchTo(st->out_cxt);
        *add_row(&st->report, base.version, base.name) = base;
        MemoryContextSwitchTo(old);
    }
}

static void run_statement(RunState *st, const Todo &t, char *sql, int start, int end, int stmt_no,
                          TextWalker *w) {
    Snapshot before = RegisterSnapshot(GetLatestSnapshot());
    ReportRow base{};
    base.version = t.version;
    base.name = t.name;
    base.stmt_no = stmt_no;
    int first = skip_space_and_comments(sql, start, end); // a whole script's leading comments
    w->advance_to(first);
    base.line = w->line;
    base.executed = true;
    base.existed = base.rewrote = -1;
    base.size = -1;
    base.rel_rows = -1;
    run_in_subtransaction(st, sql, start, end, {t.version, t.name, t.file, false}, &base.us,
                          &base.rows);
    MemoryContext old = MemoryContextSwitchTo(st->stmt_cxt);
    char saved = sql[end];
    sql[end] = '\0';
    StmtClass cls;
    classify_statement(sql + start, end - start, &cls);
    MemoryContextSwitchTo(st->out_cxt);
    base.statement = statement_text(sql + first, end - first);
    sql[end] = saved;
    base.tag = cls.tag;
    MemoryContextSwitchTo(st->stmt_cxt);
    statement_rows(st, base, cls, before);
    MemoryContextSwitchTo(old);
    MemoryContextReset(st->stmt_cxt);
    UnregisterSnapshot(before);
}

// --- one migration -----------------------------------------------------------------------------

static void run_migration(RunState *st, Todo &t) {
    char *sql = text_to_cstring(DatumGetTextPP(t.sql));
    verify_checksum(&t, sql);
    TextWalker w(sql);
    int len = (int)strlen(sql);
    // no ranges: the script is one statement (script.hpp, statement_offsets)
    int32 whole[2] = {0, len};
    int n = t.offsets ? ArrayGetNItems(ARR_NDIM(t.offsets), ARR_DIMS(t.offsets)) / 2 : 1;
    const int32 *o = t.offsets ? (const int32 *)ARR_DATA_PTR(t.offsets) : whole;
    if (n == 0) {
        MemoryContext old = MemoryContextSwitchTo(st->out_cxt);
        add_row(&st->report, t.version, t.name)->note = "no statements";
        MemoryContextSwitchTo(old);
    }
    for (int i = 0; i < n; i++) {
        int start = o[2 * (size_t)i], end = o[2 * (size_t)i + 1];
        if (start < 0 || end < start || end > len)
            elog(ERROR, "pgmig: invalid statement offsets");
        run_statement(st, t, sql, start, end, i + 1, &w);
    }
    pfree(sql);
}

// Rows for the migrations that do not run: from `from` on.
static void not_run_rows(RunState *st, const Todo *todo, int from, int n, bool after_enum) {
    MemoryContext old = MemoryContextSwitchTo(st->out_cxt);
    for (int i = from; i < n; i++) {
        ReportRow *row = add_row(&st->report, todo[i].version, todo[i].name);
        row->executed = false;
        row->note = !todo[i].ok  ? "non-transactional: runs outside a transaction, not executed; "
                                   "the report stops here"
                    : after_enum ? "not executed: after a migration that adds an enum label "
                                   "(usable only after a commit)"
                                 : "not executed: after a non-transactional migration";
    }
    MemoryContextSwitchTo(old);
}

// --- the run -------------------------------------------------------------------------------------

static void run_all(RunState *st, const Caller &caller, const char *key, const char *target,
                    bool trust) {
    deploy_lock(true);
    int n, runs;
    Todo *todo = pending_checked(caller, key, target, trust, &n, &runs, st->out_cxt);
    if (runs >= spi::kLargeBatch)
        spi::drop_plans(); // as mig.apply: saved plans slow DDL down (spi.hpp)
    st->run_snap = RegisterSnapshot(GetLatestSnapshot());
    lock_tracker_init(&st->locks, st->out_cxt);
    for (int i = 0; i < runs; i++)
        run_migration(st, todo[i]);
    not_run_rows(st, todo, runs, n, runs > 0 && runs < n && todo[runs - 1].ok && todo[runs - 1].ends_transaction);
    UnregisterSnapshot(st->run_snap);
}

static void put_report(ReturnSetInfo *rsi, const Report &r) {
    for (int i = 0; i < r.n; i++) {
        const ReportRow &x = r.rows[i];
        Datum v[18];
        bool nl[18];
        memset(nl, 0, sizeof nl);
        auto text = [&](int k, const char *s) {
            nl[k] = s == nullptr;
            v[k] = s ? CStringGetTextDatum(s) : (Datum)0;
        };
        text(0, x.version);
        text(1, x.name);
        nl[2] = x.stmt_no < 0, v[2] = Int32GetDatum(x.stmt_no);
        nl[3] = x.line < 0, v[3] = Int32GetDatum(x.line);
        text(4, x.tag);
        text(5, x.statement);
        v[6] = BoolGetDatum(x.executed);
        nl[7] = x.rows < 0, v[7] = Int64GetDatum(x.rows);
        nl[8] = x.us < 0, v[8] = x.us >= 0 ? microseconds(x.us) : (Datum)0;
        text(9, x.relation);
        text(10, x.lock_mode);
        nl[11] = x.existed < 0, v[11] = BoolGetDatum(x.existed > 0);
        nl[12] = x.size < 0, v[12] = Int64GetDatum(x.size);
        nl[13] = x.rel_rows < 0, v[13] = Float4GetDatum(x.rel_rows);
        nl[14] = x.rewrote < 0, v[14] = BoolGetDatum(x.rewrote > 0);
        char *names[kFlagCount], *hints[kFlagCount];
        int nf = 0;
        for (int b = 0; b < kFlagCount; b++)
            if (x.flags & (1 << b)) {
                names[nf] = const_cast<char *>(flag_name(b));
                hints[nf++] = const_cast<char *>(flag_hint(b));
            }
        nl[15] = !x.executed, v[15] = text_array(names, nf);
        nl[16] = !x.executed, v[16] = text_array(hints, nf);
        text(17, x.note);
        tuplestore_putvalues(rsi->setResult, rsi->setDesc, v, nl);
    }
}

void dry_run_pg(ReturnSetInfo *rsi, const char *key, const char *target, bool trust) {
    MemoryContext cxt = CurrentMemoryContext;
    Caller caller = capture_caller();
    RunState st{};
    st.out_cxt = cxt;
    // NOLINTBEGIN(bugprone-implicit-widening-of-multiplication-result)
    st.stmt_cxt = AllocSetContextCreate(cxt, "pgmig dry run statement", ALLOCSET_DEFAULT_SIZES);
    // NOLINTEND(bugprone-implicit-widening-of-multiplication-result)
    Datum zero[2] = {Int32GetDatum(0), Int32GetDatum(0)};
    st.range = construct_array(zero, 2, INT4OID, 4, true, TYPALIGN_INT);
    // Everything, the deploy lock included, happens in this subtransaction, rolled back at the
    // end whatever happens: the report's rows are kept in `cxt`, outside it.
    if (ErrorData *e =
            in_subtransaction([&]() noexcept { run_all(&st, caller, key, target, trust); }, false))
        ReThrowError(e);
    MemoryContextDelete(st.stmt_cxt);
    put_report(rsi, st.report);
}

} // namespace mig
