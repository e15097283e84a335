#include "lock_retry.hpp"

#include "errors.hpp"
#include "output.hpp"

#include <chrono>
#include <thread>

namespace mig::client {
namespace {

constexpr int kLockRetries = 3;

// The wait before retry `retry` (1, 2, 3): 0.5, 1, 2 s.
void lock_backoff(int retry) {
    std::this_thread::sleep_for(std::chrono::milliseconds(500 << (retry - 1)));
}

} // namespace

bool retry_after(Conn &c, const PgError &e, int attempt, const std::string &lost,
                 const RetryWarning &warning) {
    bool alive = c.ok();
    c.rollback_quietly();
    if (!alive)
        throw ConnectError(lost);
    if (e.sqlstate != "55P03" || attempt >= kLockRetries)
        return false;
    warn(warning(e, attempt + 1));
    lock_backoff(attempt + 1);
    return true;
}

} // namespace mig::client
