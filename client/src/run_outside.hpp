// Non-transactional migrations (CREATE INDEX CONCURRENTLY, ...): run statement by statement at
// top level, each recorded done as it completes, so that a failed run resumes where it stopped.
#pragma once
#include "context.hpp"
#include "layouts/layout.hpp"
#include "outside_lease.hpp"
#include "pg_conn.hpp"

#include <optional>
#include <string>

namespace mig::client {

// The lease (outside_lease.hpp) taken by the caller in the transaction holding the deploy lock
// that decided to run the migration, and the dead lease it replaced.
struct LeaseTaken {
    std::optional<Lease> dead;
};

// Runs the statements of migration `version` (its down script with down) that are not recorded
// done yet, holding the lease (taken first under the deploy lock unless `taken`). `f`: the
// folder, to point an error at the file (may be null). Returns 0, or the exit code after
// reporting the error. A statement whose run a deploy that died cut, and whose effect cannot be
// known, is refused (InputError) rather than run again.
int run_outside_transaction(const Context &ctx, Conn &c, const Folder *f,
                            const std::string &version, const std::string &name, bool down,
                            const std::optional<LeaseTaken> &taken = std::nullopt);

} // namespace mig::client
