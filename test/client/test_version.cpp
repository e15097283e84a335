#include "version.hpp"

#include <algorithm>
#include <gtest/gtest.h>
#include <vector>

using namespace mig::client;

TEST(Version, NormalizeDropsDashes) {
    EXPECT_EQ(normalize_version("2017-09-26-200549"), "20170926200549");
    EXPECT_EQ(normalize_version("2024-01-15"), "20240115");
}

TEST(Version, NormalizeFlywayUnderscore) {
    EXPECT_EQ(normalize_version("1_1", true), "1.1");
    EXPECT_EQ(normalize_version("2.1", true), "2.1");
    EXPECT_EQ(normalize_version("1_1"), std::nullopt);
}

TEST(Version, RejectsGarbage) {
    EXPECT_EQ(normalize_version(""), std::nullopt);
    EXPECT_EQ(normalize_version("1..2"), std::nullopt);
    EXPECT_EQ(normalize_version(".1"), std::nullopt);
    EXPECT_EQ(normalize_version("1."), std::nullopt);
    EXPECT_EQ(normalize_version("v1"), std::nullopt);
    EXPECT_EQ(normalize_version("-"), std::nullopt);
}

TEST(Version, TwentyDigitsBeyond64Bits) {
    EXPECT_LT(compare_versions("20150100000001000000", "20150100000001000001"), 0);
    EXPECT_GT(compare_versions("99999999999999999999", "18446744073709551615"), 0);
    EXPECT_GT(compare_versions("100000000000000000000", "99999999999999999999"), 0);
}

TEST(Version, LeadingZerosIgnored) {
    EXPECT_EQ(compare_versions("0001", "1"), 0);
    EXPECT_EQ(canonical_version("0001"), "1");
    EXPECT_EQ(canonical_version("01.002"), "1.2");
    EXPECT_EQ(canonical_version("0000"), "0");
    EXPECT_LT(compare_versions("9", "10"), 0);
    EXPECT_LT(compare_versions("009", "10"), 0);
}

TEST(Version, DottedGroups) {
    EXPECT_LT(compare_versions("2.1", "2.10"), 0);
    EXPECT_LT(compare_versions("2.10", "17.1"), 0);
    EXPECT_LT(compare_versions("1.2", "1.10"), 0);
    EXPECT_LT(compare_versions("1.10", "2"), 0);
    EXPECT_LT(compare_versions("1", "1.0"), 0);
    EXPECT_LT(compare_versions("1.0", "1.1"), 0);
}

TEST(Version, DieselAfterPlainTimestamp) {
    auto a = *normalize_version("2017-09-26-200549");
    EXPECT_GT(compare_versions(a, "20170728002039"), 0);
}

TEST(Version, SortOrder) {
    std::vector<std::string> v = {"10", "2", "1.10", "1.2", "001", "1.0"};
    std::sort(v.begin(), v.end(), VersionLess{});
    EXPECT_EQ(v, (std::vector<std::string>{"001", "1.0", "1.2", "1.10", "2", "10"}));
}

TEST(Version, Increment) {
    EXPECT_EQ(increment_digits("0009"), "0010");
    EXPECT_EQ(increment_digits("99"), "100");
    EXPECT_EQ(increment_digits("20150100000001000000"), "20150100000001000001");
}
