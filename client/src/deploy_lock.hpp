// The deploy lock (mig.lock): taken at the start of every transaction that changes migrations.
#pragma once
#include "context.hpp"
#include "pg_conn.hpp"

namespace mig::client {

// BEGIN; takes the deploy lock (polling while another deployer holds it, showing who) and sets
// lock_timeout/statement_timeout for the transaction. Throws ConnectError after --lock-wait.
void begin_locked(Conn &c, const Context &ctx);
// One attempt of begin_locked: false (rolled back) when another deployer holds the lock.
bool try_begin_locked(Conn &c, const Context &ctx);

} // namespace mig::client
