// rows.cpp: arrays of table rows for bulk inserts (rows.hpp). PG zone.
#include "rows.hpp"

namespace mig {

void rows_begin(RowArray *a, const char *table, int maxrows) {
    a->table = table;
    Oid rel = get_relname_relid(table, get_namespace_oid("mig", false));
    if (!OidIsValid(rel))
        elog(ERROR, "pgmig: table mig.%s is missing", table);
    a->rowtype = get_rel_type_id(rel);
    a->arraytype = get_array_type(a->rowtype);
    if (!OidIsValid(a->arraytype))
        elog(ERROR, "pgmig: type mig.%s[] is missing", table);
    // a copy, so that no tuple descriptor reference is held across the caller's SPI calls
    TupleDesc td = lookup_rowtype_tupdesc(a->rowtype, -1);
    a->desc = CreateTupleDescCopy(td);
    ReleaseTupleDesc(td);
    a->desc->tdtypeid = a->rowtype;
    a->desc->tdtypmod = -1;
    a->values = (Datum *)palloc0(sizeof(Datum) * (a->desc->natts > 0 ? a->desc->natts : 1));
    a->nulls = (bool *)palloc(sizeof(bool) * (a->desc->natts > 0 ? a->desc->natts : 1));
    memset(a->nulls, true, sizeof(bool) * a->desc->natts);
    a->maxrows = maxrows > 0 ? maxrows : 1;
    a->rows = (Datum *)palloc(sizeof(Datum) * a->maxrows);
    a->nrows = 0;
}

int rows_column(const RowArray *a, const char *column) {
    for (int i = 0; i < a->desc->natts; i++) {
        Form_pg_attribute att = TupleDescAttr(a->desc, i);
        if (!att->attisdropped && strcmp(NameStr(att->attname), column) == 0)
            return i;
    }
    // the message an INSERT naming the column would give (a migration altered pgmig's table)
    ereport(ERROR, (errcode(ERRCODE_UNDEFINED_COLUMN),
                    errmsg("column \"%s\" of relation \"%s\" does not exist", column, a->table)));
    return -1;
}

void rows_set(RowArray *a, int i, Datum value) {
    a->values[i] = value;
    a->nulls[i] = false;
}

void rows_add(RowArray *a) {
    if (a->nrows >= a->maxrows)
        elog(ERROR, "pgmig: too many rows for the array");
    HeapTuple t = heap_form_tuple(a->desc, a->values, a->nulls);
    a->rows[a->nrows++] = HeapTupleGetDatum(t);
    memset(a->nulls, true, sizeof(bool) * a->desc->natts);
}

Datum rows_finish(RowArray *a) {
    int16 len;
    bool byval;
    char align;
    get_typlenbyvalalign(a->rowtype, &len, &byval, &align);
    return PointerGetDatum(construct_array(a->rows, a->nrows, a->rowtype, len, byval, align));
}

} // namespace mig
