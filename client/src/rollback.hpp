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
    std::string version; // for To
    bool trust_uploads = false; // also run down scripts only the server has (vouch.hpp)
};

// The folder, read only when needed (to point an error at its down file); may return null.
using FolderSource = std::function<Folder *()>;

// Returns the exit code.
int rollback(Context &ctx, Conn &c, const FolderSource &folder, const RollbackRequest &req);

} // namespace mig::client
