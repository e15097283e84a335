// Migration versions: digit strings of any length in '.'-separated groups. Never parsed into a
// fixed-width integer; compared group by group as numbers written in decimal.
#pragma once
#include <optional>
#include <string>
#include <string_view>

namespace mig::client {

// Normalises a version as written in a file name: '-' dropped; with flyway=true, '_' separates
// groups like '.'. Returns nullopt unless the result is digits in '.'-separated non-empty groups.
std::optional<std::string> normalize_version(std::string_view raw, bool flyway = false);

// Same value for versions that compare equal ("0001" and "1", "01.002" and "1.2").
std::string canonical_version(std::string_view version);

// <0, 0, >0. Group by group, numerically; a prefix sorts first (1 < 1.0 < 1.1).
int compare_versions(std::string_view a, std::string_view b);

struct VersionLess {
    bool operator()(const std::string &a, const std::string &b) const {
        return compare_versions(a, b) < 0;
    }
};

// Adds one to a digit string keeping its width when possible ("0009" -> "0010", "99" -> "100").
std::string increment_digits(const std::string &digits);

} // namespace mig::client
