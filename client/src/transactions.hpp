// Where each transaction of a deploy ends: the one rule that `up`, `up --per-migration`,
// `up --dry-run` and the plan built from a first upload's results follow.
#pragma once
#include <cstddef>
#include <string>
#include <vector>

namespace mig::client {

// One row of mig.plan(target): a pending migration, in the order it is applied.
struct PlanRow {
    std::string version, name, action;
    bool transactional = true;
    bool ends_transaction = false; // it adds an enum label: later ones may use it only after a
                                   // commit
};

// The plan's rows [begin, end), applied together.
struct Transaction {
    size_t begin = 0, end = 0;
    // One non-transactional migration: run outside a transaction, statement by statement.
    bool outside = false;
    // Its last migration adds an enum label (a commit must follow before the next ones).
    bool ends_with_enum_label = false;
};

// The transactions that apply `plan`, in order. A transaction ends after a migration that adds
// an enum label, before a non-transactional migration (which is one "transaction" of its own,
// `outside`), at the end of the plan, and with per_migration after every migration.
std::vector<Transaction> transactions(const std::vector<PlanRow> &plan, bool per_migration);

// Whether the whole plan is applied by at most one transaction (no commit inside it).
bool one_transaction(const std::vector<PlanRow> &plan);

} // namespace mig::client
