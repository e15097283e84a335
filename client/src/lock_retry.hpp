// Lock timeouts (55P03, from the lock_timeout pgmig sets) are retried: the transaction or
// statement that hit one runs again, up to three times, after 0.5, 1 and 2 s.
#pragma once
#include "pg_conn.hpp"

#include <functional>
#include <string>

namespace mig::client {

// What a retry says on stderr (after "warning: "): retry `retry` (1, 2, 3) after error e.
using RetryWarning = std::function<std::string(const PgError &e, int retry)>;

// After attempt `attempt` (0-based) of something on c failed with e: rolls back what is open
// (never throws), throws ConnectError(lost) when the connection is gone, and for a lock timeout
// that may be retried warns, waits and returns true. False: e is the caller's to report.
bool retry_after(Conn &c, const PgError &e, int attempt, const std::string &lost,
                 const RetryWarning &warning);

// Runs once() until it ends without a lock timeout, as retry_after decides; returns what it
// returns. Any other PgError, and the fourth lock timeout, propagate (after the rollback).
template <class F>
auto with_lock_retry(Conn &c, const std::string &lost, const RetryWarning &warning, F &&once)
    -> decltype(once()) {
    for (int attempt = 0;; ++attempt) {
        try {
            return once();
        } catch (const PgError &e) {
            if (!retry_after(c, e, attempt, lost, warning))
                throw;
        }
    }
}

} // namespace mig::client
