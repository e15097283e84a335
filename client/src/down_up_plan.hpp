// What redo, reset and goto will do (down_up.hpp runs it): the migrations their rollback undoes,
// those their deploy then applies, and which parts of that commit separately. Pure logic, from
// the server's tables and the folder.
#pragma once
#include "layouts/layout.hpp"
#include "transactions.hpp"

#include <optional>
#include <string>
#include <vector>

namespace mig::client {

// One migration the server knows (kTouchedSql in down_up.cpp), in version order.
struct Touched {
    std::string version, name;
    bool applied = false; // a row of mig.applied (what mig.rollback undoes), whatever its state
    bool pending = false; // mig.apply would run it (mig.pending)
    bool transactional = true;       // its up
    bool ends_transaction = false;   // its up adds an enum label
    bool down_in_transaction = true; // mig.rollback can undo it (else: statement by statement)
};

// Which applied migrations the rollback undoes: the last `steps` (-1: no limit) of those above
// `above` (nullopt: all).
struct DownRange {
    int steps = -1;
    std::optional<std::string> above;
};

struct DownUpPlan {
    std::vector<Touched> downs; // newest first, as mig.rollback undoes them
    std::vector<PlanRow> ups;   // what the deploy applies, in order (a prediction: see below)
};

// `server`: every migration the server knows, in version order. `up_to`: the deploy's target
// (nullopt: everything; no deploy at all when `deploy` is false). The ups are the migrations
// rolled back or pending, up to the target, and the folder's migrations the server does not
// know yet (transactional unless their file says otherwise: the server's classification at
// upload may still find a non-transactional statement).
DownUpPlan plan_down_up(const std::vector<Touched> &server, const Folder &f, const DownRange &range,
                        bool deploy, const std::optional<std::string> &up_to);

// Whether the whole of it runs in one transaction.
bool atomic(const DownUpPlan &p);

// The lines that say, before anything runs, which parts commit separately (none when it is
// atomic), each starting with "VERB: ".
std::vector<std::string> separate_commits(const std::string &verb, const DownUpPlan &p);

} // namespace mig::client
