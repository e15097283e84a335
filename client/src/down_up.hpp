// redo, reset and goto: a rollback, then a deploy (docs/cli.md, "redo, reset, goto"). In one
// transaction when every migration involved is transactional: the deploy lock, the rollback, the
// deploy, one commit; a failure anywhere leaves everything as it was. Otherwise the parts that
// commit separately are named before anything runs, and the rollback commits first.
#pragma once
#include "context.hpp"
#include "down_up_plan.hpp"
#include "pg_conn.hpp"

#include <optional>
#include <string>

namespace mig::client {

struct DownUp {
    const char *verb = "";
    DownRange range;                  // what is rolled back
    bool deploy = true;               // false: nothing is applied after the rollback (goto 0)
    std::optional<std::string> up_to; // the deploy's target (nullopt: everything)
};

// The migrations the server knows, as plan_down_up needs them (one query).
std::vector<Touched> read_touched(Conn &c);

// Returns the exit code.
int down_then_up(Context &ctx, Conn &c, Folder &f, const DownUp &req);

} // namespace mig::client
