// log_chain.cpp: mig.log as a hash chain (log_chain.hpp). PG zone.
#include "log_chain.hpp"

#include "runner.hpp"
#include "spi.hpp"

namespace mig {

// The columns that are hashed, in this order (`hash` itself is not).
static const char *const kHashed[] = {"id",      "at",       "action",      "version",
                                      "name",    "batch",    "duration",    "checksum",
                                      "role",    "client_addr", "application_name", "sqlstate",
                                      "message"};

// One column as text that no setting (DateStyle, TimeZone, IntervalStyle) changes.
static char *column_text(Datum d, Oid type) {
    switch (type) {
    case TIMESTAMPTZOID:
        return psprintf(INT64_FORMAT, (int64)DatumGetTimestampTz(d));
    case INTERVALOID: {
        Interval *iv = DatumGetIntervalP(d);
        return psprintf("%d:%d:" INT64_FORMAT, iv->month, iv->day, (int64)iv->time);
    }
    default: {
        Oid out;
        bool varlena;
        getTypeOutputInfo(type, &out, &varlena);
        return OidOutputFunctionCall(out, d);
    }
    }
}

void log_row_hash(const char *prev, HeapTuple row, TupleDesc desc, char out[65]) {
    StringInfoData s;
    initStringInfo(&s);
    appendStringInfo(&s, "pgmig-log-1 %s", prev ? prev : "-");
    for (const char *col : kHashed) {
        int attno = SPI_fnumber(desc, col);
        if (attno <= 0)
            elog(ERROR, "pgmig: mig.log has no column %s", col);
        bool isnull;
        Datum d = heap_getattr(row, attno, desc, &isnull);
        if (isnull) {
            appendStringInfoString(&s, " N");
            continue;
        }
        char *v = column_text(d, TupleDescAttr(desc, attno - 1)->atttypid);
        // length-prefixed: no value can imitate a separator
        appendStringInfo(&s, " %zu:%s", strlen(v), v);
    }
    sha256_hex(s.data, (size_t)s.len, out);
    pfree(s.data);
}

// The hash this backend wrote last, while it is still the latest row: same transaction and
// subtransaction (the deploy lock keeps other writers out meanwhile).
static struct {
    LocalTransactionId lxid;
    SubTransactionId subxid;
    int64 id;
    char hash[65];
} g_last = {InvalidLocalTransactionId, InvalidSubTransactionId, 0, ""};

static const char *const SQL_PREVIOUS =
    "SELECT l.hash FROM mig.log l WHERE l.id OPERATOR(pg_catalog.<) $1 ORDER BY l.id DESC LIMIT 1";
static SPIPlanPtr p_previous;

// The previous row's hash (NULL for the first row); palloc'd.
static char *previous_hash(int64 id) {
    if (g_last.lxid == MyProc->lxid && g_last.subxid == GetCurrentSubTransactionId() &&
        g_last.id < id)
        return pstrdup(g_last.hash);
    MemoryContext cxt = CurrentMemoryContext;
    spi::connect();
    static const Oid types[1] = {INT8OID};
    Datum arg = Int64GetDatum(id);
    spi::exec(spi::plan(&p_previous, SQL_PREVIOUS, 1, types), &arg, nullptr, true, 1,
              SPI_OK_SELECT, "previous log hash");
    char *prev = SPI_processed == 1 ? spi::get_text(0, 1, cxt) : nullptr;
    spi::finish();
    return prev;
}

HeapTuple log_chain_trigger(FunctionCallInfo fcinfo) {
    if (!CALLED_AS_TRIGGER(fcinfo))
        elog(ERROR, "pgmig: mig._log_chain() must be a BEFORE INSERT FOR EACH ROW trigger");
    TriggerData *td = (TriggerData *)fcinfo->context;
    if ( !TRIGGER_FIRED_BEFORE(td->tg_event) ||
        !TRIGGER_FIRED_FOR_ROW(td->tg_event) || !TRIGGER_FIRED_BY_INSERT(td->tg_event))
        elog(ERROR, "pgmig: mig._log_chain() must be a BEFORE INSERT FOR EACH ROW trigger");
    TupleDesc desc = td->tg_relation->rd_att;
    HeapTuple row = td->tg_trigtuple;
    bool isnull;
    int64 id = DatumGetInt64(heap_getattr(row, SPI_fnumber(desc, "id"), desc, &isnull));
    char *prev = previous_hash(id);
    char hash[65];
    log_row_hash(prev, row, desc, hash);
    int col = SPI_fnumber(desc, "hash");
    Datum value = CStringGetTextDatum(hash);
    bool null = false;
    HeapTuple out = heap_modify_tuple_by_cols(row, desc, 1, &col, &value, &null);
    g_last.lxid = MyProc->lxid;
    g_last.subxid = GetCurrentSubTransactionId();
    g_last.id = id;
    memcpy(g_last.hash, hash, sizeof hash);
    return out;
}

} // namespace mig
