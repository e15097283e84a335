#include "transactions.hpp"

namespace mig::client {

std::vector<Transaction> transactions(const std::vector<PlanRow> &plan, bool per_migration) {
    std::vector<Transaction> out;
    size_t i = 0;
    while (i < plan.size()) {
        Transaction t;
        t.begin = i;
        if (!plan[i].transactional) {
            t.outside = true;
            t.end = ++i;
            out.push_back(t);
            continue;
        }
        while (i < plan.size() && plan[i].transactional) {
            ++i;
            if (per_migration || plan[i - 1].ends_transaction)
                break;
        }
        t.end = i;
        t.ends_with_enum_label = plan[i - 1].ends_transaction;
        out.push_back(t);
    }
    return out;
}

bool one_transaction(const std::vector<PlanRow> &plan) {
    auto t = transactions(plan, false);
    return t.empty() || (t.size() == 1 && !t[0].outside);
}

} // namespace mig::client
