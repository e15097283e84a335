#include "deploy_lock.hpp"

#include "errors.hpp"
#include "outside_lease.hpp"

#include <chrono>
#include <fmt/format.h>
#include <thread>

namespace mig::client {
namespace {

using Clock = std::chrono::steady_clock;

// Who holds the deploy lock, or the lease of a non-transactional migration (outside_lease.hpp),
// for the waiting message and the error after --lock-wait.
std::string lock_holder(Conn &c) {
    auto h = c.exec("SELECT pid, application_name, usename, xact_start FROM mig.lock_holder()");
    if (h.rows() == 0) {
        if (auto l = live_lease(c))
            return describe(*l);
        return "another transaction";
    }
    return fmt::format("pid {} ({}, user {}, since {})", h.str(0, 0),
                       h.str(0, 1).empty() ? "no application_name" : h.str(0, 1), h.str(0, 2),
                       h.str(0, 3));
}

} // namespace

bool try_begin_locked(Conn &c, const Context &ctx) {
    std::string st = ctx.statement_timeout();
    LockPolicy lp = ctx.lock_policy();
    // the lock, and no one else running a non-transactional migration (its lease is checked
    // only once the lock is held: mig.lease waits for the lock)
    std::string lock = "SELECT CASE WHEN mig.lock(false) THEN " + lease_free_sql(5) +
                       " ELSE false END, pg_catalog.set_config('lock_timeout', $1, true), "
                       "pg_catalog.set_config('statement_timeout', "
                       "COALESCE($2, pg_catalog.current_setting('statement_timeout')), true), "
                       // a killed client's migrations stop within a second
                       "pg_catalog.set_config('client_connection_check_interval', '1s', true), "
                       // the server retries a statement after a lock timeout (docs/safety.md);
                       // an older library has no such settings (mig.lock loaded it)
                       "CASE WHEN pg_catalog.current_setting('pgmig.lock_retries', true) IS NOT "
                       "NULL THEN pg_catalog.set_config('pgmig.lock_retries', $3, true) "
                       "OPERATOR(pg_catalog.||) pg_catalog.set_config('pgmig.lock_wait_max', $4, "
                       "true) END";
    auto rs = c.pipeline(
        {{"BEGIN", {}},
         {lock,
          {ctx.lock_timeout(), st.empty() ? std::nullopt : std::optional<std::string>(st),
           std::to_string(lp.retries), lp.wait_max_setting, lease_token()}}});
    if (rs.size() == 2 && rs[1].str(0, 0) == "t")
        return true;
    c.exec("ROLLBACK");
    return false;
}

void begin_locked(Conn &c, const Context &ctx) {
    auto start = Clock::now();
    std::string last_holder;
    int polls = 0;
    while (true) {
        if (try_begin_locked(c, ctx))
            return;
        std::string holder = lock_holder(c);
        if (std::chrono::duration<double>(Clock::now() - start).count() >= ctx.lock_wait())
            throw ConnectError(fmt::format("deploy lock not obtained within {} s: held by {}",
                                           ctx.lock_wait(), holder));
        if (holder != last_holder && !ctx.opt.quiet)
            fmt::print(stderr, "waiting for the deploy lock, held by {}\n", holder);
        last_holder = holder;
        ++polls;
        std::this_thread::sleep_for(std::chrono::milliseconds(polls < 10 ? 100 : 500));
    }
}

} // namespace mig::client
