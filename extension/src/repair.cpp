// repair.cpp: mig.repair, the way out after a reviewed edit of an applied migration's up script
// (a comment, whitespace): the stored up script and its checksum become the edited file's, so
// that the folder and the server agree again (Flyway's `repair`). PG zone (deploy.hpp).
//
// As with mig.set_down, the caller then holds the whole migration's text (the new up script it
// gives, the down script whose checksum it gives), so the migration becomes the caller's
// (uploaded_by, docs/security.md). mig.applied.checksum keeps the checksum of what ran; the log
// row names the old and the new one.
#include "deploy.hpp"

#include "bookkeeping.hpp"
#include "pg_boundary.hpp"
#include "runner.hpp"
#include "script.hpp"
#include "spi.hpp"

// The scanner's token codes (IDENT, SCONST, ...): included here only, since gram.h's token
// names (ALL, IS, NULL_P, ...) would reach every file through pg_includes.hpp.
extern "C" {
#include "parser/gram.h"
}

namespace mig {

static const char *const SQL_GET =
    "SELECT m.version, m.name, m.up_sql, m.up_checksum, m.down_checksum, "
    "       m.options OPERATOR(pg_catalog.->>) 'file', "
    "       (m.options OPERATOR(pg_catalog.->) 'transaction') OPERATOR(pg_catalog.=) "
    "         'false'::pg_catalog.jsonb, "
    "       a.vkey IS NOT NULL, coalesce(a.complete AND NOT a.failed, false) "
    "FROM mig.migration m LEFT JOIN mig.applied a ON a.vkey OPERATOR(pg_catalog.=) m.vkey "
    "WHERE m.vkey OPERATOR(pg_catalog.=) $1::pg_catalog.bytea";

// $1 key, $2 up_sql, $3 its checksum, $4 transactional, $5 statements, $6 ranges,
// $7 ends_transaction, $8 the caller, $9 the log's message
static const char *const SQL_SET =
    "WITH u AS (UPDATE mig.migration m SET up_sql = $2, up_checksum = $3, transactional = $4, "
    "    statements = $5, up_stmts = $6, ends_transaction = $7, uploaded_by = $8 "
    "  WHERE m.vkey OPERATOR(pg_catalog.=) $1::pg_catalog.bytea RETURNING m.version, m.name) "
    "INSERT INTO mig.log (action, version, name, checksum, role, message) "
    "SELECT 'repair', u.version, u.name, $3, $8, $9 FROM u";

static SPIPlanPtr p_get, p_set;
static const Oid T_GET[] = {TEXTOID};
static const Oid T_SET[] = {TEXTOID,      TEXTOID, TEXTOID, BOOLOID, INT4OID,
                            INT4ARRAYOID, BOOLOID, NAMEOID, TEXTOID};

struct Stored {
    char *version, *name, *up_sql, *up_checksum, *down_checksum, *file;
    bool force_nontx, applied, complete;
};

static Stored read_stored(Datum key, const char *version, MemoryContext cxt) {
    spi::exec(spi::plan(&p_get, SQL_GET, 1, T_GET), &key, nullptr, false, 1, SPI_OK_SELECT,
              "migration");
    if (SPI_processed != 1)
        ereport(ERROR, (errcode(kErrUnknownVersion), errmsg("unknown version \"%s\"", version),
                        errhint("mig.status() lists the uploaded migrations.")));
    bool isnull;
    bool nontx = spi::get_bool(0, 7, &isnull);
    return Stored{spi::get_text(0, 1, cxt), spi::get_text(0, 2, cxt), spi::get_text(0, 3, cxt),
                  spi::get_text(0, 4, cxt), spi::get_text(0, 5, cxt), spi::get_text(0, 6, cxt),
                  !isnull && nontx,         spi::get_bool(0, 8),      spi::get_bool(0, 9)};
}

// What repair refuses before looking at the scripts: a migration not (completely) applied,
// and a caller who does not hold the stored down script.
static void check_repairable(const Stored &m, const char *down_checksum) {
    if (!m.applied)
        ereport(ERROR,
                (errcode(kErrNotApplied),
                 errmsg("migration %s (%s) is not applied: there is nothing to repair", m.version,
                        m.name),
                 errhint("A pending migration whose file changed is uploaded again by the next "
                         "pgmig up; mig.discard(version) removes it.")));
    if (!m.complete)
        ereport(ERROR,
                (errcode(kErrNotApplied),
                 errmsg("migration %s (%s) stopped part-way: its statements cannot be repaired",
                        m.version, m.name),
                 errhint("Finish it (pgmig up) or roll it back (pgmig down) first.")));
    bool same_down = m.down_checksum && down_checksum ? strcmp(m.down_checksum, down_checksum) == 0
                                                      : !m.down_checksum && !down_checksum;
    if (!same_down)
        ereport(ERROR,
                (errcode(kErrAppliedChanged),
                 errmsg("migration %s (%s): the down script you hold is not the stored one",
                        m.version, m.name),
                 errdetail("Stored down script %s, yours %s.",
                           m.down_checksum ? m.down_checksum : "none",
                           down_checksum ? down_checksum : "none"),
                 errhint("Pass the checksum of the stored down script (NULL when there is none), "
                         "then replace the down script with mig.set_down.")));
}

// One token of PostgreSQL's scanner: its code, and what distinguishes tokens of one code.
struct Token {
    int code;
    int ival;
    const char *str;
};

static Token next_token(core_yyscan_t scanner) {
    core_YYSTYPE lval;
    YYLTYPE loc;
    int code = core_yylex(&lval, &loc, scanner);
    switch (code) {
    case IDENT:
    case UIDENT:
    case FCONST:
    case SCONST:
    case USCONST:
    case BCONST:
    case XCONST:
    case Op:
        return Token{code, 0, lval.str};
    case ICONST:
    case PARAM:
        return Token{code, lval.ival, nullptr};
    default: // a keyword, a one-character token, ::, .., := and the like: the code says it all
        return Token{code, 0, nullptr};
    }
}

// Whether two scripts are the same tokens, as PostgreSQL's scanner reads them: they differ only
// in comments, whitespace, and the case of unquoted names and keywords.
static bool same_statements(const char *a, const char *b) {
    core_yy_extra_type ea, eb;
    core_yyscan_t sa = scanner_init(a, &ea, &ScanKeywords, ScanKeywordTokens);
    core_yyscan_t sb = scanner_init(b, &eb, &ScanKeywords, ScanKeywordTokens);
    bool same = true;
    for (;;) {
        Token ta = next_token(sa), tb = next_token(sb);
        same = ta.code == tb.code && ta.ival == tb.ival &&
               (ta.str == nullptr) == (tb.str == nullptr) &&
               (ta.str == nullptr || strcmp(ta.str, tb.str) == 0);
        if (!same || ta.code == 0)
            break;
    }
    scanner_finish(sa);
    scanner_finish(sb);
    return same;
}

void repair_pg(ReturnSetInfo *rsi, const RepairArgs &r) {
    MemoryContext cxt = CurrentMemoryContext;
    Caller caller = capture_caller();
    deploy_lock(true);
    Datum kd = CStringGetTextDatum(r.key);
    BookkeepingScope bk = begin_bookkeeping(caller);
    Stored m = read_stored(kd, r.version, cxt);
    end_bookkeeping(bk);
    check_repairable(m, r.down_checksum);
    char *sql = text_to_cstring(DatumGetTextPP(r.up));
    int len = (int)strlen(sql);
    ScriptInfo si = analyze_stored_script(sql, len, {m.version, m.name, m.file, false});
    if (m.force_nontx) {
        si.transactional = false;
        si.wrapped = false;
    }
    char ck[65];
    sha256_hex(sql, (size_t)len, ck);
    bool same = same_statements(m.up_sql, sql);
    if (!same && !r.force)
        ereport(ERROR,
                (errcode(kErrStatementsChanged),
                 errmsg("migration %s (%s): the edit changes its statements, not only comments "
                        "or whitespace",
                        m.version, m.name),
                 errdetail("Stored up script %s, yours %s.", m.up_checksum, ck),
                 errhint("The database ran the stored statements: put a change in a new "
                         "migration. If the database already matches the edit, pass force => "
                         "true (pgmig repair --force).")));
    ArrayType *ranges = statement_offsets(&si);
    char *message = psprintf("up script replaced (was %s)%s", m.up_checksum,
                             same ? "" : "; statements changed (forced)");
    Datum v[9] = {kd,
                  r.up,
                  CStringGetTextDatum(ck),
                  BoolGetDatum(si.transactional),
                  Int32GetDatum(si.nstmts),
                  ranges ? PointerGetDatum(ranges) : (Datum)0,
                  BoolGetDatum(si.ends_transaction),
                  caller.role,
                  CStringGetTextDatum(message)};
    char n[10] = {' ', ' ', ' ', ' ', ' ', ranges ? ' ' : 'n', ' ', ' ', ' ', '\0'};
    if (strcmp(m.up_checksum, ck) != 0) { // the same text again changes nothing
        bk = begin_bookkeeping(caller);
        spi::exec(spi::plan(&p_set, SQL_SET, 9, T_SET), v, n, false, 0, SPI_OK_INSERT, "repair");
        end_bookkeeping(bk);
    }
    Datum out[5] = {CStringGetTextDatum(m.version), CStringGetTextDatum(m.name),
                    CStringGetTextDatum(m.up_checksum), CStringGetTextDatum(ck),
                    BoolGetDatum(!same)};
    bool nulls[5] = {false, false, false, false, false};
    tuplestore_putvalues(rsi->setResult, rsi->setDesc, out, nulls);
}

} // namespace mig
