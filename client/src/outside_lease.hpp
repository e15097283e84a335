// The lease of a non-transactional migration (mig.lease; docs/cli.md, "Locking and timeouts").
// Such a migration runs outside any transaction, so outside the deploy lock: its deployer takes
// the lease while it holds the lock, renews it before each statement and releases it at the end.
// Every deployer that takes the lock checks the lease and, while another's is alive, gives the
// lock back and waits like for the lock itself: in no transaction, so that the holder's
// CREATE INDEX CONCURRENTLY does not wait for it. Nothing is kept in the session (a pooler in
// transaction mode may change the server connection between transactions).
#pragma once
#include "pg_conn.hpp"

#include <optional>
#include <string>

namespace mig::client {

// Another deployer's lease, as mig.lease returns it.
struct Lease {
    std::string pid, application_name, role, version, direction;
    int stmt_no = 0; // the statement it was about to run or running (0: none yet)
    bool alive = false;
};

// This process's token: its leases are its own whatever server connection renews them.
const std::string &lease_token();

// The SQL condition, for a query of the transaction that just took the deploy lock, that no one
// else holds a live lease ($n: the token).
std::string lease_free_sql(int n);

// Another deployer's live lease (checked under a short lock of its own), for the waiting message.
std::optional<Lease> live_lease(Conn &c);

// Takes the lease for statement stmt_no of version's up or down script (in the transaction
// holding the deploy lock) or renews it (before each statement, in no transaction). Returns the
// dead lease it replaced: the statement a deploy that died was about to run or running.
std::optional<Lease> take_lease(Conn &c, const std::string &version, bool down, int stmt_no);

// Gives the lease back (best effort: a lease not renewed dies within seconds anyway).
void release_lease(Conn &c);

// "pid N (application, user R), which runs migration V outside a transaction"
std::string describe(const Lease &l);

} // namespace mig::client
