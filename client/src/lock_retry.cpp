#include "lock_retry.hpp"

#include "errors.hpp"
#include "output.hpp"

#include <chrono>
#include <random>
#include <thread>

namespace mig::client {

void roll_back_after(Conn &c, const std::string &lost) {
    bool alive = c.ok();
    c.rollback_quietly();
    if (!alive)
        throw ConnectError(lost);
}

bool statement_retry_after(Conn &c, const PgError &e, int attempt, double elapsed,
                           const LockPolicy &p, const std::string &lost,
                           const RetryWarning &warning) {
    roll_back_after(c, lost);
    if (e.sqlstate != "55P03")
        return false;
    static std::mt19937 gen{std::random_device{}()};
    double wait = lock_backoff(attempt + 1, std::uniform_real_distribution<double>(0, 1)(gen));
    if (!may_retry(p, attempt + 1, elapsed, wait))
        return false;
    warn(warning(e, attempt + 1, wait));
    std::this_thread::sleep_for(std::chrono::duration<double>(wait));
    return true;
}

} // namespace mig::client
