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

// The sort key of a version (mig.version_key, the vkey columns): bytes whose memcmp order is the
// version order and which are equal exactly for equal versions. Each group is its length (one
// byte below 255, else 0xFF and 4 bytes big-endian) then its digits; a shorter number has fewer
// digits, so the length byte decides first, and a version that is a prefix of another sorts
// first. bytea compares with memcmp: ~3x cheaper to index and check than numeric[], whose
// comparisons go through numeric_cmp per element (the bookkeeping of docs/performance.md's W1).
std::string version_key_bytes(const std::vector<std::string> &groups);
// The same as a bytea literal in hex format ("\x0131"), for SPI text parameters cast to bytea.
std::string version_key_literal(const std::vector<std::string> &groups);

} // namespace mig
