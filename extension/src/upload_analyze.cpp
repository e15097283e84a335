// upload_analyze.cpp: what an upload stores: checksums, options, and the scripts' analysis
// (upload_row.hpp). PG zone.
#include "upload_row.hpp"

#include "options.hpp"
#include "pg_boundary.hpp"
#include "runner.hpp"
#include "script.hpp"
#include "subtransaction.hpp"

namespace mig {

static void push_string(JsonbParseState **st, JsonbIteratorToken tok, const char *s) {
    JsonbValue v;
    v.type = jbvString;
    v.val.string.val = const_cast<char *>(s);
    v.val.string.len = (int)strlen(s);
    (void)pushJsonbValue(st, tok, &v);
}

// The options stored with an upload: its options, with mig.upload_many's file and down_file
// (when given) as "file" and "down_file". Built directly: parsing the same JSON from text cost
// ~10,000 instructions a migration (a deploy of 1,000 migrations sends 1,000).
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

// Options and checksums (r->checksum).
void upload_begin(const UploadArgs *a, const Caller *caller, UploadRow *w, UploadResult *r) {
    memset(w, 0, sizeof *w);
    w->a = a;
    w->caller = caller;
    Jsonb *opts = a->options;
    require_object(opts);
    w->replace = opt_bool(opts, "replace", false);
    w->strict = opt_bool(opts, "strict", false);
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
    r->down_error = nullptr;
    w->key = CStringGetTextDatum(a->key);
}

// The error of a down script that does not parse, as stored in mig.migration.down_error:
// {"sqlstate", "message", "line", "column", "file"}.
static Jsonb *down_error_json(const UploadRow *w, const ErrorData *ed) {
    int line, col;
    last_error_position(&line, &col);
    StringInfoData s;
    initStringInfo(&s);
    appendStringInfo(&s, "{\"sqlstate\": \"%s\", \"line\": %d, \"column\": %d, \"message\": ",
                     unpack_sql_state(ed->sqlerrcode), line, col);
    escape_json(&s, ed->message ? ed->message : "");
    if (w->down_file) {
        appendStringInfoString(&s, ", \"file\": ");
        escape_json(&s, w->down_file);
    }
    appendStringInfoChar(&s, '}');
    return DatumGetJsonbP(DirectFunctionCall1(jsonb_in, CStringGetDatum(s.data)));
}

static ScriptInfo analyze_side(UploadRow *w, bool down);

// The down script's analysis. Its tools read a down script only when they run it, so one that
// does not parse (years-old ones in real folders) must not block a deploy: its syntax error is
// caught in a subtransaction (PL/pgSQL's block pattern, rolled back) and stored with the script
// (w->down_error), and rolling the migration back is refused (PM013). {"strict": true} refuses
// it at upload instead.
static ScriptInfo analyze_down(UploadRow *w) {
    if (w->strict)
        return analyze_side(w, true);
    ScriptInfo si;
    memset(&si, 0, sizeof si);
    ErrorData *caught = in_subtransaction([&]() noexcept { si = analyze_side(w, true); }, true);
    if (caught == nullptr)
        return si;
    if (caught->sqlerrcode != ERRCODE_SYNTAX_ERROR)
        ReThrowError(caught);
    w->down_error = down_error_json(w, caught);
    memset(&si, 0, sizeof si);
    si.transactional = true;
    return si;
}

// A script's analysis, refusing COPY FROM STDIN / TO STDOUT.
static ScriptInfo analyze_side(UploadRow *w, bool down) {
    const UploadArgs *a = w->a;
    ScriptInfo si =
        down ? analyze_stored_script(w->down, w->downlen, {a->version, a->name, w->down_file, true})
             : analyze_stored_script(w->up, w->uplen, {a->version, a->name, w->file, false});
    if (w->force_nontx) {
        si.transactional = false;
        si.wrapped = false;
    }
    return si;
}

static void warn_wrapped(const UploadArgs *a, bool up, bool down) {
    if (!up && !down)
        return;
    ereport(WARNING,
            (errmsg("migration %s (%s): the %s own BEGIN/COMMIT wrapper is ignored", a->version,
                    a->name,
                    up && down ? "up and down scripts'"
                    : up       ? "up script's"
                               : "down script's"),
             errdetail("Its body runs in the caller's transaction, like any other migration.")));
}

static void set_col(UploadRow *w, int c, Datum v) {
    w->v[c] = v;
    w->n[c] = ' ';
}

// Analyses the scripts (syntax, classification, statement ranges) and fills in the row.
void upload_analyze(UploadRow *w, UploadResult *r) {
    const UploadArgs *a = w->a;
    ScriptInfo ui = analyze_side(w, false);
    ScriptInfo di;
    memset(&di, 0, sizeof di);
    di.transactional = true;
    if (w->down)
        di = analyze_down(w);
    warn_wrapped(a, ui.wrapped, w->down && di.wrapped);

    memset(w->n, 'n', kStoreColumns);
    w->n[kStoreColumns] = '\0';
    set_col(w, 0, w->key);
    set_col(w, 1, CStringGetTextDatum(a->version));
    set_col(w, 2, CStringGetTextDatum(a->name));
    set_col(w, 3, a->up);
    if (!a->down_null)
        set_col(w, 4, a->down);
    set_col(w, 5, CStringGetTextDatum(r->checksum));
    if (!a->down_null)
        set_col(w, 6, CStringGetTextDatum(w->down_ck));
    set_col(w, 7, BoolGetDatum(ui.transactional));
    set_col(w, 8, BoolGetDatum(di.transactional));
    set_col(w, 9, Int32GetDatum(ui.nstmts));
    if (w->down && !w->down_error)
        set_col(w, 10, Int32GetDatum(di.nstmts));
    set_col(w, 11, BoolGetDatum(ui.ends_transaction));
    set_col(w, 12, JsonbPGetDatum(stored_options(a)));
    if (ArrayType *uo = statement_offsets(&ui))
        set_col(w, 13, PointerGetDatum(uo));
    if (ArrayType *dof = w->down && !w->down_error ? statement_offsets(&di) : nullptr)
        set_col(w, 14, PointerGetDatum(dof));
    set_col(w, 15, w->caller->role);
    if (w->down_error)
        set_col(w, 16, JsonbPGetDatum(w->down_error));
    r->down_error = w->down_error;
    r->transactional = ui.transactional;
    r->statements = ui.nstmts;
    r->ends_transaction = ui.ends_transaction;
}

} // namespace mig
