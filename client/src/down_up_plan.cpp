#include "down_up_plan.hpp"

#include "version.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <set>

namespace mig::client {
namespace {

std::vector<Touched> downs_of(const std::vector<Touched> &server, const DownRange &range) {
    std::vector<Touched> out;
    for (auto it = server.rbegin(); it != server.rend(); ++it) {
        if (range.steps >= 0 && static_cast<int>(out.size()) >= range.steps)
            break;
        if (range.above && compare_versions(it->version, *range.above) <= 0)
            break;
        if (it->applied)
            out.push_back(*it);
    }
    return out;
}

bool in_target(const std::string &version, const std::optional<std::string> &up_to) {
    return !up_to || compare_versions(version, *up_to) <= 0;
}

std::vector<PlanRow> ups_of(const std::vector<Touched> &server, const Folder &f,
                            const std::vector<Touched> &downs,
                            const std::optional<std::string> &up_to) {
    std::set<std::string, VersionLess> rolled_back, known;
    for (const auto &d : downs)
        rolled_back.insert(d.version);
    std::vector<PlanRow> out;
    for (const auto &s : server) {
        known.insert(s.version);
        if ((s.pending || rolled_back.count(s.version)) && in_target(s.version, up_to))
            out.push_back({s.version, s.name, "apply", s.transactional, s.ends_transaction});
    }
    for (const auto &m : f.migrations)
        if (!m.repeatable && !known.count(m.version) && in_target(m.version, up_to))
            out.push_back({m.version, m.name, "apply", !m.no_transaction, false});
    std::stable_sort(out.begin(), out.end(), [](const PlanRow &a, const PlanRow &b) {
        return compare_versions(a.version, b.version) < 0;
    });
    return out;
}

std::string joined(const std::vector<std::string> &parts) {
    std::string out;
    for (const auto &p : parts)
        out += (out.empty() ? "" : " and ") + p;
    return out;
}

// What a commit inside the deploy also commits: the rollback (when it is still open) and the
// migrations applied in the transaction it ends (`applied`: how they are named, "" for none).
std::optional<std::string> commit_subject(bool &rollback_open, const std::string &applied) {
    std::vector<std::string> parts;
    if (rollback_open)
        parts.push_back("the rollback");
    if (!applied.empty())
        parts.push_back(applied);
    rollback_open = false;
    if (parts.empty())
        return std::nullopt;
    return joined(parts) + (applied.empty() ? " commits" : " commit");
}

// The lines for the commits the deploy makes inside its plan (transactions.hpp).
void up_commits(const std::string &verb, const std::vector<PlanRow> &ups, bool rollback_open,
                std::vector<std::string> &out) {
    auto ts = transactions(ups, false);
    for (size_t i = 0; i < ts.size(); ++i) {
        const auto &t = ts[i];
        const PlanRow &first = ups[t.begin], &last = ups[t.end - 1];
        if (t.outside) {
            bool before = i > 0 && !ts[i - 1].outside;
            if (auto s =
                    commit_subject(rollback_open, before ? "the migrations applied before it" : ""))
                out.push_back(fmt::format("{}: {} {} is non-transactional: {} before it runs "
                                          "outside a transaction",
                                          verb, first.version, first.name, *s));
            continue;
        }
        bool next_outside = i + 1 < ts.size() && ts[i + 1].outside;
        if (t.ends_with_enum_label && i + 1 < ts.size() && !next_outside) {
            auto s = commit_subject(rollback_open, "the migrations up to it");
            out.push_back(fmt::format("{}: {} {} adds an enum label: {} before the next ones run",
                                      verb, last.version, last.name, *s));
        }
    }
}

} // namespace

DownUpPlan plan_down_up(const std::vector<Touched> &server, const Folder &f, const DownRange &range,
                        bool deploy, const std::optional<std::string> &up_to) {
    DownUpPlan p;
    p.downs = downs_of(server, range);
    if (deploy)
        p.ups = ups_of(server, f, p.downs, up_to);
    return p;
}

bool atomic(const DownUpPlan &p) {
    for (const auto &d : p.downs)
        if (!d.down_in_transaction)
            return false;
    return one_transaction(p.ups);
}

std::vector<std::string> separate_commits(const std::string &verb, const DownUpPlan &p) {
    std::vector<std::string> out;
    bool downs_in_tx = true;
    for (const auto &d : p.downs) {
        if (d.down_in_transaction)
            continue;
        downs_in_tx = false;
        std::string what = !p.ups.empty() ? "the rollback commits before the up runs"
                           : p.downs.size() > 1
                               ? "the rollback commits one migration at a time"
                               : "it is rolled back outside a transaction, statement by statement";
        if (!p.ups.empty() && p.downs.size() > 1)
            what += ", one migration at a time";
        out.push_back(fmt::format("{}: {} {} has a non-transactional down: {}", verb, d.version,
                                  d.name, what));
    }
    up_commits(verb, p.ups, downs_in_tx && !p.downs.empty(), out);
    return out;
}

} // namespace mig::client
