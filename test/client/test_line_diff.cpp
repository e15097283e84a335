// line_diff: what `pgmig repair` shows of a reviewed edit.
#include "line_diff.hpp"

#include <gtest/gtest.h>

using mig::client::line_diff;
using V = std::vector<std::string>;

TEST(LineDiff, SameTextNoLines) {
    EXPECT_EQ(line_diff("a\nb\n", "a\nb\n", 10), V{});
    EXPECT_EQ(line_diff("", "", 10), V{});
}

TEST(LineDiff, AddedCommentAndReindentedLine) {
    EXPECT_EQ(line_diff("CREATE TABLE a (\nid int\n);\n",
                        "-- reviewed\nCREATE TABLE a (\n    id int\n);\n", 10),
              (V{"+1: -- reviewed", "-2: id int", "+3:     id int"}));
}

TEST(LineDiff, RemovedLineKeepsItsOwnNumber) {
    EXPECT_EQ(line_diff("a\n-- old\nb\n", "a\nb\n", 10), V{"-2: -- old"});
}

TEST(LineDiff, CappedWithACount) {
    EXPECT_EQ(line_diff("a\nb\nc\n", "x\ny\nz\n", 2),
              (V{"-1: a", "-2: b", "... 4 more changed lines"}));
}

TEST(LineDiff, NoFinalNewline) {
    EXPECT_EQ(line_diff("a", "a\n-- c", 10), V{"+2: -- c"});
}
