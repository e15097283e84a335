// What redo, reset and goto roll back and apply, whether that is one transaction, and the lines
// that say before anything runs which parts commit separately (down_up_plan.hpp).
#include "down_up_plan.hpp"

#include <gtest/gtest.h>

using namespace mig::client;

namespace {

// The server's migrations from a pattern, one letter per version 1, 2, ...: 'a' applied,
// 'p' pending, 'n' applied with a non-transactional down, 'u' applied with a non-transactional
// up, 'e' applied, its up adding an enum label, 'b' baselined (neither applied nor pending).
std::vector<Touched> server(const std::string &pattern) {
    std::vector<Touched> out;
    for (size_t i = 0; i < pattern.size(); ++i) {
        Touched t;
        t.version = std::to_string(i + 1);
        t.name = "m" + t.version;
        char k = pattern[i];
        t.applied = k != 'p' && k != 'b';
        t.pending = k == 'p';
        t.down_in_transaction = k != 'n';
        t.transactional = k != 'u';
        t.ends_transaction = k == 'e';
        out.push_back(t);
    }
    return out;
}

Folder folder(const std::vector<std::string> &versions, bool no_transaction = false) {
    Folder f;
    for (const auto &v : versions) {
        Migration m;
        m.version = v;
        m.name = "f" + v;
        m.no_transaction = no_transaction;
        f.migrations.push_back(m);
    }
    return f;
}

std::string versions(const std::vector<Touched> &ts) {
    std::string out;
    for (const auto &t : ts)
        out += (out.empty() ? "" : ",") + t.version;
    return out;
}

std::string versions(const std::vector<PlanRow> &rows) {
    std::string out;
    for (const auto &r : rows)
        out += (out.empty() ? "" : ",") + r.version;
    return out;
}

DownRange steps(int n) {
    DownRange r;
    r.steps = n;
    return r;
}

DownRange above(const std::string &v) {
    DownRange r;
    r.above = v;
    return r;
}

} // namespace

TEST(DownUpPlan, RedoRollsBackTheLastAndAppliesItAgain) {
    auto p = plan_down_up(server("aaa"), Folder(), steps(1), true, std::string("3"));
    EXPECT_EQ(versions(p.downs), "3");
    EXPECT_EQ(versions(p.ups), "3");
    EXPECT_TRUE(atomic(p));
    EXPECT_TRUE(separate_commits("redo", p).empty());
}

TEST(DownUpPlan, ResetRollsBackEverythingAndAppliesEverything) {
    auto p =
        plan_down_up(server("aap"), folder({"1", "2", "3", "4"}), DownRange(), true, std::nullopt);
    EXPECT_EQ(versions(p.downs), "2,1");
    EXPECT_EQ(versions(p.ups), "1,2,3,4"); // 3 pending, 4 only in the folder
    EXPECT_TRUE(atomic(p));
}

TEST(DownUpPlan, GotoRollsBackAboveAndAppliesUpToTheTarget) {
    // 2 pending below applied 3: goto 2 rolls back 3 and applies 2
    auto p = plan_down_up(server("apa"), Folder(), above("2"), true, std::string("2"));
    EXPECT_EQ(versions(p.downs), "3");
    EXPECT_EQ(versions(p.ups), "2");
    EXPECT_TRUE(atomic(p));
}

TEST(DownUpPlan, GotoZeroRollsBackEverythingAndAppliesNothing) {
    auto p = plan_down_up(server("aaa"), folder({"1", "2", "3"}), DownRange(), false, std::nullopt);
    EXPECT_EQ(versions(p.downs), "3,2,1");
    EXPECT_TRUE(p.ups.empty());
    EXPECT_TRUE(atomic(p));
}

TEST(DownUpPlan, BaselinedButNotAppliedIsNeitherRolledBackNorApplied) {
    auto p = plan_down_up(server("ba"), Folder(), DownRange(), true, std::nullopt);
    EXPECT_EQ(versions(p.downs), "2");
    EXPECT_EQ(versions(p.ups), "2");
}

TEST(DownUpPlan, VersionsCompareAsVersionsNotAsText) {
    auto s = server("aaaaaaaaaa"); // 1..10
    auto p = plan_down_up(s, Folder(), above("9"), true, std::string("9"));
    EXPECT_EQ(versions(p.downs), "10");
    EXPECT_TRUE(p.ups.empty());
}

TEST(DownUpPlan, ANonTransactionalDownCommitsBeforeTheUp) {
    auto p = plan_down_up(server("an"), Folder(), steps(1), true, std::string("2"));
    EXPECT_FALSE(atomic(p));
    auto lines = separate_commits("redo", p);
    ASSERT_EQ(lines.size(), 1u);
    EXPECT_EQ(lines[0],
              "redo: 2 m2 has a non-transactional down: the rollback commits before the up runs");
}

TEST(DownUpPlan, ANonTransactionalDownAmongOthersRollsBackOneAtATime) {
    auto p = plan_down_up(server("ana"), Folder(), DownRange(), true, std::nullopt);
    auto lines = separate_commits("reset", p);
    ASSERT_EQ(lines.size(), 1u);
    EXPECT_EQ(lines[0], "reset: 2 m2 has a non-transactional down: the rollback commits before "
                        "the up runs, one migration at a time");
}

TEST(DownUpPlan, ANonTransactionalDownWithNothingToApply) {
    auto one = plan_down_up(server("an"), Folder(), steps(1), false, std::nullopt);
    EXPECT_EQ(separate_commits("goto", one).at(0),
              "goto: 2 m2 has a non-transactional down: it is rolled back outside a "
              "transaction, statement by statement");
    auto all = plan_down_up(server("an"), Folder(), DownRange(), false, std::nullopt);
    EXPECT_EQ(separate_commits("goto", all).at(0),
              "goto: 2 m2 has a non-transactional down: the rollback commits one migration at a "
              "time");
}

TEST(DownUpPlan, ANonTransactionalUpCommitsTheRollbackBeforeIt) {
    auto p = plan_down_up(server("au"), Folder(), DownRange(), true, std::nullopt);
    EXPECT_FALSE(atomic(p));
    auto lines = separate_commits("reset", p);
    ASSERT_EQ(lines.size(), 1u);
    EXPECT_EQ(lines[0], "reset: 2 m2 is non-transactional: the rollback and the migrations "
                        "applied before it commit before it runs outside a transaction");
    auto redo = plan_down_up(server("au"), Folder(), steps(1), true, std::string("2"));
    EXPECT_EQ(separate_commits("redo", redo).at(0),
              "redo: 2 m2 is non-transactional: the rollback commits before it runs outside a "
              "transaction");
}

TEST(DownUpPlan, AFolderMigrationDeclaredNonTransactional) {
    auto p =
        plan_down_up(server("a"), folder({"1", "2"}, true), above("1"), true, std::string("2"));
    EXPECT_TRUE(p.downs.empty());
    EXPECT_FALSE(atomic(p));
    EXPECT_TRUE(separate_commits("goto", p).empty()); // nothing rolled back, nothing before it
}

TEST(DownUpPlan, AnEnumLabelCommitsWhatIsAppliedUpToIt) {
    auto p = plan_down_up(server("aea"), Folder(), DownRange(), true, std::nullopt);
    EXPECT_FALSE(atomic(p));
    auto lines = separate_commits("reset", p);
    ASSERT_EQ(lines.size(), 1u);
    EXPECT_EQ(lines[0], "reset: 2 m2 adds an enum label: the rollback and the migrations up to "
                        "it commit before the next ones run");
    // as the last up, it ends the one transaction
    auto last = plan_down_up(server("ae"), Folder(), steps(1), true, std::string("2"));
    EXPECT_TRUE(atomic(last));
    EXPECT_TRUE(separate_commits("redo", last).empty());
}
