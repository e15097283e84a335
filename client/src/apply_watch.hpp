// While one mig.apply runs for long: which migration the server is running, read from its
// backend's pg_stat_activity.query ("/* pgmig: applying V NAME */ …", extension/src/progress.cpp)
// on a second connection, opened only once the apply has taken a second. That backend is the
// deploy lock's holder (mig.lock_holder), which also finds it through a pooler. A deploy of fast
// migrations pays nothing for it (the server's NOTICEs per migration, pgmig.progress, cost 10 %
// of a 1,000-migration deploy: docs/performance.md).
#pragma once
#include "context.hpp"
#include "pg_conn.hpp"

#include <chrono>
#include <memory>
#include <optional>
#include <string>

namespace mig::client {

class ApplyWatch {
  public:
    // watched: the connection running the apply (its password)
    ApplyWatch(const Context &ctx, const Conn &watched)
        : ctx_(ctx), password_(watched.password()) {}
    // Called every ~100 ms while the apply runs: the migration running now, when it changed
    // (version and name), or nullopt.
    struct Running {
        std::string version, name;
    };
    std::optional<Running> poll();
    // "V NAME" of the last one seen, for the bar, or empty
    const std::string &label() const { return label_; }

  private:
    using Clock = std::chrono::steady_clock;
    const Context &ctx_;
    std::string password_;
    Clock::time_point start_ = Clock::now(), last_poll_ = Clock::now();
    std::unique_ptr<Conn> conn_;
    bool failed_ = false; // no second connection: no more tries
    std::string label_;
};

} // namespace mig::client
