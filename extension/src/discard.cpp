// discard.cpp: mig.discard, the way out for a pending migration whose file was deleted: it is
// removed from mig.migration, so that nothing runs it (`pgmig up` refuses to apply such a
// migration while it is there). PG zone (deploy.hpp).
//
// Removing stored SQL runs nothing, so any deployer may discard any pending migration (another
// role's upload too: the log row names its uploader). An applied migration, or one that started
// (a non-transactional one stopped part-way), has history and is refused.
#include "deploy.hpp"

#include "bookkeeping.hpp"
#include "pg_boundary.hpp"
#include "spi.hpp"

namespace mig {

static const char *const SQL_GET =
    "SELECT m.version, m.name, a.vkey IS NOT NULL, "
    "       coalesce(a.method OPERATOR(pg_catalog.=) 'baseline', false) "
    "FROM mig.migration m LEFT JOIN mig.applied a ON a.vkey OPERATOR(pg_catalog.=) m.vkey "
    "WHERE m.vkey OPERATOR(pg_catalog.=) $1::pg_catalog.bytea";

// $1 key, $2 the caller
static const char *const SQL_DELETE =
    "WITH d AS (DELETE FROM mig.migration m "
    "  WHERE m.vkey OPERATOR(pg_catalog.=) $1::pg_catalog.bytea "
    "  RETURNING m.vkey, m.version, m.name, m.up_checksum, m.uploaded_by), "
    "lg AS (INSERT INTO mig.log (action, version, name, checksum, role, message) "
    "  SELECT 'discard', d.version, d.name, d.up_checksum, $2, "
    "         pg_catalog.format('pending migration removed (uploaded by %s)', d.uploaded_by) "
    "  FROM d) "
    "SELECT d.version, d.name, d.up_checksum, d.uploaded_by FROM d";

static SPIPlanPtr p_get, p_delete;
static const Oid T_GET[] = {TEXTOID};
static const Oid T_DELETE[] = {TEXTOID, NAMEOID};

void discard_pg(ReturnSetInfo *rsi, const char *key, const char *version) {
    MemoryContext cxt = CurrentMemoryContext;
    Caller caller = capture_caller();
    deploy_lock(true);
    Datum kd = CStringGetTextDatum(key);
    BookkeepingScope bk = begin_bookkeeping(caller);
    spi::exec(spi::plan(&p_get, SQL_GET, 1, T_GET), &kd, nullptr, false, 1, SPI_OK_SELECT,
              "migration");
    if (SPI_processed != 1)
        ereport(ERROR, (errcode(kErrUnknownVersion), errmsg("unknown version \"%s\"", version),
                        errhint("mig.status() lists the uploaded migrations.")));
    char *v = spi::get_text(0, 1, cxt), *name = spi::get_text(0, 2, cxt);
    if (spi::get_bool(0, 3))
        ereport(ERROR, (errcode(kErrAlreadyApplied),
                        errmsg("migration %s (%s) is %s: only a pending migration can be discarded",
                               v, name, spi::get_bool(0, 4) ? "baselined" : "applied or started"),
                        errhint("Roll it back first (pgmig down), if it must go.")));
    Datum args[2] = {kd, caller.role};
    spi::exec(spi::plan(&p_delete, SQL_DELETE, 2, T_DELETE), args, nullptr, false, 0, SPI_OK_SELECT,
              "discard");
    TupleDesc td = SPI_tuptable->tupdesc;
    Datum out[4];
    bool nulls[4];
    heap_deform_tuple(SPI_tuptable->vals[0], td, out, nulls);
    end_bookkeeping(bk);
    tuplestore_putvalues(rsi->setResult, rsi->setDesc, out, nulls);
}

} // namespace mig
