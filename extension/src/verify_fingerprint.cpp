// verify_fingerprint.cpp: mig.verify's fingerprints, differences and result rows. PG zone.
#include "verify_fingerprint.hpp"

#include "spi.hpp"

namespace mig {

static const char *const SQL_HASH = "SELECT mig.fingerprint_hash()";

static const char *const SQL_ROWS = "SELECT coalesce(pg_catalog.array_agg(f.kind), '{}'), "
                                    "       coalesce(pg_catalog.array_agg(f.identity), '{}'), "
                                    "       coalesce(pg_catalog.array_agg(f.definition), '{}') "
                                    "FROM mig.fingerprint() f";

// $1, $2, $3: the earlier fingerprint's kinds, identities and definitions
static const char *const SQL_DIFF =
    "WITH b AS (SELECT x.kind, x.identity, x.definition "
    "           FROM ROWS FROM (pg_catalog.unnest($1::pg_catalog.text[]), "
    "                           pg_catalog.unnest($2::pg_catalog.text[]), "
    "                           pg_catalog.unnest($3::pg_catalog.text[])) AS x(kind, identity, "
    "definition)), "
    "a AS (SELECT f.kind, f.identity, f.definition FROM mig.fingerprint() f) "
    "SELECT d.* FROM ( "
    "  SELECT coalesce(b.kind, a.kind) AS kind, coalesce(b.identity, a.identity) AS identity, "
    "         b.definition AS before, a.definition AS after "
    "  FROM b FULL JOIN a ON a.kind OPERATOR(pg_catalog.=) b.kind "
    "                    AND a.identity OPERATOR(pg_catalog.=) b.identity "
    "  WHERE a.kind IS NULL OR b.kind IS NULL OR a.definition IS DISTINCT FROM b.definition) d "
    "ORDER BY d.kind COLLATE \"C\", d.identity COLLATE \"C\"";

static SPIPlanPtr p_hash, p_rows, p_diff;
static const Oid T_DIFF[] = {TEXTARRAYOID, TEXTARRAYOID, TEXTARRAYOID};

void verify_rows_init(VerifyRows *r, MemoryContext cxt) {
    r->n = 0;
    r->max = 16;
    r->cxt = cxt;
    r->rows = (VerifyRow *)MemoryContextAlloc(cxt, sizeof(VerifyRow) * r->max);
}

void verify_rows_add(VerifyRows *r, const VerifyRow &row) {
    if (r->n == r->max) {
        r->max *= 2;
        r->rows = (VerifyRow *)repalloc(r->rows, sizeof(VerifyRow) * r->max);
    }
    r->rows[r->n++] = row;
}

void verify_rows_put(const VerifyRows *r, ReturnSetInfo *rsi) {
    for (int i = 0; i < r->n; i++) {
        const VerifyRow &row = r->rows[i];
        const char *f[9] = {row.version,  row.name,   row.result, row.phase, row.kind,
                            row.identity, row.before, row.after,  row.detail};
        Datum values[9];
        bool nulls[9];
        for (int k = 0; k < 9; k++) {
            nulls[k] = f[k] == nullptr;
            values[k] = f[k] ? CStringGetTextDatum(f[k]) : (Datum)0;
        }
        tuplestore_putvalues(rsi->setResult, rsi->setDesc, values, nulls);
    }
}

char *fingerprint_hash(const Caller &caller, MemoryContext cxt) {
    BookkeepingScope bk = begin_bookkeeping(caller);
    spi::exec(spi::plan(&p_hash, SQL_HASH, 0, nullptr), nullptr, nullptr, false, 1, SPI_OK_SELECT,
              "fingerprint hash");
    char *h = spi::get_text(0, 1, cxt);
    end_bookkeeping(bk);
    return h;
}

FingerprintRows fingerprint_rows(const Caller &caller, MemoryContext cxt) {
    BookkeepingScope bk = begin_bookkeeping(caller);
    spi::exec(spi::plan(&p_rows, SQL_ROWS, 0, nullptr), nullptr, nullptr, false, 1, SPI_OK_SELECT,
              "fingerprint");
    FingerprintRows f;
    Datum *out[3] = {&f.kinds, &f.identities, &f.definitions};
    MemoryContext old = MemoryContextSwitchTo(cxt);
    for (int c = 0; c < 3; c++) {
        bool isnull;
        *out[c] = datumCopy(spi::get_datum(0, c + 1, &isnull), false, -1);
    }
    MemoryContextSwitchTo(old);
    end_bookkeeping(bk);
    return f;
}

int add_differences(VerifyRows *r, const Caller &caller, const FingerprintRows &before,
                    const char *version, const char *name, const char *phase) {
    BookkeepingScope bk = begin_bookkeeping(caller);
    Datum args[3] = {before.kinds, before.identities, before.definitions};
    spi::exec(spi::plan(&p_diff, SQL_DIFF, 3, T_DIFF), args, nullptr, false, 0, SPI_OK_SELECT,
              "fingerprint differences");
    int n = (int)SPI_processed;
    for (int i = 0; i < n; i++)
        verify_rows_add(r, {version, name, "differs", phase, spi::get_text(i, 1, r->cxt),
                            spi::get_text(i, 2, r->cxt), spi::get_text(i, 3, r->cxt),
                            spi::get_text(i, 4, r->cxt), nullptr});
    end_bookkeeping(bk);
    return n;
}

} // namespace mig
