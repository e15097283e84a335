// Non-transactional migrations (CREATE INDEX CONCURRENTLY, ...): run statement by statement at
// top level, each recorded done as it completes, so that a failed run resumes where it stopped.
#pragma once
#include "context.hpp"
#include "layouts/layout.hpp"
#include "pg_conn.hpp"

#include <string>

namespace mig::client {

// Runs the statements of migration `version` (its down script with down) that are not recorded
// done yet. `f`: the folder, to point an error at the file (may be null). Returns 0, or the exit
// code after reporting the error.
int run_outside_transaction(const Context &ctx, Conn &c, const Folder *f,
                            const std::string &version, const std::string &name, bool down);

} // namespace mig::client
