// subtransaction.hpp: one way to run PG-zone code in an internal subtransaction (the pattern of
// PL/pgSQL's block with an EXCEPTION clause): mig.verify, mig.dry_run, the lock retry and the
// upload's analysis of a down script use it. PG zone.
#pragma once

#include "pg_includes.hpp"

namespace mig {

// Runs f() in an internal subtransaction (as PL/pgSQL runs a block with an EXCEPTION clause).
// On success its effects are kept when `keep`, else rolled back; on error they are rolled back
// and the error is returned (in the caller's memory context). NULL: no error.
template <typename F> ErrorData *in_subtransaction(F &&f, bool keep) {
    MemoryContext cxt = CurrentMemoryContext;
    ResourceOwner owner = CurrentResourceOwner;
    ErrorData *volatile err = nullptr;
    BeginInternalSubTransaction(nullptr);
    MemoryContextSwitchTo(cxt);
    PG_TRY();
    { f(); }
    PG_CATCH();
    {
        MemoryContextSwitchTo(cxt);
        err = CopyErrorData();
        FlushErrorState();
    }
    PG_END_TRY();
    if (err || !keep)
        RollbackAndReleaseCurrentSubTransaction();
    else
        ReleaseCurrentSubTransaction();
    MemoryContextSwitchTo(cxt);
    CurrentResourceOwner = owner;
    return err;
}

} // namespace mig
