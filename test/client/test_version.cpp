#include "version.hpp"

#include <algorithm>
#include <gtest/gtest.h>
#include <vector>

using namespace mig::client;

TEST(Version, NormalizeDropsDashes) {
    EXPECT_EQ(normalize_version("2017-09-26-200549"), "20170926200549");
    EXPECT_EQ(normalize_version("2024-01-15"), "20240115");
}

TEST(Version, DieselSequenceAfterTheTimestampIsAGroup) {
    // diesel's newer YYYY-MM-DD-HHMMSS-NNNN: sorted by its time among the older
    // YYYY-MM-DD-HHMMSS versions, as diesel (which compares versions as strings) sorts them
    auto seq = normalize_version("2026-05-05-180007-0000");
    EXPECT_EQ(seq, "20260505180007.0000");
    auto older = normalize_version("2026-05-27-120000");
    EXPECT_EQ(older, "20260527120000");
    EXPECT_LT(compare_versions(*seq, *older), 0);
    EXPECT_LT(compare_versions("20260505180007", *seq), 0); // its own time without the sequence
    EXPECT_LT(compare_versions(*seq, *normalize_version("2026-05-05-180007-0001")), 0);
    EXPECT_LT(compare_versions("00000000000000", *seq), 0); // diesel_initial_setup first
    // only after a 14-digit timestamp, and only at a dash
    EXPECT_EQ(normalize_version("202605051800070000"), "202605051800070000");
    EXPECT_EQ(normalize_version("1234-5678-9012-34-1"), "123456789012341"); // not a time
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

// compare_versions (with its fast path for plain digit strings) against a plain reference:
// group by group, numbers compared by significant digits, a missing group sorting first.
TEST(Version, CompareMatchesReference) {
    auto groups = [](const std::string &v) {
        std::vector<std::string> out;
        size_t i = 0;
        while (true) {
            size_t e = v.find('.', i);
            std::string g = v.substr(i, e == std::string::npos ? std::string::npos : e - i);
            size_t z = g.find_first_not_of('0');
            out.push_back(z == std::string::npos ? "0" : g.substr(z));
            if (e == std::string::npos)
                return out;
            i = e + 1;
        }
    };
    auto ref = [&](const std::string &a, const std::string &b) {
        auto ga = groups(a), gb = groups(b);
        for (size_t k = 0; k < ga.size() && k < gb.size(); ++k) {
            if (ga[k].size() != gb[k].size())
                return ga[k].size() < gb[k].size() ? -1 : 1;
            if (int c = ga[k].compare(gb[k]))
                return c < 0 ? -1 : 1;
        }
        return ga.size() == gb.size() ? 0 : (ga.size() < gb.size() ? -1 : 1);
    };
    unsigned x = 7;
    auto next = [&] { return x = x * 1103515245u + 12345u, (x >> 8); };
    auto gen = [&] {
        std::string v;
        int groups_n = next() % 4 == 0 ? 1 + next() % 3 : 1;
        for (int g = 0; g < groups_n; ++g) {
            if (g)
                v += '.';
            int len = 1 + next() % 4;
            for (int k = 0; k < len; ++k)
                v += static_cast<char>('0' + (next() % 3 == 0 ? 0 : next() % 10));
        }
        return v;
    };
    for (int i = 0; i < 20000; ++i) {
        std::string a = gen(), b = gen();
        ASSERT_EQ(compare_versions(a, b), ref(a, b)) << a << " vs " << b;
        ASSERT_EQ(compare_versions(a, b) == 0, canonical_version(a) == canonical_version(b))
            << a << " vs " << b;
    }
}
