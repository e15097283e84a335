// deploy.cpp: upload, apply, rollback and the deploy lock. PG zone (see deploy.hpp).
// Internal SQL: constant, fully qualified, parameters only, prepared once per backend, run
// under the restricted search_path scope (guc_scope.hpp). User SQL runs outside that scope.
#include "deploy.hpp"

#include "guc_scope.hpp"
#include "rows.hpp"
#include "pg_boundary.hpp"
#include "runner.hpp"
#include "script.hpp"
#include "spi.hpp"

namespace mig {

bool g_trust_uploaders = false;

// ---------------------------------------------------------------------------------------------
// internal SQL
// ---------------------------------------------------------------------------------------------

static const char *const SQL_BUMP =
    "INSERT INTO mig.state AS s (id) VALUES (true) ON CONFLICT (id) DO UPDATE "
    "SET generation = s.generation OPERATOR(pg_catalog.+) 1";

static const char *const SQL_STATE =
    "SELECT s.baseline::pg_catalog.text, s.last_batch FROM mig.state s";

static const char *const SQL_NEW_BATCH = "UPDATE mig.state s SET last_batch = s.last_batch "
                                         "OPERATOR(pg_catalog.+) 1 RETURNING s.last_batch";

static const char *const SQL_EXISTING =
    "SELECT m.name, m.up_checksum, m.down_checksum, m.transactional, m.statements, "
    "       a.vkey IS NOT NULL, coalesce(a.complete, false), m.ends_transaction "
    "FROM mig.migration m LEFT JOIN mig.applied a ON a.vkey OPERATOR(pg_catalog.=) m.vkey "
    "WHERE m.vkey OPERATOR(pg_catalog.=) $1::pg_catalog.bytea";

// the columns that SQL_INSERT sets, in its order ($1 .. $17)
static const char *const STORE_COLUMNS[17] = {"vkey",
                                              "version",
                                              "name",
                                              "up_sql",
                                              "down_sql",
                                              "up_checksum",
                                              "down_checksum",
                                              "up_run",
                                              "down_run",
                                              "transactional",
                                              "down_transactional",
                                              "statements",
                                              "down_statements",
                                              "ends_transaction",
                                              "options",
                                              "up_stmts",
                                              "down_stmts"};

static const char *const SQL_INSERT =
    "INSERT INTO mig.migration (vkey, version, name, up_sql, down_sql, up_checksum, down_checksum, "
    "  up_run, down_run, transactional, down_transactional, statements, down_statements, "
    "  ends_transaction, options, up_stmts, down_stmts) "
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
    "UPDATE mig.migration SET version = $2, name = $3, up_sql = $4, down_sql = $5, up_checksum = "
    "$6, "
    "  down_checksum = $7, up_run = $8, down_run = $9, transactional = $10, down_transactional = "
    "$11, "
    "  statements = $12, down_statements = $13, ends_transaction = $14, options = $15, "
    "  up_stmts = $16, down_stmts = $17, "
    "  uploaded_by = CURRENT_USER, uploaded_at = pg_catalog.now() "
    "WHERE vkey OPERATOR(pg_catalog.=) $1::pg_catalog.bytea";

static const char *const SQL_KNOWN =
    "SELECT 1 FROM mig.migration m WHERE m.vkey OPERATOR(pg_catalog.=) $1::pg_catalog.bytea";

// $1 target key, $2 baseline key, $3 exact
static const char *const SQL_PENDING =
    "SELECT m.version, m.name, coalesce(m.up_run, m.up_sql), m.transactional, "
    "m.uploaded_by::pg_catalog.text, "
    "       m.vkey, m.options OPERATOR(pg_catalog.->>) 'file', m.up_stmts, m.up_checksum "
    "FROM mig.migration m LEFT JOIN mig.applied a ON a.vkey OPERATOR(pg_catalog.=) m.vkey "
    "WHERE (a.vkey IS NULL OR NOT a.complete) "
    "  AND ($2::pg_catalog.bytea IS NULL OR m.vkey OPERATOR(pg_catalog.>) "
    "$2::pg_catalog.bytea) "
    "  AND ($1::pg_catalog.bytea IS NULL OR CASE WHEN $3 "
    "        THEN m.vkey OPERATOR(pg_catalog.=) $1::pg_catalog.bytea "
    "        ELSE m.vkey OPERATOR(pg_catalog.<=) $1::pg_catalog.bytea END) "
    "ORDER BY m.vkey";

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

// $1 limit (NULL = all), $2 after key, $3 last batch only
static const char *const SQL_TO_UNDO =
    "SELECT m.version, m.name, coalesce(m.down_run, m.down_sql), m.down_sql IS NULL, "
    "       m.down_transactional AND a.complete, m.uploaded_by::pg_catalog.text, "
    "m.vkey::pg_catalog.text, "
    "       m.options OPERATOR(pg_catalog.->>) 'down_file', a.batch, m.down_stmts, "
    "       NOT a.complete AND coalesce(a.statements_done, 0) OPERATOR(pg_catalog.=) 0 "
    "       AND coalesce(a.down_statements_done, 0) OPERATOR(pg_catalog.=) 0 "
    "FROM mig.applied a JOIN mig.migration m ON m.vkey OPERATOR(pg_catalog.=) a.vkey "
    "WHERE ($2::pg_catalog.bytea IS NULL OR a.vkey OPERATOR(pg_catalog.>) "
    "$2::pg_catalog.bytea) "
    "  AND (NOT $3 OR a.batch OPERATOR(pg_catalog.=) (SELECT pg_catalog.max(x.batch) FROM "
    "mig.applied x)) "
    "ORDER BY a.vkey DESC LIMIT $1";

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
    "INSERT INTO mig.log (action, version, name, batch, duration, checksum) "
    "SELECT 'rollback', m.version, m.name, d.batch, "
    "       u.us::pg_catalog.float8 OPERATOR(pg_catalog.*) '1 microsecond'::pg_catalog.interval, "
    "m.down_checksum "
    "FROM u JOIN del d ON d.vkey OPERATOR(pg_catalog.=) u.vkey "
    "JOIN mig.migration m ON m.vkey OPERATOR(pg_catalog.=) u.vkey ORDER BY u.ord";

static const char *const SQL_REPEATABLE_GET =
    "SELECT r.checksum, r.batch FROM mig.repeatable r WHERE r.name OPERATOR(pg_catalog.=) $1";

static const char *const SQL_REPEATABLE_PUT =
    "WITH up AS (INSERT INTO mig.repeatable AS r (name, up_sql, checksum, options, batch, "
    "duration) "
    "   VALUES ($1, $2, $3, $4, $5, $6::pg_catalog.float8 OPERATOR(pg_catalog.*) '1 "
    "microsecond'::pg_catalog.interval) "
    "   ON CONFLICT (name) DO UPDATE SET up_sql = excluded.up_sql, checksum = excluded.checksum, "
    "     options = excluded.options, batch = excluded.batch, duration = excluded.duration, "
    "     applied_at = pg_catalog.now(), applied_by = CURRENT_USER) "
    "INSERT INTO mig.log (action, version, name, batch, duration, checksum) "
    "VALUES ('apply', NULL, $1, $5, $6::pg_catalog.float8 OPERATOR(pg_catalog.*) '1 "
    "microsecond'::pg_catalog.interval, $3)";

static Oid p_insert_many_type[1], p_record_apply_types[2];
static SPIPlanPtr p_insert_many, p_stored_keys, p_bump, p_state, p_new_batch, p_existing, p_insert,
    p_replace, p_known, p_pending, p_skipped, p_record_apply, p_to_undo, p_record_rollback,
    p_rep_get, p_rep_put;

static const Oid T1[] = {TEXTOID};
static const Oid T_KEYS[] = {TEXTARRAYOID};
static const Oid T_PENDING[] = {TEXTOID, TEXTOID, BOOLOID};
static const Oid T_RECORD[] = {TEXTARRAYOID, INT8ARRAYOID, INT4OID};
static const Oid T_UNDO[] = {INT8OID, TEXTOID, BOOLOID};
static const Oid T_STORE[] = {TEXTOID, TEXTOID, TEXTOID,  TEXTOID,      TEXTOID,     TEXTOID,
                              TEXTOID, TEXTOID, TEXTOID,  BOOLOID,      BOOLOID,     INT4OID,
                              INT4OID, BOOLOID, JSONBOID, INT4ARRAYOID, INT4ARRAYOID};
static const Oid T_REP_PUT[] = {TEXTOID, TEXTOID, TEXTOID, JSONBOID, INT4OID, INT8OID};

// ---------------------------------------------------------------------------------------------
// helpers
// ---------------------------------------------------------------------------------------------

static JsonbValue *opt_get(Jsonb *jb, const char *key) {
    if (jb == nullptr || !JB_ROOT_IS_OBJECT(jb))
        return nullptr;
    JsonbValue k;
    k.type = jbvString;
    k.val.string.val = const_cast<char *>(key);
    k.val.string.len = (int)strlen(key);
    return findJsonbValueFromContainer(&jb->root, JB_FOBJECT, &k);
}

static bool opt_bool(Jsonb *jb, const char *key, bool dflt) {
    JsonbValue *v = opt_get(jb, key);
    if (v == nullptr || v->type == jbvNull)
        return dflt;
    if (v->type == jbvBool)
        return v->val.boolean;
    if (v->type == jbvString) {
        char *s = pnstrdup(v->val.string.val, v->val.string.len);
        bool out;
        if (parse_bool(s, &out))
            return out;
    }
    ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                    errmsg("option \"%s\" must be a boolean", key)));
    return dflt;
}

static char *opt_str(Jsonb *jb, const char *key) {
    JsonbValue *v = opt_get(jb, key);
    if (v == nullptr || v->type != jbvString)
        return nullptr;
    return pnstrdup(v->val.string.val, v->val.string.len);
}

static void push_string(JsonbParseState **st, JsonbIteratorToken tok, const char *s) {
    JsonbValue v;
    v.type = jbvString;
    v.val.string.val = const_cast<char *>(s);
    v.val.string.len = (int)strlen(s);
    (void)pushJsonbValue(st, tok, &v);
}

// The options stored with an upload: its options, with mig.upload_many's file and down_file
// (when given) as "file" and "down_file". Built directly: parsing the same JSON from text cost
// ~10,000 instructions a migration (W1 sends 1,000 with every deploy).
static Jsonb *stored_options(const UploadArgs *a) {
    if (a->file == nullptr && a->down_file == nullptr)
        return a->options ? a->options
                          : DatumGetJsonbP(DirectFunctionCall1(jsonb_in, CStringGetDatum("{}")));
    JsonbParseState *st = nullptr;
    (void)pushJsonbValue(&st, WJB_BEGIN_OBJECT, nullptr);
    if (a->file) {
        push_string(&st, WJB_KEY, "file");
        push_string(&st, WJB_VALUE, a->file);
    }
    if (a->down_file) {
        push_string(&st, WJB_KEY, "down_file");
        push_string(&st, WJB_VALUE, a->down_file);
    }
    Jsonb *files = JsonbValueToJsonb(pushJsonbValue(&st, WJB_END_OBJECT, nullptr));
    if (a->options == nullptr)
        return files;
    // the files win over keys of the same name in options
    return DatumGetJsonbP(
        DirectFunctionCall2(jsonb_concat, JsonbPGetDatum(a->options), JsonbPGetDatum(files)));
}

static void put_row(ReturnSetInfo *rsi, const char *version, const char *name, const char *action,
                    int batch, int64 us) {
    Datum values[5];
    bool nulls[5] = {false, false, false, false, false};
    if (version)
        values[0] = CStringGetTextDatum(version);
    else
        nulls[0] = true;
    if (name)
        values[1] = CStringGetTextDatum(name);
    else
        nulls[1] = true;
    values[2] = CStringGetTextDatum(action);
    if (batch >= 0)
        values[3] = Int32GetDatum(batch);
    else
        nulls[3] = true;
    if (us >= 0) {
        Interval *iv = (Interval *)palloc0(sizeof(Interval));
        iv->time = us;
        values[4] = IntervalPGetDatum(iv);
    } else {
        nulls[4] = true;
    }
    tuplestore_putvalues(rsi->setResult, rsi->setDesc, values, nulls);
}

static void check_uploader(const char *uploaded_by, const char *version, const char *name) {
    if (g_trust_uploaders || superuser())
        return;
    Oid r = get_role_oid(uploaded_by, true);
    if (OidIsValid(r) && is_member_of_role(GetUserId(), r))
        return;
    ereport(
        ERROR,
        (errcode(PM007),
         errmsg(
             "migration %s (%s) was uploaded by role \"%s\", of which role \"%s\" is not a member",
             version, name, uploaded_by, GetUserNameFromId(GetUserId(), false)),
         errhint(
             "Upload it again as this role, or have a superuser set pgmig.trust_uploaders = on.")));
}

static int new_batch() {
    spi::exec(spi::plan(&p_new_batch, SQL_NEW_BATCH, 0, nullptr), nullptr, nullptr, false, 0,
              SPI_OK_UPDATE_RETURNING, "new batch");
    if (SPI_processed != 1)
        elog(ERROR, "pgmig: mig.state has no row");
    return spi::get_int(0, 1);
}

static Datum text_array(char **items, int n) {
    Datum *d = (Datum *)palloc(sizeof(Datum) * (n > 0 ? n : 1));
    for (int i = 0; i < n; i++)
        d[i] = CStringGetTextDatum(items[i]);
    return PointerGetDatum(construct_array(d, n, TEXTOID, -1, false, TYPALIGN_INT));
}

static Datum int8_array(int64 *items, int n) {
    Datum *d = (Datum *)palloc(sizeof(Datum) * (n > 0 ? n : 1));
    for (int i = 0; i < n; i++)
        d[i] = Int64GetDatum(items[i]);
    return PointerGetDatum(construct_array(d, n, INT8OID, 8, FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
}

// ---------------------------------------------------------------------------------------------
// fast-path lock slots
// ---------------------------------------------------------------------------------------------

// Up to 16 weak relation locks of a backend live in its "fast path" array instead of the shared
// lock table. While any is held, every weak-lock release of the migrations' own statements
// first searches that array under its LWLock before going to the shared table: W1's 1,000
// CREATE TABLEs release ~210,000 catalog locks, and pgmig's bookkeeping locks (held to the end
// of the transaction) made that 1.6% of the whole deploy. A SHARE lock is "strong": taking it
// moves a relation's fast-path entries to the shared table and keeps later ones there. Only
// pgmig's own writers conflict with it, and they all hold the deploy lock first; it is taken
// conditionally, so it never waits (an autovacuum on a mig table just leaves that one as is).
static void share_lock_relation(Oid rel, bool with_indexes) {
    if (!OidIsValid(rel) || !ConditionalLockRelationOid(rel, ShareLock))
        return;
    if (!with_indexes)
        return;
    Relation r = relation_open(rel, NoLock);
    List *indexes = RelationGetIndexList(r);
    Oid toast = r->rd_rel->reltoastrelid;
    relation_close(r, NoLock);
    ListCell *lc;
    foreach (lc, indexes)
        share_lock_relation(lfirst_oid(lc), false);
    list_free(indexes);
    if (OidIsValid(toast))
        share_lock_relation(toast, true);
}

// Batches of this many migrations or more run after spi::drop_plans() (spi.hpp).
static const int kLargeBatch = 16;

static void vacate_fast_path_slots() {
    static const char *const tables[] = {"migration", "applied",    "log",
                                         "state",     "repeatable", "log_id_seq"};
    Oid nsp = get_namespace_oid("mig", false);
    for (const char *t : tables)
        share_lock_relation(get_relname_relid(t, nsp), true);
}

// ---------------------------------------------------------------------------------------------
// lock
// ---------------------------------------------------------------------------------------------

static LocalTransactionId bumped_lxid = InvalidLocalTransactionId;
static SubTransactionId bumped_subxid = InvalidSubTransactionId;

bool deploy_lock(bool wait) {
    if (migration_running())
        ereport(ERROR,
                (errcode(PM011), errmsg("pgmig cannot be called from inside a running migration"),
                 errdetail("A migration's SQL called a function that uploads, applies, rolls back, "
                           "baselines or takes the deploy lock."),
                 errhint("Run such calls from outside migration SQL.")));
    Oid nsp = get_namespace_oid("mig", false);
    Oid rel = get_relname_relid("state", nsp);
    if (!OidIsValid(rel))
        elog(ERROR, "pgmig: table mig.state is missing");
    if (!wait) {
        if (!ConditionalLockRelationOid(rel, ExclusiveLock))
            return false;
    } else {
        MemoryContext cxt = CurrentMemoryContext;
        PG_TRY();
        { LockRelationOid(rel, ExclusiveLock); }
        PG_CATCH();
        {
            MemoryContextSwitchTo(cxt);
            ErrorData *ed = CopyErrorData();
            FlushErrorState();
            if (ed->sqlerrcode == ERRCODE_LOCK_NOT_AVAILABLE) {
                ed->sqlerrcode = PM009;
                ed->detail = ed->message;
                ed->message = pstrdup("deploy lock not available");
                ed->hint =
                    pstrdup("Another transaction holds the deploy lock; see mig.lock_holder().");
            }
            ReThrowError(ed);
        }
        PG_END_TRY();
    }
    if (bumped_lxid == MyProc->lxid && bumped_subxid == GetCurrentSubTransactionId())
        return true;

    int nest = restrict_search_path();
    MemoryContext cxt = CurrentMemoryContext;
    PG_TRY();
    {
        spi::exec(spi::plan(&p_bump, SQL_BUMP, 0, nullptr), nullptr, nullptr, false, 0,
                  SPI_OK_INSERT, "bump generation");
    }
    PG_CATCH();
    {
        MemoryContextSwitchTo(cxt);
        ErrorData *ed = CopyErrorData();
        FlushErrorState();
        if (ed->sqlerrcode == ERRCODE_T_R_SERIALIZATION_FAILURE && ed->hint == nullptr)
            ed->hint =
                pstrdup("Another deployer committed after this transaction's snapshot was taken; "
                        "retry the whole transaction.");
        ReThrowError(ed);
    }
    PG_END_TRY();
    restore_search_path(nest);
    bumped_lxid = MyProc->lxid;
    bumped_subxid = GetCurrentSubTransactionId();
    return true;
}

// ---------------------------------------------------------------------------------------------
// upload
// ---------------------------------------------------------------------------------------------

static bool same_str(const char *a, const char *b) {
    if (a == nullptr || b == nullptr)
        return a == b;
    return strcmp(a, b) == 0;
}

// A migration being uploaded: its options, checksums and the row to store (mig.migration's 17
// columns, in SQL_INSERT's order). PG zone, palloc'd.
struct UploadRow {
    const UploadArgs *a;
    bool replace;
    bool force_nontx;
    char *file;
    char *down_file;
    const char *up; // the up script's bytes in its text datum (not NUL-terminated)
    int uplen;
    char *down; // NUL-terminated, NULL when there is none
    int downlen;
    char down_ck[65];
    Datum key; // text datum of a->key
    Datum v[17];
    char n[18];
};

// Options and checksums (r->checksum).
static void upload_begin(const UploadArgs *a, UploadRow *w, UploadResult *r) {
    memset(w, 0, sizeof *w);
    w->a = a;
    Jsonb *opts = a->options;
    if (opts && !JB_ROOT_IS_OBJECT(opts))
        ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                        errmsg("options must be a JSON object")));
    w->replace = opt_bool(opts, "replace", false);
    w->force_nontx = !opt_bool(opts, "transaction", true);
    w->file = a->file ? pstrdup(a->file) : opt_str(opts, "file");
    w->down_file = a->down_file ? pstrdup(a->down_file) : opt_str(opts, "down_file");
    // the bytes of the text datum as they are: a 33 MB folder need not be copied to be hashed
    // and split (script.hpp)
    text *up_text = DatumGetTextPP(a->up);
    w->up = VARDATA_ANY(up_text);
    w->uplen = (int)VARSIZE_ANY_EXHDR(up_text);
    sha256_hex(w->up, w->uplen, r->checksum);
    if (!a->down_null) {
        w->down = text_to_cstring(DatumGetTextPP(a->down));
        w->downlen = (int)strlen(w->down);
        sha256_hex(w->down, w->downlen, w->down_ck);
    }
    r->applied = false;
    w->key = CStringGetTextDatum(a->key);
}

// Compares with the stored migration of the same version, if any (*exists). True when that
// settles the upload (unchanged: r is filled in); raises PM001/PM002/PM010 for a conflict.
static bool upload_existing(UploadRow *w, UploadResult *r, bool *exists, MemoryContext cxt) {
    const UploadArgs *a = w->a;
    int nest = restrict_search_path();
    spi::exec(spi::plan(&p_existing, SQL_EXISTING, 1, T1), &w->key, nullptr, false, 1,
              SPI_OK_SELECT, "existing migration");
    *exists = SPI_processed == 1;
    if (*exists) {
        char *old_name = spi::get_text(0, 1, cxt);
        char *old_up = spi::get_text(0, 2, cxt);
        char *old_down = spi::get_text(0, 3, cxt);
        bool old_tx = spi::get_bool(0, 4);
        int old_n = spi::get_int(0, 5);
        bool has_applied = spi::get_bool(0, 6);
        bool complete = spi::get_bool(0, 7);
        bool old_ends = spi::get_bool(0, 8);
        if (strcmp(old_name, a->name) != 0)
            ereport(ERROR,
                    (errcode(PM002),
                     errmsg("duplicate version %s: already uploaded as \"%s\", now named \"%s\"",
                            a->version, old_name, a->name),
                     errhint("Two migrations whose versions compare equal cannot coexist.")));
        bool up_same = strcmp(old_up, r->checksum) == 0;
        bool down_same = same_str(old_down, a->down_null ? nullptr : w->down_ck);
        if (up_same && down_same) {
            restore_search_path(nest);
            r->action = "unchanged";
            r->transactional = old_tx;
            r->statements = old_n;
            r->ends_transaction = old_ends;
            r->applied = has_applied && complete;
            return true;
        }
        if (has_applied) {
            if (!up_same)
                ereport(ERROR, (errcode(PM001),
                                errmsg("checksum mismatch for applied migration %s (%s): applied "
                                       "up script %s, new %s",
                                       a->version, old_name, old_up, r->checksum),
                                errhint("An applied migration must not be edited; write a new "
                                        "migration instead.")));
            ereport(
                ERROR,
                (errcode(PM001),
                 errmsg("checksum mismatch for applied migration %s (%s): applied down script %s, "
                        "new %s",
                        a->version, old_name, old_down ? old_down : "(none)",
                        a->down_null ? "(none)" : w->down_ck),
                 errhint(
                     "An applied migration must not be edited; write a new migration instead.")));
        }
        if (!w->replace)
            ereport(ERROR,
                    (errcode(PM010),
                     errmsg("pending migration %s (%s) was uploaded with a different "
                            "script: stored %s, new %s",
                            a->version, old_name,
                            up_same ? (old_down ? old_down : "(no down)") : old_up,
                            up_same ? (a->down_null ? "(no down)" : w->down_ck) : r->checksum),
                     errhint("Pass options {\"replace\": true} to replace it.")));
    }
    restore_search_path(nest);
    return false;
}

// Analyses the scripts (syntax, classification, statement offsets) and fills in the row.
static void upload_analyze(UploadRow *w, UploadResult *r) {
    const UploadArgs *a = w->a;
    ScriptInfo ui = analyze_script(w->up, w->uplen, {a->version, a->name, w->file, false}, true);
    if (ui.copy_stmt)
        ereport(
            ERROR,
            (errcode(PM008),
             errmsg(
                 "migration %s (%s): COPY FROM STDIN / TO STDOUT is not supported (statement %d)",
                 a->version, a->name, ui.copy_stmt),
             errhint("Load data with INSERT, or with COPY from a server-side file.")));
    if (w->force_nontx) {
        ui.transactional = false;
        ui.wrapped = false;
    }
    ScriptInfo di;
    memset(&di, 0, sizeof di);
    di.transactional = true;
    if (w->down) {
        di = analyze_script(w->down, w->downlen, {a->version, a->name, w->down_file, true}, true);
        if (di.copy_stmt)
            ereport(ERROR,
                    (errcode(PM008), errmsg("migration %s (%s): COPY FROM STDIN / TO STDOUT is not "
                                            "supported in the down script (statement %d)",
                                            a->version, a->name, di.copy_stmt)));
        if (w->force_nontx) {
            di.transactional = false;
            di.wrapped = false;
        }
    }
    if (ui.wrapped || di.wrapped)
        ereport(
            WARNING,
            (errmsg("migration %s (%s): the %s own BEGIN/COMMIT wrapper is ignored", a->version,
                    a->name,
                    ui.wrapped && di.wrapped ? "up and down scripts'"
                    : ui.wrapped             ? "up script's"
                                             : "down script's"),
             errdetail("Its body runs in the caller's transaction, like any other migration.")));

    Datum *v = w->v;
    char *n = w->n;
    memset(n, ' ', sizeof w->n);
    v[0] = w->key;
    v[1] = CStringGetTextDatum(a->version);
    v[2] = CStringGetTextDatum(a->name);
    v[3] = a->up;
    if (a->down_null)
        n[4] = 'n';
    else
        v[4] = a->down;
    v[5] = CStringGetTextDatum(r->checksum);
    if (a->down_null)
        n[6] = 'n';
    else
        v[6] = CStringGetTextDatum(w->down_ck);
    if (ui.wrapped)
        v[7] = PointerGetDatum(cstring_to_text(wrapped_body(w->up, &ui)));
    else
        n[7] = 'n';
    if (w->down && di.wrapped)
        v[8] = PointerGetDatum(cstring_to_text(wrapped_body(w->down, &di)));
    else
        n[8] = 'n';
    v[9] = BoolGetDatum(ui.transactional);
    v[10] = BoolGetDatum(di.transactional);
    v[11] = Int32GetDatum(ui.nstmts);
    if (w->down)
        v[12] = Int32GetDatum(di.nstmts);
    else
        n[12] = 'n';
    v[13] = BoolGetDatum(ui.ends_transaction);
    v[14] = JsonbPGetDatum(stored_options(a));
    ArrayType *uo = statement_offsets(&ui);
    ArrayType *dof = w->down ? statement_offsets(&di) : nullptr;
    if (uo)
        v[15] = PointerGetDatum(uo);
    else
        n[15] = 'n';
    if (dof)
        v[16] = PointerGetDatum(dof);
    else
        n[16] = 'n';
    n[17] = '\0';
    r->transactional = ui.transactional;
    r->statements = ui.nstmts;
    r->ends_transaction = ui.ends_transaction;
}

// Inserts the row, or replaces the stored migration of the same version.
static void upload_store(UploadRow *w, bool exists) {
    int nest = restrict_search_path();
    if (exists)
        spi::exec(spi::plan(&p_replace, SQL_REPLACE, 17, T_STORE), w->v, w->n, false, 0,
                  SPI_OK_UPDATE, "replace migration");
    else
        spi::exec(spi::plan(&p_insert, SQL_INSERT, 17, T_STORE), w->v, w->n, false, 0,
                  SPI_OK_INSERT, "insert migration");
    restore_search_path(nest);
}

void upload_pg(const UploadArgs *a, UploadResult *r) {
    deploy_lock(true);
    MemoryContext cxt = CurrentMemoryContext;
    UploadRow *w = (UploadRow *)palloc(sizeof(UploadRow));
    upload_begin(a, w, r);
    bool exists;
    if (upload_existing(w, r, &exists, cxt))
        return;
    upload_analyze(w, r);
    upload_store(w, exists);
    r->action = exists ? "replaced" : "uploaded";
}

// The rows w[rows[0..nrows)] of mig.migration as one array of its row type (SQL_INSERT_MANY),
// with the defaults SQL_INSERT leaves to the table (uploaded_by, uploaded_at).
static Datum migration_rows(const UploadRow *w, const int *rows, int nrows, Oid *arraytype) {
    RowArray a;
    rows_begin(&a, "migration", nrows);
    int col[17];
    for (int c = 0; c < 17; c++)
        col[c] = rows_column(&a, STORE_COLUMNS[c]);
    int by = rows_column(&a, "uploaded_by"), at = rows_column(&a, "uploaded_at");
    Datum user =
        DirectFunctionCall1(namein, CStringGetDatum(GetUserNameFromId(GetUserId(), false)));
    Datum now = TimestampTzGetDatum(GetCurrentTransactionStartTimestamp());
    for (int i = 0; i < nrows; i++) {
        const UploadRow *row = &w[rows[i]];
        for (int c = 0; c < 17; c++)
            if (row->n[c] != 'n')
                rows_set(&a, col[c], row->v[c]);
        // the key goes as bytea, not as the text of its literal (SQL_INSERT casts $1)
        rows_set(&a, col[0], DirectFunctionCall1(byteain, CStringGetDatum(row->a->key)));
        rows_set(&a, by, user);
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
// upload's key of the same batch: those go the one-by-one way.
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

void upload_many_pg(ReturnSetInfo *rsi, const UploadArgs *args, int nargs) {
    deploy_lock(true);
    MemoryContext cxt = CurrentMemoryContext;
    UploadRow *w = (UploadRow *)palloc(sizeof(UploadRow) * (nargs > 0 ? nargs : 1));
    UploadResult *r = (UploadResult *)palloc0(sizeof(UploadResult) * (nargs > 0 ? nargs : 1));
    // every script is checked first: one bad script and nothing is stored
    for (int i = 0; i < nargs; i++) {
        upload_begin(&args[i], &w[i], &r[i]);
        upload_analyze(&w[i], &r[i]);
        r[i].action = "uploaded";
    }
    if (nargs > 0) {
        bool *known = (bool *)palloc0(sizeof(bool) * nargs);
        int nest = restrict_search_path();
        mark_known_keys(args, nargs, known);
        int *fresh = (int *)palloc(sizeof(int) * nargs);
        int nfresh = 0;
        for (int i = 0; i < nargs; i++)
            if (!known[i])
                fresh[nfresh++] = i;
        if (nfresh > 0) {
            Oid type;
            Datum rows = migration_rows(w, fresh, nfresh, &type);
            spi::exec(
                spi::plan_typed(&p_insert_many, p_insert_many_type, SQL_INSERT_MANY, 1, &type),
                &rows, nullptr, false, 0, SPI_OK_INSERT, "insert migrations");
        }
        restore_search_path(nest);
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
    }
    for (int i = 0; i < nargs; i++) {
        Datum v[7] = {CStringGetTextDatum(args[i].version), CStringGetTextDatum(args[i].name),
                      CStringGetTextDatum(r[i].action),     BoolGetDatum(r[i].transactional),
                      Int32GetDatum(r[i].statements),       CStringGetTextDatum(r[i].checksum),
                      BoolGetDatum(r[i].ends_transaction)};
        bool nulls[7] = {false, false, false, false, false, false, false};
        tuplestore_putvalues(rsi->setResult, rsi->setDesc, v, nulls);
    }
}

// ---------------------------------------------------------------------------------------------
// apply
// ---------------------------------------------------------------------------------------------

struct Todo {
    char *version;
    char *name;
    Datum sql; // text datum (possibly a TOAST pointer) in the SPI tuptable
    bool sql_null;
    bool ok; // transactional (apply) / transactional and complete (rollback)
    char *uploaded_by;
    char *key;
    char *file;
    int batch;
    int64 us;
    TimestampTz done_at; // when its script finished
    ArrayType *offsets;  // statement byte ranges (NULL: run as a whole)
    bool down;           // a down script (rollback), named so in an error's context
    // rollback of a non-transactional migration whose first up statement failed: nothing of
    // it ran, so nothing is undone (its down script would undo what is not there)
    bool nothing_ran;
    // apply: the key (bytea) and the up script's checksum (text) as datums of SQL_PENDING's
    // rows, which go into the bookkeeping rows as they are
    Datum vkey;
    Datum checksum;
};

// Runs each migration's script (up or down) through SPI, timing it. PG zone.
static void run_todos(Todo *todo, int n) {
    for (int i = 0; i < n; i++) {
        TimestampTz t0 = GetCurrentTimestamp();
        if (todo[i].nothing_ran) {
            todo[i].done_at = t0;
            todo[i].us = 0;
            continue;
        }
        char *sql = text_to_cstring(DatumGetTextPP(todo[i].sql));
        run_script(sql, todo[i].offsets,
                   {todo[i].version, todo[i].name, todo[i].file, todo[i].down});
        pfree(sql);
        todo[i].done_at = GetCurrentTimestamp();
        todo[i].us = todo[i].done_at - t0;
        if (todo[i].us < 0)
            todo[i].us = 0;
    }
}

static Datum microseconds(int64 us) {
    Interval *iv = (Interval *)palloc0(sizeof(Interval));
    iv->time = us;
    return IntervalPGetDatum(iv);
}

// The client's address as mig.log records it (inet_client_addr(): NULL over a Unix socket).
static bool client_addr(Datum *out) {
    LOCAL_FCINFO(fc, 0);
    InitFunctionCallInfoData(*fc, nullptr, 0, InvalidOid, nullptr, nullptr);
    *out = inet_client_addr(fc);
    return !fc->isnull;
}

// SQL_RECORD_APPLY's arguments: the batch's mig.applied and mig.log rows, as arrays of the
// tables' row types (rows.hpp), with what their column defaults would give (the caller's role
// and application_name, captured before any migration ran: guc_scope.hpp).
static void apply_rows(const Todo *todo, int n, int batch, const Caller &caller, Datum out[2],
                       Oid types[2]) {
    Datum role =
        DirectFunctionCall1(namein, CStringGetDatum(GetUserNameFromId(caller.user, false)));
    Datum app = CStringGetTextDatum(caller.application_name);
    Datum addr;
    bool have_addr = client_addr(&addr);
    Datum now = TimestampTzGetDatum(GetCurrentTransactionStartTimestamp());

    RowArray a;
    rows_begin(&a, "applied", n);
    int a_vkey = rows_column(&a, "vkey"), a_batch = rows_column(&a, "batch"),
        a_at = rows_column(&a, "applied_at"), a_by = rows_column(&a, "applied_by"),
        a_duration = rows_column(&a, "duration"), a_checksum = rows_column(&a, "checksum"),
        a_method = rows_column(&a, "method"), a_complete = rows_column(&a, "complete"),
        a_failed = rows_column(&a, "failed");
    RowArray l;
    rows_begin(&l, "log", n);
    int l_at = rows_column(&l, "at"), l_action = rows_column(&l, "action"),
        l_version = rows_column(&l, "version"), l_name = rows_column(&l, "name"),
        l_batch = rows_column(&l, "batch"), l_duration = rows_column(&l, "duration"),
        l_checksum = rows_column(&l, "checksum"), l_role = rows_column(&l, "role"),
        l_addr = rows_column(&l, "client_addr"), l_app = rows_column(&l, "application_name");
    Datum run = CStringGetTextDatum("run"), apply = CStringGetTextDatum("apply");
    for (int i = 0; i < n; i++) {
        Datum duration = microseconds(todo[i].us);
        Datum checksum = todo[i].checksum;
        rows_set(&a, a_vkey, todo[i].vkey);
        rows_set(&a, a_batch, Int32GetDatum(batch));
        rows_set(&a, a_at, now);
        rows_set(&a, a_by, role);
        rows_set(&a, a_duration, duration);
        rows_set(&a, a_checksum, checksum);
        rows_set(&a, a_method, run);
        rows_set(&a, a_complete, BoolGetDatum(true));
        rows_set(&a, a_failed, BoolGetDatum(false));
        rows_add(&a);
        rows_set(&l, l_at, TimestampTzGetDatum(todo[i].done_at));
        rows_set(&l, l_action, apply);
        rows_set(&l, l_version, CStringGetTextDatum(todo[i].version));
        rows_set(&l, l_name, CStringGetTextDatum(todo[i].name));
        rows_set(&l, l_batch, Int32GetDatum(batch));
        rows_set(&l, l_duration, duration);
        rows_set(&l, l_checksum, checksum);
        rows_set(&l, l_role, role);
        if (have_addr)
            rows_set(&l, l_addr, addr);
        rows_set(&l, l_app, app);
        rows_add(&l);
    }
    out[0] = rows_finish(&a);
    out[1] = rows_finish(&l);
    types[0] = a.arraytype;
    types[1] = l.arraytype;
}

// The version keys and durations of the batch, for the bulk bookkeeping statement.
static void todo_keys_and_durations(const Todo *todo, int n, char **keys, int64 *us) {
    for (int i = 0; i < n; i++) {
        keys[i] = todo[i].key;
        us[i] = todo[i].us;
    }
}

void apply_pg(ReturnSetInfo *rsi, const char *key, const char *target, const char *name,
              bool exact) {
    MemoryContext cxt = CurrentMemoryContext;
    Caller caller = capture_caller();
    deploy_lock(true);
    int nest = restrict_search_path();

    spi::exec(spi::plan(&p_state, SQL_STATE, 0, nullptr), nullptr, nullptr, false, 0, SPI_OK_SELECT,
              "state");
    char *baseline = SPI_processed == 1 ? spi::get_text(0, 1, cxt) : nullptr;

    Datum kd = key ? CStringGetTextDatum(key) : (Datum)0;
    if (key && !exact) {
        spi::exec(spi::plan(&p_known, SQL_KNOWN, 1, T1), &kd, nullptr, false, 1, SPI_OK_SELECT,
                  "known version");
        if (SPI_processed == 0)
            ereport(ERROR, (errcode(PM006), errmsg("unknown version \"%s\"", target),
                            errhint("mig.status() lists the uploaded migrations.")));
    }

    Datum pv[3] = {kd, baseline ? CStringGetTextDatum(baseline) : (Datum)0, BoolGetDatum(exact)};
    char pn[4] = {key ? ' ' : 'n', baseline ? ' ' : 'n', ' ', '\0'};
    spi::exec(spi::plan(&p_pending, SQL_PENDING, 3, T_PENDING), pv, pn, false, 0, SPI_OK_SELECT,
              "pending migrations");
    int n = (int)SPI_processed;
    Todo *todo = (Todo *)palloc0(sizeof(Todo) * (n > 0 ? n : 1));
    for (int i = 0; i < n; i++) {
        todo[i].version = spi::get_text(i, 1, cxt);
        todo[i].name = spi::get_text(i, 2, cxt);
        todo[i].sql = spi::get_datum(i, 3, &todo[i].sql_null);
        todo[i].ok = spi::get_bool(i, 4);
        todo[i].uploaded_by = spi::get_text(i, 5, cxt);
        bool isnull;
        todo[i].vkey = spi::get_datum(i, 6, &isnull);
        todo[i].file = spi::get_text(i, 7, cxt);
        bool onull;
        Datum od = spi::get_datum(i, 8, &onull);
        todo[i].offsets = onull ? nullptr : DatumGetArrayTypePCopy(od);
        todo[i].checksum = spi::get_datum(i, 9, &isnull);
    }

    if (n == 0 && exact) {
        spi::exec(spi::plan(&p_skipped, SQL_SKIPPED, 1, T1), &kd, nullptr, false, 1, SPI_OK_SELECT,
                  "applied migration");
        int b = SPI_processed == 1 ? spi::get_int(0, 1) : -1;
        restore_search_path(nest);
        put_row(rsi, target, name, "skipped", b, -1);
        return;
    }
    for (int i = 0; i < n; i++)
        if (!todo[i].ok)
            ereport(
                ERROR,
                (errcode(PM004),
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
            check_uploader(todo[i].uploaded_by, todo[i].version, todo[i].name);
    if (n == 0) {
        restore_search_path(nest);
        return;
    }
    int batch = new_batch();
    restore_search_path(nest);

    vacate_fast_path_slots();
    if (n >= kLargeBatch)
        spi::drop_plans();
    run_todos(todo, n);

    CallerScope as_caller = begin_as_caller(caller);
    Datum rv[2];
    Oid types[2];
    apply_rows(todo, n, batch, caller, rv, types);
    spi::exec(spi::plan_typed(&p_record_apply, p_record_apply_types, SQL_RECORD_APPLY, 2, types),
              rv, nullptr, false, 0, SPI_OK_INSERT, "record applied");
    end_as_caller(as_caller);
    for (int i = 0; i < n; i++)
        put_row(rsi, todo[i].version, todo[i].name, "applied", batch, todo[i].us);
}

// ---------------------------------------------------------------------------------------------
// rollback
// ---------------------------------------------------------------------------------------------

void rollback_pg(ReturnSetInfo *rsi, int64 steps, const char *after_key, const char *after_version,
                 bool last_batch) {
    MemoryContext cxt = CurrentMemoryContext;
    Caller caller = capture_caller();
    deploy_lock(true);
    int nest = restrict_search_path();
    Datum kd = after_key ? CStringGetTextDatum(after_key) : (Datum)0;
    if (after_key) {
        // a known version, or an all-zero version ("0": roll back everything)
        bool zero = true;
        for (const char *p = after_version; *p; p++)
            if (*p >= '1' && *p <= '9')
                zero = false;
        if (!zero) {
            spi::exec(spi::plan(&p_known, SQL_KNOWN, 1, T1), &kd, nullptr, false, 1, SPI_OK_SELECT,
                      "known version");
            if (SPI_processed == 0)
                ereport(ERROR, (errcode(PM006), errmsg("unknown version \"%s\"", after_version),
                                errhint("Use \"0\" to roll back everything.")));
        }
    }
    Datum pv[3] = {Int64GetDatum(steps), kd, BoolGetDatum(last_batch)};
    char pn[4] = {steps < 0 ? 'n' : ' ', after_key ? ' ' : 'n', ' ', '\0'};
    spi::exec(spi::plan(&p_to_undo, SQL_TO_UNDO, 3, T_UNDO), pv, pn, false, 0, SPI_OK_SELECT,
              "migrations to roll back");
    int n = (int)SPI_processed;
    Todo *todo = (Todo *)palloc0(sizeof(Todo) * (n > 0 ? n : 1));
    StringInfoData missing;
    initStringInfo(&missing);
    for (int i = 0; i < n; i++) {
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
        bool onull;
        Datum od = spi::get_datum(i, 10, &onull);
        todo[i].offsets = onull ? nullptr : DatumGetArrayTypePCopy(od);
        todo[i].nothing_ran = spi::get_bool(i, 11);
        if (todo[i].nothing_ran)
            todo[i].ok = true;
        else if (nodown)
            appendStringInfo(&missing, "%s%s (%s)", missing.len ? ", " : "", todo[i].version,
                             todo[i].name);
    }
    if (missing.len)
        ereport(ERROR, (errcode(PM003), errmsg("no down script for %s", missing.data),
                        errdetail("Nothing was rolled back.")));
    for (int i = 0; i < n; i++)
        if (!todo[i].ok)
            ereport(ERROR, (errcode(PM004),
                            errmsg("migration %s (%s) has a non-transactional (or partially "
                                   "applied) down and cannot be rolled back inside mig.rollback",
                                   todo[i].version, todo[i].name),
                            errdetail("Nothing was rolled back."),
                            errhint("Roll it back with pgmig down (statement by statement, outside "
                                    "a transaction block).")));
    for (int i = 0; i < n; i++)
        check_uploader(todo[i].uploaded_by, todo[i].version, todo[i].name);
    restore_search_path(nest);
    if (n == 0)
        return;

    vacate_fast_path_slots();
    if (n >= kLargeBatch)
        spi::drop_plans();
    run_todos(todo, n);

    CallerScope as_caller = begin_as_caller(caller);
    char **keys = (char **)palloc(sizeof(char *) * n);
    int64 *us = (int64 *)palloc(sizeof(int64) * n);
    todo_keys_and_durations(todo, n, keys, us);
    Datum rv[3] = {text_array(keys, n), int8_array(us, n), Int32GetDatum(0)};
    spi::exec(spi::plan(&p_record_rollback, SQL_RECORD_ROLLBACK, 2, T_RECORD), rv, nullptr, false,
              0, SPI_OK_INSERT, "record rollback");
    end_as_caller(as_caller);
    for (int i = 0; i < n; i++)
        put_row(rsi, todo[i].version, todo[i].name, "rolled back", todo[i].batch, todo[i].us);
}

// ---------------------------------------------------------------------------------------------
// repeatable
// ---------------------------------------------------------------------------------------------

void repeatable_pg(ReturnSetInfo *rsi, const char *name, Datum up, Jsonb *options) {
    Caller caller = capture_caller();
    deploy_lock(true);
    if (options && !JB_ROOT_IS_OBJECT(options))
        ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                        errmsg("options must be a JSON object")));
    char *file = opt_str(options, "file");
    char *sql = text_to_cstring(DatumGetTextPP(up));
    int len = (int)strlen(sql);
    char ck[65];
    sha256_hex(sql, len, ck);

    int nest = restrict_search_path();
    Datum nd = CStringGetTextDatum(name);
    spi::exec(spi::plan(&p_rep_get, SQL_REPEATABLE_GET, 1, T1), &nd, nullptr, false, 1,
              SPI_OK_SELECT, "repeatable");
    if (SPI_processed == 1) {
        char *old = spi::get_text(0, 1, CurrentMemoryContext);
        if (strcmp(old, ck) == 0) {
            int b = spi::get_int(0, 2);
            restore_search_path(nest);
            put_row(rsi, nullptr, name, "skipped", b, -1);
            return;
        }
    }
    restore_search_path(nest);

    ScriptInfo si = analyze_script(sql, len, {nullptr, name, file, false});
    if (si.copy_stmt)
        ereport(ERROR, (errcode(PM008), errmsg("repeatable migration %s: COPY FROM STDIN / TO "
                                               "STDOUT is not supported (statement %d)",
                                               name, si.copy_stmt)));
    if (!si.transactional || !opt_bool(options, "transaction", true))
        ereport(ERROR, (errcode(PM004), errmsg("repeatable migration %s is non-transactional and "
                                               "cannot run inside mig.apply_repeatable",
                                               name)));
    if (si.wrapped)
        ereport(WARNING,
                (errmsg("repeatable migration %s: the script's own BEGIN/COMMIT wrapper is ignored",
                        name)));

    nest = restrict_search_path();
    int batch = new_batch();
    restore_search_path(nest);

    TimestampTz t0 = GetCurrentTimestamp();
    char *body = si.wrapped ? wrapped_body(sql, &si) : sql;
    run_script(body, statement_offsets(&si), {nullptr, name, file, false});
    int64 us = GetCurrentTimestamp() - t0;
    if (us < 0)
        us = 0;

    CallerScope as_caller = begin_as_caller(caller);
    Datum v[6] = {nd,
                  up,
                  CStringGetTextDatum(ck),
                  options ? JsonbPGetDatum(options)
                          : DirectFunctionCall1(jsonb_in, CStringGetDatum("{}")),
                  Int32GetDatum(batch),
                  Int64GetDatum(us)};
    spi::exec(spi::plan(&p_rep_put, SQL_REPEATABLE_PUT, 6, T_REP_PUT), v, nullptr, false, 0,
              SPI_OK_INSERT, "record repeatable");
    end_as_caller(as_caller);
    put_row(rsi, nullptr, name, "applied", batch, us);
}

} // namespace mig
