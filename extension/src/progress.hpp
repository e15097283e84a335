// progress.hpp: what the server tells while a batch runs, migration by migration (PG zone).
//   pg_stat_activity's query names the running migration: "/* pgmig: applying V NAME */ …".
//   pgmig.progress = on: a NOTICE as each migration starts and ends (codes PM900 and PM901),
//     which the client turns into its progress lines and bar.
//   pgmig.log_level = log (or debug1 … debug5, info, notice, warning): one server log line per
//     migration; off (the default) writes nothing.
// docs/sql-api.md, "Settings".
#pragma once

#include "todo.hpp"

namespace mig {

void progress_init(); // the settings, from _PG_init

void progress_start(const Todo &t);
void progress_end(const Todo &t);
// pg_stat_activity's query back to the statement the client sent.
void progress_done();

} // namespace mig
