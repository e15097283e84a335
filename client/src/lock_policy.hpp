// How long a statement may try for a lock (docs/safety.md, "Lock timeouts: retry the
// statement"): the bounds --lock-retries and --lock-wait-max give, and the back-off between
// attempts. Pure; the extension's runner applies the same rule in the server (lock_retry.cpp).
#pragma once
#include <optional>
#include <string>

namespace mig::client {

struct LockPolicy {
    int retries = 10;     // --lock-retries: attempts after the first (0: none)
    double wait_max = 60; // --lock-wait-max in seconds (0: bounded by retries alone)
    std::string wait_max_setting = "60s"; // as given, for pgmig.lock_wait_max
};

// A PostgreSQL time setting ("5s", "500ms", "2min", "1.5h", a bare number of milliseconds) in
// seconds; nullopt when it is not one.
std::optional<double> setting_seconds(const std::string &setting);

// The wait before retry `retry` (1, 2, …) in seconds: 0.1 s doubling to 5 s, drawn between half
// of it and all of it by `unit_random` in [0, 1).
double lock_backoff(int retry, double unit_random);

// Whether retry `retry` (1, 2, …) may start after `elapsed` seconds and a back-off of `next`.
bool may_retry(const LockPolicy &p, int retry, double elapsed, double next);

} // namespace mig::client
