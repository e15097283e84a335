// record.cpp: mig.baseline, mig.adopt, mig.adopt_repeatable, mig.record_statement,
// mig.record_failure, mig.vouch, mig.lease. PG zone (deploy.hpp).
//
// Their bookkeeping is PL/pgSQL in the install script (mig._baseline, mig._record_statement,
// mig._record_failure, mig._vouch, mig._lease), executable by the extension's owner only. These
// take the deploy lock and call them as the owner, naming the calling role, which a deployer
// therefore cannot choose.
#include "deploy.hpp"

#include "bookkeeping.hpp"
#include "spi.hpp"

namespace mig {

static const char *const SQL_BASELINE = "SELECT * FROM mig._baseline($1, $2)";
static const char *const SQL_RECORD_STATEMENT =
    "SELECT mig._record_statement($1, $2, $3, $4, $5, $6)";
static const char *const SQL_RECORD_FAILURE = "SELECT mig._record_failure($1, $2, $3, $4, $5, $6)";
static const char *const SQL_VOUCH = "SELECT * FROM mig._vouch($1, $2, $3, $4)";
static const char *const SQL_ADOPT = "SELECT * FROM mig._adopt($1, $2, $3)";
static const char *const SQL_LEASE = "SELECT * FROM mig._lease($1, $2, $3, $4, $5, $6)";
static const char *const SQL_ADOPT_REPEATABLE =
    "SELECT * FROM mig._adopt_repeatable($1, $2, $3, $4)";

static SPIPlanPtr p_baseline, p_record_statement, p_record_failure, p_vouch, p_adopt,
    p_adopt_repeatable, p_lease;

static const Oid T_BASELINE[] = {NAMEOID, TEXTOID};
static const Oid T_RECORD_STATEMENT[] = {NAMEOID, TEXTOID, INT4OID, TEXTOID, INTERVALOID, BOOLOID};
static const Oid T_RECORD_FAILURE[] = {NAMEOID, TEXTOID, INT4OID, TEXTOID, TEXTOID, TEXTOID};
static const Oid T_VOUCH[] = {NAMEOID, TEXTARRAYOID, TEXTARRAYOID, TEXTARRAYOID};
static const Oid T_ADOPT[] = {NAMEOID, TEXTARRAYOID, TEXTOID};
static const Oid T_ADOPT_REPEATABLE[] = {NAMEOID, TEXTOID, TEXTOID, TEXTOID};
static const Oid T_LEASE[] = {NAMEOID, TEXTOID, TEXTOID, TEXTOID, TEXTOID, INT4OID};

// Runs one internal call with `args` after $1 (the caller), as the owner. args[i] NULL where
// nulls[i] == 'n'. SPI connected.
static void call_internal(SPIPlanPtr *slot, const char *sql, int nargs, const Oid *types,
                          const Datum *args, const char *nulls) {
    Caller caller = capture_caller();
    deploy_lock(true);
    Datum *v = (Datum *)palloc(sizeof(Datum) * (nargs + 1));
    char *n = (char *)palloc(nargs + 2);
    v[0] = caller.role;
    n[0] = ' ';
    for (int i = 0; i < nargs; i++) {
        v[i + 1] = args[i];
        n[i + 1] = nulls ? nulls[i] : ' ';
    }
    n[nargs + 1] = '\0';
    BookkeepingScope bk = begin_bookkeeping(caller);
    spi::exec(spi::plan(slot, sql, nargs + 1, types), v, n, false, 0, SPI_OK_SELECT, sql);
    end_bookkeeping(bk);
}

// The rows of the last internal call into rsi's tuplestore (same row type).
static void put_rows(ReturnSetInfo *rsi) {
    TupleDesc td = SPI_tuptable->tupdesc;
    Datum *v = (Datum *)palloc(sizeof(Datum) * td->natts);
    bool *n = (bool *)palloc(sizeof(bool) * td->natts);
    for (uint64 r = 0; r < SPI_processed; r++) {
        heap_deform_tuple(SPI_tuptable->vals[r], td, v, n);
        tuplestore_putvalues(rsi->setResult, rsi->setDesc, v, n);
    }
}

void baseline_pg(ReturnSetInfo *rsi, Datum version) {
    call_internal(&p_baseline, SQL_BASELINE, 1, T_BASELINE, &version, nullptr);
    put_rows(rsi);
}

Datum record_statement_pg(const Datum *args, bool duration_null, MemoryContext cxt) {
    char nulls[5] = {' ', ' ', ' ', duration_null ? 'n' : ' ', ' '};
    call_internal(&p_record_statement, SQL_RECORD_STATEMENT, 5, T_RECORD_STATEMENT, args, nulls);
    bool isnull;
    Datum d = spi::get_datum(0, 1, &isnull);
    MemoryContext old = MemoryContextSwitchTo(cxt);
    Datum out = datumCopy(d, false, -1);
    MemoryContextSwitchTo(old);
    return out;
}

void record_failure_pg(const Datum *args) {
    call_internal(&p_record_failure, SQL_RECORD_FAILURE, 5, T_RECORD_FAILURE, args, nullptr);
}

void adopt_pg(ReturnSetInfo *rsi, const Datum *args) {
    call_internal(&p_adopt, SQL_ADOPT, 2, T_ADOPT, args, nullptr);
    put_rows(rsi);
}

void adopt_repeatable_pg(ReturnSetInfo *rsi, const Datum *args) {
    call_internal(&p_adopt_repeatable, SQL_ADOPT_REPEATABLE, 3, T_ADOPT_REPEATABLE, args, nullptr);
    put_rows(rsi);
}

void vouch_pg(ReturnSetInfo *rsi, const Datum *args) {
    call_internal(&p_vouch, SQL_VOUCH, 3, T_VOUCH, args, nullptr);
    put_rows(rsi);
}

void lease_pg(ReturnSetInfo *rsi, const Datum *args, const char *nulls) {
    call_internal(&p_lease, SQL_LEASE, 5, T_LEASE, args, nulls);
    put_rows(rsi);
}

} // namespace mig
