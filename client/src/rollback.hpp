// Rolling back through mig.rollback*, with non-transactional downs run statement by statement.
#pragma once
#include "context.hpp"
#include "pg_conn.hpp"

#include <string>

namespace mig::client {

enum class RollbackMode { Steps, To, Batch, All };

struct RollbackRequest {
    RollbackMode mode = RollbackMode::Steps;
    int steps = 1;
    std::string version; // for To
};

// Returns the exit code. `f` (may be null) maps errors back to down files.
int rollback(Context &ctx, Conn &c, const Folder *f, const RollbackRequest &req);

} // namespace mig::client
