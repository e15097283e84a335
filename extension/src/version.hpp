// version.hpp: pure C++ version parsing (no PostgreSQL headers; unit-testable without a server).
#pragma once

#include <optional>
#include <string>
#include <vector>

#ifdef POSTGRES_H
static_assert(false, "version.hpp must not see PostgreSQL headers");
#endif

namespace mig {

// Most digits in one group (after leading zeros): numeric's limit before the decimal point.
constexpr std::size_t kMaxGroupDigits = 131072;

// The numeric groups of a version, leading zeros stripped ("0001" -> "1", "000" -> "0").
// '-' is dropped, '.' separates groups. Returns nullopt for anything else (empty, letters,
// empty groups such as "1..2", a group of more than kMaxGroupDigits digits).
std::optional<std::vector<std::string>> parse_version(const std::string &v);

// The key as a PostgreSQL array literal of numeric: "{2017,9}". Throws nothing.
std::string version_key_literal(const std::vector<std::string> &groups);

} // namespace mig
