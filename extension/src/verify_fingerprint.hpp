// verify_fingerprint.hpp: what mig.verify needs besides running scripts: the catalog
// fingerprint (mig.fingerprint, in the install script) as a hash or as rows to compare later,
// the rows that differ, and a subtransaction that catches an error. PG zone.
#pragma once

#include "bookkeeping.hpp"
#include "subtransaction.hpp"

namespace mig {

// One row of mig.verify's result; NULL fields are NULL.
struct VerifyRow {
    const char *version, *name, *result, *phase, *kind, *identity, *before, *after, *detail;
};

struct VerifyRows {
    VerifyRow *rows;
    int n, max;
    MemoryContext cxt; // where rows and their strings live
};

void verify_rows_init(VerifyRows *r, MemoryContext cxt);
void verify_rows_add(VerifyRows *r, const VerifyRow &row);
// The rows, in order, to rsi's tuplestore.
void verify_rows_put(const VerifyRows *r, ReturnSetInfo *rsi);

// mig.fingerprint_hash() now, copied into cxt.
char *fingerprint_hash(const Caller &caller, MemoryContext cxt);

// mig.fingerprint() now, as three text[] (kind, identity, definition) copied into cxt.
struct FingerprintRows {
    Datum kinds, identities, definitions;
};
FingerprintRows fingerprint_rows(const Caller &caller, MemoryContext cxt);

// Adds a row (version, name, "differs", phase, kind, identity, before, after) for each object
// whose definition now differs from `before` (before NULL: new; after NULL: gone). Returns how
// many.
int add_differences(VerifyRows *r, const Caller &caller, const FingerprintRows &before,
                    const char *version, const char *name, const char *phase);

} // namespace mig
