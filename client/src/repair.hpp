// repair.hpp: storing a migration's scripts again from the folder, for the ways out of a folder
// that no longer matches the server (docs/troubleshooting.md): `pgmig repair` (cmd_repair.cpp)
// and `up` storing a down script the server did not have (deploy.cpp).
#pragma once
#include "layouts/layout.hpp"
#include "pg_conn.hpp"
#include "sync.hpp"

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace mig::client {

// A migration's scripts as the folder holds them now, with their checksums.
struct HeldScripts {
    std::string up, up_checksum;
    std::optional<std::string> down, down_checksum; // nullopt: no down file
};

// Reads m's scripts whole (InputError naming every bad file).
HeldScripts read_held(Folder &f, Migration &m);

// mig.set_down of each applied migration that had no down script on the server and whose file
// now has one (SyncPlan::add_down), in the open transaction; one line each on stderr unless
// quiet: "pgmig: stored the down script of applied migration V (FILE): the database had none"
// ("would store" in a dry run, whose transaction is rolled back).
void store_new_downs(Conn &c, Folder &f,
                     const std::vector<std::pair<Migration *, const ServerRow *>> &which,
                     bool quiet, bool dry_run);

} // namespace mig::client
