// line_diff: what `pgmig repair` shows of a reviewed edit.
#include "line_diff.hpp"

#include <algorithm>
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

// unified_diff: what an error about an edited applied migration shows (docs/troubleshooting.md).
using mig::client::layout_only_difference;
using mig::client::unified_diff;

TEST(UnifiedDiff, OneChangedLineWithContext) {
    std::string a = "1\n2\n3\n4\n5\n6\n7\n8\n9\n", b = "1\n2\n3\n4\nfive\n6\n7\n8\n9\n";
    EXPECT_EQ(unified_diff(a, b, "old", "new", 0),
              (V{"--- old", "+++ new", "@@ -2,7 +2,7 @@", " 2", " 3", " 4", "-5", "+five", " 6",
                 " 7", " 8"}));
}

TEST(UnifiedDiff, FarApartChangesMakeTwoHunks) {
    std::string a, b;
    for (int i = 1; i <= 20; ++i) {
        a += std::to_string(i) + "\n";
        b += (i == 2    ? std::string("two")
              : i == 19 ? std::string("nineteen")
                        : std::to_string(i)) +
             "\n";
    }
    auto d = unified_diff(a, b, "a", "b", 0);
    ASSERT_GE(d.size(), 4u);
    EXPECT_EQ(d[2], "@@ -1,5 +1,5 @@");
    EXPECT_EQ(std::count_if(d.begin(), d.end(), [](const std::string &l) { return l[0] == '@'; }),
              2);
    EXPECT_NE(std::find(d.begin(), d.end(), "@@ -16,5 +16,5 @@"), d.end());
}

TEST(UnifiedDiff, CloseChangesJoinOneHunk) {
    auto d = unified_diff("a\nb\nc\nd\ne\n", "A\nb\nc\nd\nE\n", "x", "y", 0);
    EXPECT_EQ(d,
              (V{"--- x", "+++ y", "@@ -1,5 +1,5 @@", "-a", "+A", " b", " c", " d", "-e", "+E"}));
}

TEST(UnifiedDiff, PureAdditionNamesTheLineBefore) {
    EXPECT_EQ(unified_diff("a\n", "a\nb\n", "x", "y", 0),
              (V{"--- x", "+++ y", "@@ -1,1 +1,2 @@", " a", "+b"}));
    EXPECT_EQ(unified_diff("", "b\n", "x", "y", 0), (V{"--- x", "+++ y", "@@ -0,0 +1,1 @@", "+b"}));
}

TEST(UnifiedDiff, CappedSaysHowManyMore) {
    auto d = unified_diff("a\nb\nc\n", "x\ny\nz\n", "p", "q", 2);
    EXPECT_EQ(d, (V{"--- p", "+++ q", "@@ -1,3 +1,3 @@", "-a", "-b",
                    "... 4 more lines of the diff (--full shows them all)"}));
}

TEST(UnifiedDiff, CarriageReturnShown) {
    auto d = unified_diff("a\n", "a\r\n", "p", "q", 0);
    EXPECT_EQ(d, (V{"--- p", "+++ q", "@@ -1,1 +1,1 @@", "-a", "+a\\r"}));
}

TEST(LayoutOnlyDifference, Kinds) {
    EXPECT_EQ(layout_only_difference("a\nb\n", "a\nb\n"), std::nullopt);
    EXPECT_EQ(layout_only_difference("a\nb\n", "a\nc\n"), std::nullopt);
    EXPECT_EQ(layout_only_difference("a\nb\n", "a\r\nb\r\n"),
              "only the line endings differ (CRLF against LF)");
    EXPECT_EQ(layout_only_difference("a\nb\n", "a  \nb\t\n\n\n")->substr(0, 36),
              "only trailing whitespace differs (sp");
    EXPECT_EQ(layout_only_difference("a\nb", "a \r\nb\r\n"),
              "only the line endings and trailing whitespace differ");
    EXPECT_EQ(layout_only_difference("a b\n", "a  b\n"), std::nullopt); // inside a line: text
}
