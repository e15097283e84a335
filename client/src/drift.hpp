// Drift: DDL run outside pgmig (docs/safety.md, "Drift: DDL outside pgmig"). The server records
// it in mig.drift (event triggers) and keeps the catalog's fingerprint of the last deploy
// (mig.drift_check()); `pgmig drift` lists both, `pgmig status` warns.
#pragma once
#include "pg_conn.hpp"

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace mig::client {

// mig.drift_status(): whether capture works, the last deploy, how many drift rows came since.
struct DriftStatus {
    std::string capture;     // on, off (pgmig.drift_capture), unavailable (event triggers)
    std::string last_deploy; // RFC 3339, empty: never deployed
    std::string latest;      // the newest drift row's time, empty: none
    long since_deploy = 0, total = 0;
};

// nullopt when the installed extension has no drift capture (an older 0.2.0 build).
std::optional<DriftStatus> fetch_drift_status(Conn &c);

// status's warnings: drift since the last deploy, capture unavailable.
void warn_about_drift(const DriftStatus &d);

// --json: status's "drift" object (null when the server has no drift capture).
nlohmann::json drift_status_json(const std::optional<DriftStatus> &d);

} // namespace mig::client
