// version_order.hpp: the order of migration versions, for both sides. Pure C++ (no PostgreSQL
// headers, no libpq): compiled into the extension and into the client, unit-tested without a
// server.
//
// A version is digit strings in '.'-separated groups, never parsed into a fixed-width integer.
// Versions compare group by group as numbers written in decimal (leading zeros ignored), and a
// version that is a prefix of another sorts first: 1 < 1.0 < 1.1 < 1.10 < 2 < 10.
//
// Two forms of that one order, each where it is cheapest: the server indexes a byte key
// (version_key_bytes, memcmp order), the client compares two strings without allocating
// (compare_versions). test/client/test_version_order.cpp checks on random versions that they
// agree.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#ifdef POSTGRES_H
static_assert(false, "version_order.hpp must not see PostgreSQL headers");
#endif

namespace mig {

// --- the server's sort key (mig.version_key, the vkey columns) ---------------------------------

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
// comparisons go through numeric_cmp per element (the bookkeeping and its foreign key).
std::string version_key_bytes(const std::vector<std::string> &groups);
// The same as a bytea literal in hex format ("\x0131"), for SPI text parameters cast to bytea.
std::string version_key_literal(const std::vector<std::string> &groups);

// --- the client's comparison of normalised versions (digits and '.') ---------------------------

// Same value for versions that compare equal ("0001" and "1", "01.002" and "1.2").
std::string canonical_version(std::string_view version);

// <0, 0, >0. Group by group, numerically; a prefix sorts first (1 < 1.0 < 1.1).
int compare_versions(std::string_view a, std::string_view b);

struct VersionLess {
    bool operator()(const std::string &a, const std::string &b) const {
        return compare_versions(a, b) < 0;
    }
};

} // namespace mig
