// PGMIG_TRACE: phase timings on stderr, for performance work (docs/cli.md).
#pragma once

namespace mig::client {

// Prints "[trace  T ms] what" when PGMIG_TRACE is set. T counts from the first call (main()
// makes it first thing), or, when PGMIG_TRACE holds a CLOCK_REALTIME time in nanoseconds
// (`PGMIG_TRACE=$(date +%s%N) pgmig up`), from that moment: then process start-up is counted.
// Thread-safe.
void trace(const char *what);

} // namespace mig::client
