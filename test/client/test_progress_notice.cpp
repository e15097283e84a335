// The server's progress NOTICEs (extension/src/progress.cpp) read back by the client.
#include "progress_notice.hpp"

#include <gtest/gtest.h>

using mig::client::parse_progress_notice;

TEST(ProgressNotice, StartNamesVersionAndName) {
    auto n = parse_progress_notice("pgmig: applying 20240101120000 add users table", true);
    ASSERT_TRUE(n);
    EXPECT_EQ(n->verb, "applying");
    EXPECT_EQ(n->version, "20240101120000");
    EXPECT_EQ(n->name, "add users table");
    EXPECT_LT(n->seconds, 0);
}

TEST(ProgressNotice, EndCarriesTheDuration) {
    auto n = parse_progress_notice("pgmig: applied 7 log in users in 12.500 ms", false);
    ASSERT_TRUE(n);
    EXPECT_EQ(n->verb, "applied");
    EXPECT_EQ(n->version, "7");
    EXPECT_EQ(n->name, "log in users"); // " in " inside the name
    EXPECT_DOUBLE_EQ(n->seconds, 0.0125);
}

TEST(ProgressNotice, RollbackVerbs) {
    auto s = parse_progress_notice("pgmig: rolling back 3 x", true);
    ASSERT_TRUE(s);
    EXPECT_EQ(s->verb, "rolling back");
    auto e = parse_progress_notice("pgmig: rolled back 3 x in 0.010 ms", false);
    ASSERT_TRUE(e);
    EXPECT_EQ(e->verb, "rolled back");
    EXPECT_EQ(e->name, "x");
}

TEST(ProgressNotice, AnythingElseIsNotOne) {
    EXPECT_FALSE(parse_progress_notice("some notice", true));
    EXPECT_FALSE(parse_progress_notice("pgmig: applying", true));
    EXPECT_FALSE(parse_progress_notice("pgmig: applied 1 x", false)); // no duration
    EXPECT_FALSE(parse_progress_notice("pgmig: applied 1 x in abc ms", false));
    EXPECT_FALSE(parse_progress_notice("pgmig: dropping 1 x", true));
}
