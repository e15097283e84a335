// verify.hpp: mig.verify, proven rollbacks (docs/safety.md, "Proven rollbacks"). PG zone.
//
// Inside a subtransaction that is always rolled back: the catalog fingerprint (mig.fingerprint);
// every pending migration's up; fingerprint; their downs in reverse order; fingerprint, which
// must equal the first; the ups again; fingerprint, which must equal the second. Only when a
// comparison fails is the run repeated migration by migration (again rolled back), to name the
// guilty migration and the objects that differ. `each` asks for that from the start: it also
// catches a down that is wrong only until an earlier migration's down hides it (a column default
// left changed on a table that the range's first migration creates), for about four
// fingerprints per migration instead of four in all.
#pragma once

#include "pg_includes.hpp"

namespace mig {

struct VerifyRequest {
    const char *to_key;       // the last version to verify (NULL: every pending one)
    const char *to_version;   // as given
    const char *from_key;     // the first version to verify (NULL: the first pending one);
    const char *from_version; // pending migrations below it are applied first, not verified
    bool each;                // migration by migration from the start (each down restores
                              // what its own up did), not the range as a whole first
    bool trust;               // run scripts other roles uploaded
};

// mig.verify: rows (version, name, result, phase, kind, identity, before, after, detail) to rsi.
void verify_pg(ReturnSetInfo *rsi, const VerifyRequest &req);

} // namespace mig
