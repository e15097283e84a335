// Rolling back through mig.rollback*, with non-transactional downs run statement by statement.
#pragma once
#include "context.hpp"
#include "pg_conn.hpp"

#include <functional>
#include <string>

namespace mig::client {

enum class RollbackMode { Steps, To, Batch, All };

struct RollbackRequest {
    RollbackMode mode = RollbackMode::Steps;
    int steps = 1;
    std::string version;        // for To
    bool trust_uploads = false; // also run down scripts only the server has (vouch.hpp)
};

// The folder, read only when needed (to point an error at its down file); may return null.
using FolderSource = std::function<Folder *()>;

// Returns the exit code. Asks first (one small query, under the deploy lock) whether a down in
// the range must run outside a transaction: if none, the range is rolled back in one
// transaction; else one migration at a time, those downs statement by statement.
int rollback(Context &ctx, Conn &c, const FolderSource &folder, const RollbackRequest &req);

// The steps of rollback() that redo, reset and goto share (down_up.hpp).
// mig.rollback(steps) in c's open transaction, which holds the deploy lock; nothing is
// committed. Throws PgError.
Result rollback_steps_locked(Conn &c, int steps);
// A line per migration rolled back (shown with progress only); returns how many.
int print_rolled_back(const Context &ctx, const Result &r);
// "rolled back N migration(s) in T" (shown with progress only).
void print_rollback_total(const Context &ctx, int count, double secs);
// The error of a failed rollback, and what it left (`rolled_back` migrations committed before
// it); returns the exit code.
int report_rollback_failure(const Context &ctx, const PgError &e, const Folder *f, int rolled_back);

} // namespace mig::client
