// options.hpp: reading the `options jsonb` argument of mig.upload / mig.apply_repeatable. PG zone.
#pragma once

#include "pg_includes.hpp"

namespace mig {

// ERROR unless options is NULL or a JSON object.
void require_object(Jsonb *options);

// options->key as a boolean (true/false or a string parse_bool accepts); dflt when absent or
// null; ERROR for anything else.
bool opt_bool(Jsonb *options, const char *key, bool dflt);

// options->key as a palloc'd string; NULL when absent or not a string.
char *opt_str(Jsonb *options, const char *key);

} // namespace mig
