#include "drift.hpp"

#include "output.hpp"

#include <fmt/format.h>

namespace mig::client {

std::optional<DriftStatus> fetch_drift_status(Conn &c) {
    Result r;
    try {
        r = c.exec("SELECT capture, pg_catalog.to_json(last_deploy) OPERATOR(pg_catalog.#>>) '{}', "
                   "since_deploy, total, pg_catalog.to_json(latest) OPERATOR(pg_catalog.#>>) '{}' "
                   "FROM mig.drift_status()");
    } catch (const PgError &e) {
        if (e.sqlstate == "42883") // undefined_function: an extension without drift capture
            return std::nullopt;
        throw;
    }
    DriftStatus d;
    d.capture = r.str(0, 0);
    d.last_deploy = r.str(0, 1);
    d.since_deploy = r.integer(0, 2);
    d.total = r.integer(0, 3);
    d.latest = r.str(0, 4);
    return d;
}

void warn_about_drift(const DriftStatus &d) {
    if (d.since_deploy > 0)
        warn(fmt::format("{} change{} made outside pgmig since the last {} ({}): `pgmig drift` "
                         "lists {}",
                         d.since_deploy, d.since_deploy == 1 ? "" : "s",
                         d.last_deploy.empty() ? "installation" : "deploy",
                         d.last_deploy.empty() ? "no deploy yet" : d.last_deploy,
                         d.since_deploy == 1 ? "it" : "them"));
    if (d.capture == "unavailable")
        warn("drift capture is unavailable (the event triggers pgmig_drift_ddl and "
             "pgmig_drift_drop are missing or disabled): `pgmig drift --check` compares the "
             "catalog with the last deploy");
}

nlohmann::json drift_status_json(const std::optional<DriftStatus> &d) {
    if (!d)
        return nullptr;
    auto text = [](const std::string &s) {
        return s.empty() ? nlohmann::json(nullptr) : nlohmann::json(s);
    };
    return {{"capture", d->capture},
            {"since_last_deploy", d->since_deploy},
            {"last_deploy", text(d->last_deploy)},
            {"latest", text(d->latest)},
            {"total", d->total}};
}

} // namespace mig::client
