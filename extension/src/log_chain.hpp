// log_chain.hpp: mig.log as a hash chain. PG zone.
//
// Each row's `hash` is SHA-256 over the previous row's hash and the row's own columns, in a
// form that no setting changes (timestamps and intervals as integers, NULL marked). A deleted,
// inserted, edited or reordered row breaks the chain at that point: mig.log_verify() and
// `pgmig log --verify` find it. The chain is written by a BEFORE INSERT trigger, so every
// writer (pgmig's code, and a superuser's direct INSERT) extends it. Rows are written under the
// deploy lock, so within a (sub)transaction the previous hash is the one this backend wrote
// last; otherwise it is read back once.
#pragma once

#include "pg_includes.hpp"

namespace mig {

// Lower-case hex hash of `row` (a mig.log row with descriptor `desc`) after `prev` (NULL: the
// first row) into out[65].
void log_row_hash(const char *prev, HeapTuple row, TupleDesc desc, char out[65]);

// The BEFORE INSERT ... FOR EACH ROW trigger body: the row with its hash set.
HeapTuple log_chain_trigger(FunctionCallInfo fcinfo);

} // namespace mig
