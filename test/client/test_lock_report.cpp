// The lock report of `up --dry-run` (lock_report.hpp): --fail-on's list, mig.dry_run's rows
// grouped by statement (a result made without a server), the flagged statements, the table and
// the JSON.
#include "errors.hpp"
#include "lock_report.hpp"

#include <cstring>
#include <gtest/gtest.h>

using namespace mig::client;

TEST(FailOn, NamesInTheReportsOrderEachOnce) {
    EXPECT_EQ(parse_fail_on("rewrite,access-exclusive"),
              (std::vector<std::string>{"access-exclusive", "rewrite"}));
    EXPECT_EQ(parse_fail_on(" rewrite , rewrite,,"), std::vector<std::string>{"rewrite"});
    EXPECT_EQ(parse_fail_on("not-null-scan,index-without-concurrently,validated-constraint"),
              (std::vector<std::string>{"validated-constraint", "not-null-scan",
                                        "index-without-concurrently"}));
}

TEST(FailOn, AnyIsEveryFlag) {
    EXPECT_EQ(parse_fail_on("any"), lock_report_flags());
    EXPECT_EQ(parse_fail_on("rewrite,any"), lock_report_flags());
}

TEST(FailOn, UnknownOrEmptyIsAnInputError) {
    try {
        parse_fail_on("rewrite,rewrites");
        FAIL() << "no error";
    } catch (const InputError &e) {
        EXPECT_NE(std::string(e.what()).find("unknown flag \"rewrites\""), std::string::npos);
        EXPECT_NE(std::string(e.what()).find("index-without-concurrently"), std::string::npos);
    }
    EXPECT_THROW(parse_fail_on(""), InputError);
    EXPECT_THROW(parse_fail_on(" , "), InputError);
    EXPECT_THROW(parse_fail_on("ACCESS-EXCLUSIVE"), InputError);
}

namespace {

// A result with kDryRunSql's 18 columns; each row's cells as text (nullptr: NULL).
Result dry_run_rows(const std::vector<std::vector<const char *>> &rows) {
    PGresult *r = PQmakeEmptyPGresult(nullptr, PGRES_TUPLES_OK);
    std::vector<PGresAttDesc> atts(18);
    for (auto &a : atts) {
        a.name = const_cast<char *>("c");
        a.typid = 25;
        a.typlen = -1;
        a.atttypmod = -1;
    }
    EXPECT_EQ(PQsetResultAttrs(r, 18, atts.data()), 1);
    for (size_t i = 0; i < rows.size(); ++i)
        for (size_t c = 0; c < 18; ++c) {
            const char *v = rows[i][c];
            EXPECT_EQ(PQsetvalue(r, static_cast<int>(i), static_cast<int>(c), const_cast<char *>(v),
                                 v ? static_cast<int>(std::strlen(v)) : -1),
                      1);
        }
    return Result(r);
}

// version, name, stmt_no, line, tag, statement, executed, rows_affected, seconds, relation,
// lock_mode, existed, rel_size, rel_rows, rewrote, flags, hints (JSON), note
std::vector<ReportStatement> sample() {
    auto r = dry_run_rows({
        {"1", "create", "1", "1", "CREATE TABLE", "CREATE TABLE t2 (id int)", "t", "0", "0.0004",
         "public.t2", "AccessExclusiveLock", "f", nullptr, nullptr, "f", "", "[]", nullptr},
        {"2", "retype", "1", "3", "ALTER TABLE", "ALTER TABLE t ALTER COLUMN a TYPE bigint", "t",
         "0", "0.0123", "public.t", "AccessExclusiveLock", "t", "65536", "1000", "t",
         "access-exclusive,rewrite", "[\"blocks, \\\"all\\\"\", \"add a column\"]", nullptr},
        {"2", "retype", "1", "3", "ALTER TABLE", "ALTER TABLE t ALTER COLUMN a TYPE bigint", "t",
         "0", "0.0123", "public.t_pkey", "AccessExclusiveLock", "t", "40960", "-1", "t",
         "access-exclusive", "[\"blocks, \\\"all\\\"\"]", nullptr},
        {"2", "retype", "2", "4", "INSERT", "INSERT INTO t VALUES (1)", "t", "1", "0.0001", nullptr,
         nullptr, nullptr, nullptr, nullptr, nullptr, "", "[]", nullptr},
        {"3", "later", nullptr, nullptr, nullptr, nullptr, "f", nullptr, nullptr, nullptr, nullptr,
         nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, "not executed: after it"},
    });
    return group_report(r, [](const std::string &v) { return v == "2" ? "db/2_retype.sql" : ""; });
}

} // namespace

TEST(LockReport, RowsGroupedByStatement) {
    auto s = sample();
    ASSERT_EQ(s.size(), 4u);
    EXPECT_EQ(s[0].locks.size(), 1u);
    EXPECT_FALSE(s[0].locks[0].existed);
    EXPECT_FALSE(s[0].locks[0].size);
    ASSERT_EQ(s[1].locks.size(), 2u);
    EXPECT_EQ(s[1].file, "db/2_retype.sql");
    EXPECT_EQ(s[1].line, 3);
    EXPECT_EQ(s[1].flags, (std::vector<std::string>{"access-exclusive", "rewrite"}));
    ASSERT_EQ(s[1].hints.size(), 2u);
    EXPECT_EQ(s[1].hints[0].second, "blocks, \"all\"");
    EXPECT_EQ(*s[1].locks[0].size, 65536);
    EXPECT_TRUE(s[1].locks[1].rewrote);
    EXPECT_TRUE(s[2].locks.empty());
    EXPECT_EQ(*s[2].rows_affected, 1);
    EXPECT_FALSE(s[3].executed);
    EXPECT_FALSE(s[3].stmt_no);
    EXPECT_EQ(s[3].note, "not executed: after it");
}

TEST(LockReport, FailingStatementsHaveAListedFlag) {
    auto s = sample();
    EXPECT_EQ(failing_statements(s, {"rewrite"}).size(), 1u);
    EXPECT_EQ(failing_statements(s, {"not-null-scan"}).size(), 0u);
    EXPECT_EQ(failing_statements(s, {}).size(), 0u);
    EXPECT_EQ(describe_statement(s[1], {"rewrite"}),
              "2 (retype), statement 1, db/2_retype.sql:3: rewrite");
}

TEST(LockReport, TableAndFlaggedStatements) {
    std::string t = render_lock_report(sample());
    EXPECT_NE(t.find("VERSION  STMT  LINE"), std::string::npos) << t;
    EXPECT_NE(t.find("public.t_pkey"), std::string::npos) << t;
    EXPECT_NE(t.find("64 kB"), std::string::npos) << t;
    EXPECT_NE(t.find("rewritten"), std::string::npos) << t;
    EXPECT_NE(t.find("(not executed: after it)"), std::string::npos) << t;
    EXPECT_NE(t.find("1 statement(s) flagged:"), std::string::npos) << t;
    EXPECT_NE(t.find("    rewrite: add a column"), std::string::npos) << t;
    EXPECT_EQ(render_lock_report({}), "");
}

TEST(LockReport, Json) {
    auto j = lock_report_json(sample(), {"rewrite"});
    EXPECT_EQ(j["failing"], 1);
    EXPECT_EQ(j["fail_on"], nlohmann::json::array({"rewrite"}));
    auto &st = j["statements"];
    ASSERT_EQ(st.size(), 4u);
    EXPECT_EQ(st[0]["file"], nullptr);
    EXPECT_EQ(st[1]["locks"][0]["size_bytes"], 65536);
    EXPECT_EQ(st[1]["locks"][1]["rows_estimate"], nullptr); // never analyzed
    EXPECT_EQ(st[1]["hints"]["rewrite"], "add a column");
    EXPECT_EQ(st[3]["executed"], false);
    EXPECT_EQ(st[3]["stmt_no"], nullptr);
}

TEST(LockReport, HumanSize) {
    EXPECT_EQ(human_size(0), "0 B");
    EXPECT_EQ(human_size(8192), "8.0 kB");
    EXPECT_EQ(human_size(65536), "64 kB");
    EXPECT_EQ(human_size(1536L * 1024 * 1024), "1.5 GB");
}
