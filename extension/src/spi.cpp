// spi.cpp: SPI helpers. PG zone.
#include "spi.hpp"

namespace mig::spi {

// Every slot plan() has filled, for drop_plans(). A fixed array: the slots are static variables
// of deploy.cpp, a few dozen at most.
static SPIPlanPtr *g_slots[64];
static int g_nslots = 0;

SPIPlanPtr plan(SPIPlanPtr *slot, const char *sql, int nargs, const Oid *argtypes) {
    if (*slot)
        return *slot;
    // Generic plan: a custom plan would copy every parameter value (a 50 MB script) into Consts.
    SPIPlanPtr p =
        SPI_prepare_cursor(sql, nargs, const_cast<Oid *>(argtypes), CURSOR_OPT_GENERIC_PLAN);
    if (p == nullptr)
        elog(ERROR, "pgmig: SPI_prepare failed: %s", SPI_result_code_string(SPI_result));
    if (SPI_keepplan(p) != 0)
        elog(ERROR, "pgmig: SPI_keepplan failed");
    bool known = false;
    for (int i = 0; i < g_nslots; i++)
        known = known || g_slots[i] == slot;
    if (!known && g_nslots < (int)lengthof(g_slots))
        g_slots[g_nslots++] = slot;
    *slot = p;
    return p;
}

void drop_plans() {
    for (int i = 0; i < g_nslots; i++)
        if (*g_slots[i]) {
            SPI_freeplan(*g_slots[i]);
            *g_slots[i] = nullptr;
        }
}

SPIPlanPtr plan_typed(SPIPlanPtr *slot, Oid *slot_types, const char *sql, int nargs,
                      const Oid *argtypes) {
    if (*slot && memcmp(slot_types, argtypes, sizeof(Oid) * nargs) == 0)
        return *slot;
    if (*slot) {
        SPI_freeplan(*slot);
        *slot = nullptr;
    }
    SPIPlanPtr p = plan(slot, sql, nargs, argtypes);
    memcpy(slot_types, argtypes, sizeof(Oid) * nargs);
    return p;
}

void exec(SPIPlanPtr plan, const Datum *values, const char *nulls, bool read_only, long count,
          int expect, const char *what) {
    int rc = SPI_execute_plan(plan, const_cast<Datum *>(values), nulls, read_only, count);
    if (rc != expect)
        elog(ERROR, "pgmig: internal query %s failed: %s", what, SPI_result_code_string(rc));
}

void connect() {
    int rc = SPI_connect();
    if (rc != SPI_OK_CONNECT)
        elog(ERROR, "pgmig: SPI_connect failed: %s", SPI_result_code_string(rc));
}

void finish() {
    int rc = SPI_finish();
    if (rc != SPI_OK_FINISH)
        elog(ERROR, "pgmig: SPI_finish failed: %s", SPI_result_code_string(rc));
}

Datum get_datum(int row, int col, bool *isnull) {
    return SPI_getbinval(SPI_tuptable->vals[row], SPI_tuptable->tupdesc, col, isnull);
}

char *get_text(int row, int col, MemoryContext cxt) {
    bool isnull;
    Datum d = get_datum(row, col, &isnull);
    if (isnull)
        return nullptr;
    MemoryContext old = MemoryContextSwitchTo(cxt);
    char *s = text_to_cstring(DatumGetTextPP(d));
    MemoryContextSwitchTo(old);
    return s;
}

bool get_bool(int row, int col, bool *isnull) {
    bool n;
    Datum d = get_datum(row, col, &n);
    if (isnull)
        *isnull = n;
    return n ? false : DatumGetBool(d);
}

int32 get_int(int row, int col, bool *isnull) {
    bool n;
    Datum d = get_datum(row, col, &n);
    if (isnull)
        *isnull = n;
    return n ? 0 : DatumGetInt32(d);
}

} // namespace mig::spi
