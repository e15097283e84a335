#include "outside_lease.hpp"

#include <fmt/format.h>
#include <random>
#include <unistd.h>

namespace mig::client {
namespace {

const char *const kLeaseColumns =
    "pid, application_name, role, lease_version, lease_direction, lease_stmt_no, alive";

Lease lease_row(const Result &r) {
    Lease l{r.str(0, 0), r.str(0, 1), r.str(0, 2),
            r.str(0, 3), r.str(0, 4), static_cast<int>(r.integer(0, 5)),
            r.flag(0, 6)};
    return l;
}

} // namespace

const std::string &lease_token() {
    static const std::string token = [] {
        std::random_device rd;
        return fmt::format("{:08x}{:08x}-{}", rd(), rd(), static_cast<long>(getpid()));
    }();
    return token;
}

std::string lease_free_sql(int n) {
    return fmt::format("NOT EXISTS (SELECT 1 FROM mig.lease('check', ${}) l WHERE l.alive)", n);
}

std::optional<Lease> live_lease(Conn &c) {
    auto r = c.exec(fmt::format("SELECT {} FROM mig.lease('check', $1) WHERE alive", kLeaseColumns),
                    {lease_token()});
    if (r.rows() == 0)
        return std::nullopt;
    return lease_row(r);
}

std::optional<Lease> take_lease(Conn &c, const std::string &version, bool down, int stmt_no) {
    auto r =
        c.exec(fmt::format("SELECT {} FROM mig.lease('take', $1, $2, $3, $4::int)", kLeaseColumns),
               {lease_token(), version, down ? "down" : "up", std::to_string(stmt_no)});
    if (r.rows() == 0)
        return std::nullopt;
    Lease l = lease_row(r);
    if (l.alive) // under the deploy lock, after the check: only if the check was skipped
        throw PgError(fmt::format("deploy lock not available: {}", describe(l)), "PM009");
    return l;
}

void release_lease(Conn &c) {
    try {
        if (c.ok() && !c.in_transaction())
            c.exec("SELECT 1 FROM mig.lease('release', $1)", {lease_token()});
    } catch (const PgError &) {
    }
}

std::string describe(const Lease &l) {
    return fmt::format("pid {} ({}, user {}), which runs migration {} ({} statement {}) outside a "
                       "transaction",
                       l.pid,
                       l.application_name.empty() ? "no application_name" : l.application_name,
                       l.role, l.version, l.direction, l.stmt_no);
}

} // namespace mig::client
