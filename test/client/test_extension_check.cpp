// The client's check of the extension's version (client/src/extension_check.hpp).
#include "extension_check.hpp"

#include <gtest/gtest.h>

using namespace mig::client;

TEST(ExtensionCheck, ComparesGroupsAsNumbers) {
    EXPECT_EQ(compare_release_versions("0.2.0", "0.2.0"), 0);
    EXPECT_LT(compare_release_versions("0.1.0", "0.2.0"), 0);
    EXPECT_GT(compare_release_versions("0.10.0", "0.9.9"), 0);
    EXPECT_LT(compare_release_versions("0.2.0", "1.0"), 0);
    EXPECT_GT(compare_release_versions("12.0", "9.99"), 0);
    EXPECT_EQ(compare_release_versions("0.010", "0.10"), 0);
    EXPECT_GT(compare_release_versions("123456789012345678901", "9"), 0); // no overflow
}

TEST(ExtensionCheck, MissingGroupsCountAsZero) {
    EXPECT_EQ(compare_release_versions("0.2", "0.2.0"), 0);
    EXPECT_LT(compare_release_versions("0.2", "0.2.1"), 0);
    EXPECT_GT(compare_release_versions("1", "0.9"), 0);
}

TEST(ExtensionCheck, TextGroupsCompareAsText) {
    EXPECT_LT(compare_release_versions("0.2.0beta", "0.2.0rc"), 0);
    EXPECT_NE(compare_release_versions("0.2.0dev", "0.2.0"), 0);
}

TEST(ExtensionCheck, Match) {
    EXPECT_EQ(match_extension(std::nullopt, "0.2.0"), ExtensionMatch::Missing);
    EXPECT_EQ(match_extension(std::string("0.2.0"), "0.2.0"), ExtensionMatch::Same);
    EXPECT_EQ(match_extension(std::string("0.1.0"), "0.2.0"), ExtensionMatch::Older);
    EXPECT_EQ(match_extension(std::string("0.3.0"), "0.2.0"), ExtensionMatch::Newer);
}

TEST(ExtensionCheck, OlderMessageNamesBothVersionsAndTheUpdate) {
    std::string m = extension_mismatch_message(ExtensionMatch::Older, "0.1.0", "0.2.0");
    EXPECT_NE(m.find("0.1.0"), std::string::npos) << m;
    EXPECT_NE(m.find("(0.2.0)"), std::string::npos) << m;
    EXPECT_NE(m.find("ALTER EXTENSION pgmig UPDATE"), std::string::npos) << m;
}

TEST(ExtensionCheck, NewerMessageAsksForANewerClient) {
    std::string m = extension_mismatch_message(ExtensionMatch::Newer, "0.3.0", "0.2.0");
    EXPECT_NE(m.find("upgrade the client to 0.3.0"), std::string::npos) << m;
    EXPECT_EQ(extension_mismatch_message(ExtensionMatch::Same, "0.2.0", "0.2.0"), "");
    EXPECT_EQ(extension_mismatch_message(ExtensionMatch::Missing, "", "0.2.0"), "");
}
