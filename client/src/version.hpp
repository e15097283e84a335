// Migration versions as the client reads them from file names. Their order (compare_versions,
// canonical_version, VersionLess) is common/version_order.hpp's, the same code as the server's
// sort key.
#pragma once
#include "version_order.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace mig::client {

using mig::canonical_version;
using mig::compare_versions;
using mig::VersionLess;

// Normalises a version as written in a file name: '-' dropped; with flyway=true, '_' separates
// groups like '.'. Returns nullopt unless the result is digits in '.'-separated non-empty groups.
std::optional<std::string> normalize_version(std::string_view raw, bool flyway = false);

// Adds one to a digit string keeping its width when possible ("0009" -> "0010", "99" -> "100").
std::string increment_digits(const std::string &digits);

} // namespace mig::client
