// Lock timeouts (55P03, from the lock_timeout pgmig sets). In a transaction the server retries
// the statement that hit one (pgmig.lock_retries, docs/safety.md): the client never runs a
// transaction again, since that would run its earlier statements twice. A statement that runs
// outside a transaction (run_outside.cpp) is its own transaction: the client retries it,
// within the same bounds (lock_policy.hpp).
#pragma once
#include "lock_policy.hpp"
#include "pg_conn.hpp"

#include <chrono>
#include <functional>
#include <string>

namespace mig::client {

// After something on c failed with e: rolls back what is open (never throws) and throws
// ConnectError(lost) when the connection is gone.
void roll_back_after(Conn &c, const std::string &lost);

// Runs once(); on a PgError rolls back (roll_back_after) and rethrows it.
template <class F>
auto rolling_back(Conn &c, const std::string &lost, F &&once) -> decltype(once()) {
    try {
        return once();
    } catch (const PgError &) {
        roll_back_after(c, lost);
        throw;
    }
}

// What a retry says on stderr (after "warning: "): retry `retry` (1, 2, …) after error e,
// `wait` seconds from now.
using RetryWarning = std::function<std::string(const PgError &e, int retry, double wait)>;

// After attempt `attempt` (0-based) of a statement on c, started `elapsed` seconds after the
// first, failed with e: rolls back (roll_back_after), and for a lock timeout the policy allows
// again warns, waits and returns true. False: e is the caller's to report.
bool statement_retry_after(Conn &c, const PgError &e, int attempt, double elapsed,
                           const LockPolicy &p, const std::string &lost,
                           const RetryWarning &warning);

// Runs once() until it ends without a lock timeout, as statement_retry_after decides.
template <class F>
auto with_statement_retry(Conn &c, const LockPolicy &p, const std::string &lost,
                          const RetryWarning &warning, F &&once) -> decltype(once()) {
    auto first = std::chrono::steady_clock::now();
    for (int attempt = 0;; ++attempt) {
        try {
            return once();
        } catch (const PgError &e) {
            double elapsed =
                std::chrono::duration<double>(std::chrono::steady_clock::now() - first).count();
            if (!statement_retry_after(c, e, attempt, elapsed, p, lost, warning))
                throw;
        }
    }
}

} // namespace mig::client
