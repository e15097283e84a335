// How the server names the migration it runs, read back: pg_stat_activity's comment
// ("pgmig: applying V NAME", apply_watch.hpp) and the NOTICEs of pgmig.progress (docs/sql-api.md,
// "Settings").
#pragma once
#include <optional>
#include <string>
#include <string_view>

namespace mig::client {

struct ProgressNotice {
    std::string verb;    // applying, applied, rolling back, rolled back
    std::string version; // never has a space
    std::string name;
    double seconds = -1; // of an end notice
};

// "pgmig: applying V NAME", "pgmig: applied V NAME in 1.234 ms"; nullopt for anything else.
std::optional<ProgressNotice> parse_progress_notice(std::string_view message, bool start);

} // namespace mig::client
