// rows.hpp: many rows for one INSERT, passed as one array of the table's own row type. PG zone.
//
//   INSERT INTO mig.t SELECT u.* FROM pg_catalog.unnest($1::mig.t[]) u
//
// reads the rows with one set-returning function. The alternative, one array per column read by
// ROWS FROM (unnest($1), ..., unnest($17)), materializes every array in a tuplestore of its own:
// measured 25,600 instructions a row for mig.migration's 17 columns, against 7,400 here.
#pragma once

#include "pg_includes.hpp"

namespace mig {

struct RowArray {
    const char *table;
    Oid rowtype;   // of mig.<table>
    Oid arraytype; // mig.<table>[]
    TupleDesc desc;
    Datum *values; // the row being built, by attribute (attnum - 1); NULL unless set
    bool *nulls;
    Datum *rows; // the rows added
    int nrows, maxrows;
};

// Starts an array of rows of mig.<table> (at most maxrows).
void rows_begin(RowArray *a, const char *table, int maxrows);

// Index of a column in values/nulls; 42703 when the table has no such column (as an INSERT that
// names it would say).
int rows_column(const RowArray *a, const char *column);

// Sets column i (from rows_column) of the row being built.
void rows_set(RowArray *a, int i, Datum value);

// Adds the row being built; the next one starts all NULL.
void rows_add(RowArray *a);

// The array of the rows added (of type a->arraytype).
Datum rows_finish(RowArray *a);

} // namespace mig
