// Where the transactions of a deploy end (transactions.hpp): after a migration that adds an enum
// label, around a non-transactional migration, at the end of the plan, and with --per-migration
// after each migration.
#include "transactions.hpp"

#include <gtest/gtest.h>

using namespace mig::client;

namespace {

// A plan from a pattern, one letter per migration: 't' transactional, 'e' transactional and
// adding an enum label, 'n' non-transactional.
std::vector<PlanRow> plan(const std::string &pattern) {
    std::vector<PlanRow> out;
    for (size_t i = 0; i < pattern.size(); ++i) {
        PlanRow r;
        r.version = std::to_string(i + 1);
        r.name = "m" + r.version;
        r.action = "apply";
        r.transactional = pattern[i] != 'n';
        r.ends_transaction = pattern[i] == 'e';
        out.push_back(r);
    }
    return out;
}

// The transactions as text: "[begin,end)" for one in a transaction, "n[begin]" for a
// non-transactional migration, "+e" after one ending with an enum label.
std::string shape(const std::vector<Transaction> &ts) {
    std::string out;
    for (const auto &t : ts) {
        if (!out.empty())
            out += ' ';
        if (t.outside) {
            EXPECT_EQ(t.end, t.begin + 1);
            out += "n" + std::to_string(t.begin);
            continue;
        }
        out += "[" + std::to_string(t.begin) + "," + std::to_string(t.end) + ")";
        if (t.ends_with_enum_label)
            out += "+e";
    }
    return out;
}

std::string split(const std::string &pattern, bool per_migration = false) {
    return shape(transactions(plan(pattern), per_migration));
}

} // namespace

TEST(Transactions, EmptyPlanHasNone) {
    EXPECT_EQ(split(""), "");
    EXPECT_EQ(split("", true), "");
    EXPECT_TRUE(one_transaction(plan("")));
}

TEST(Transactions, TransactionalMigrationsGoTogether) {
    EXPECT_EQ(split("t"), "[0,1)");
    EXPECT_EQ(split("tttt"), "[0,4)");
    EXPECT_TRUE(one_transaction(plan("tttt")));
}

TEST(Transactions, EnumLabelEndsTheTransaction) {
    EXPECT_EQ(split("tet"), "[0,2)+e [2,3)");
    EXPECT_EQ(split("ee"), "[0,1)+e [1,2)+e");
    EXPECT_FALSE(one_transaction(plan("tet")));
    // the last migration adding a label ends the plan anyway: still one transaction
    EXPECT_EQ(split("tte"), "[0,3)+e");
    EXPECT_TRUE(one_transaction(plan("tte")));
}

TEST(Transactions, NonTransactionalRunsAlone) {
    EXPECT_EQ(split("n"), "n0");
    EXPECT_EQ(split("ttntt"), "[0,2) n2 [3,5)");
    EXPECT_EQ(split("nn"), "n0 n1");
    EXPECT_EQ(split("ten"), "[0,2)+e n2");
    EXPECT_FALSE(one_transaction(plan("n")));
    EXPECT_FALSE(one_transaction(plan("ttn")));
}

TEST(Transactions, PerMigrationCommitsEach) {
    EXPECT_EQ(split("ttt", true), "[0,1) [1,2) [2,3)");
    EXPECT_EQ(split("tent", true), "[0,1) [1,2)+e n2 [3,4)");
}

TEST(Transactions, CoverThePlanInOrder) {
    for (const char *p : {"t", "tetnnt", "nten", "eeet", "tnt"})
        for (bool per : {false, true}) {
            auto ts = transactions(plan(p), per);
            size_t at = 0;
            for (const auto &t : ts) {
                EXPECT_EQ(t.begin, at) << p;
                EXPECT_LT(t.begin, t.end) << p;
                at = t.end;
            }
            EXPECT_EQ(at, std::string(p).size()) << p;
        }
}
