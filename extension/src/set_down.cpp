// set_down.cpp: mig.set_down, the way out of a broken or missing down script. PG zone
// (deploy.hpp).
//
// The caller gives the new down script and the checksum of the up script it holds: it then
// holds the whole migration's text, so the migration becomes the caller's (uploaded_by), as
// with mig.vouch (docs/security.md). The up script is untouched; the old down checksum goes
// to the log.
#include "deploy.hpp"

#include "bookkeeping.hpp"
#include "pg_boundary.hpp"
#include "runner.hpp"
#include "script.hpp"
#include "spi.hpp"

namespace mig {

static const char *const SQL_GET =
    "SELECT m.version, m.name, m.up_checksum, m.down_checksum, "
    "       m.options OPERATOR(pg_catalog.->>) 'down_file' "
    "FROM mig.migration m WHERE m.vkey OPERATOR(pg_catalog.=) $1::pg_catalog.bytea";

// $1 key, $2 down_sql, $3 its checksum, $4 transactional, $5 statements, $6 ranges, $7 the
// caller, $8 the log's message
static const char *const SQL_SET =
    "WITH u AS (UPDATE mig.migration m SET down_sql = $2, down_checksum = $3, "
    "    down_transactional = $4, down_statements = $5, down_stmts = $6, down_error = NULL, "
    "    uploaded_by = $7 "
    "  WHERE m.vkey OPERATOR(pg_catalog.=) $1::pg_catalog.bytea RETURNING m.version, m.name) "
    "INSERT INTO mig.log (action, version, name, checksum, role, message) "
    "SELECT 'set_down', u.version, u.name, $3, $7, $8 FROM u";

static SPIPlanPtr p_get, p_set;
static const Oid T_GET[] = {TEXTOID};
static const Oid T_SET[] = {TEXTOID, TEXTOID,      TEXTOID, BOOLOID,
                            INT4OID, INT4ARRAYOID, NAMEOID, TEXTOID};

struct Stored {
    char *version, *name, *up_checksum, *down_checksum, *down_file;
};

static Stored read_stored(Datum key, const char *version, MemoryContext cxt) {
    spi::exec(spi::plan(&p_get, SQL_GET, 1, T_GET), &key, nullptr, false, 1, SPI_OK_SELECT,
              "migration");
    if (SPI_processed != 1)
        ereport(ERROR, (errcode(kErrUnknownVersion), errmsg("unknown version \"%s\"", version),
                        errhint("mig.status() lists the uploaded migrations.")));
    return Stored{spi::get_text(0, 1, cxt), spi::get_text(0, 2, cxt), spi::get_text(0, 3, cxt),
                  spi::get_text(0, 4, cxt), spi::get_text(0, 5, cxt)};
}

Datum set_down_pg(const char *key, const char *version, Datum down, const char *up_checksum) {
    MemoryContext cxt = CurrentMemoryContext;
    Caller caller = capture_caller();
    deploy_lock(true);
    Datum kd = CStringGetTextDatum(key);
    BookkeepingScope bk = begin_bookkeeping(caller);
    Stored m = read_stored(kd, version, cxt);
    end_bookkeeping(bk);
    if (strcmp(m.up_checksum, up_checksum) != 0)
        ereport(ERROR, (errcode(kErrAppliedChanged),
                        errmsg("migration %s (%s): the up script you hold is not the stored one",
                               m.version, m.name),
                        errdetail("Stored up script %s, yours %s.", m.up_checksum, up_checksum),
                        errhint("Pass the checksum of the up script of this migration "
                                "(mig.checksum(text)).")));
    char *sql = text_to_cstring(DatumGetTextPP(down));
    int len = (int)strlen(sql);
    ScriptInfo si = analyze_stored_script(sql, len, {m.version, m.name, m.down_file, true});
    char ck[65];
    sha256_hex(sql, (size_t)len, ck);
    ArrayType *ranges = statement_offsets(&si);
    char *message =
        psprintf("down script replaced (was %s)", m.down_checksum ? m.down_checksum : "none");
    Datum v[8] = {kd,
                  down,
                  CStringGetTextDatum(ck),
                  BoolGetDatum(si.transactional),
                  Int32GetDatum(si.nstmts),
                  ranges ? PointerGetDatum(ranges) : (Datum)0,
                  caller.role,
                  CStringGetTextDatum(message)};
    char n[9] = {' ', ' ', ' ', ' ', ' ', ranges ? ' ' : 'n', ' ', ' ', '\0'};
    bk = begin_bookkeeping(caller);
    spi::exec(spi::plan(&p_set, SQL_SET, 8, T_SET), v, n, false, 0, SPI_OK_INSERT, "set down");
    end_bookkeeping(bk);
    return CStringGetTextDatum(ck);
}

} // namespace mig
