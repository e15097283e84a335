#include "errors_report.hpp"
#include "layouts/layout.hpp"
#include "output.hpp"
#include "tmpdir.hpp"

#include <gtest/gtest.h>

using namespace mig::client;

namespace {
PgError server_error(const std::string &sqlstate, const std::string &context) {
    PgError e("boom", sqlstate);
    e.context = context;
    return e;
}
} // namespace

TEST(ErrorSite, DbmateLineCountsFromTopOfFile) {
    TmpDir d;
    d.write("20240101000000_c.sql",
            "-- header\n-- migrate:up\nCREATE TABLE c(id int);\nSELEC 1;\n-- migrate:down\n"
            "DROP TABLE c;\nDROP TABLEX d;\n");
    auto f = load_folder(d.path());
    auto e = server_error("42601", "migration 20240101000000 (c), line 2, column 1");
    auto site = site_from_context(e, &f, false);
    ASSERT_TRUE(site);
    EXPECT_EQ(site->file, d.path() + "/20240101000000_c.sql");
    EXPECT_EQ(site->line, 4);
    EXPECT_EQ(site->col, 1);
    EXPECT_EQ(site->source, "SELEC 1;");
    auto down = site_from_context(
        server_error("42601", "migration 20240101000000 (c), line 2, column 6"), &f, true);
    ASSERT_TRUE(down);
    EXPECT_EQ(down->line, 7);
    EXPECT_EQ(down->source, "DROP TABLEX d;");
}

TEST(ErrorSite, VersionMatchedNumericallyAndFileInContext) {
    TmpDir d;
    d.write("0002_b.up.sql", "SELECT 1;\nSELECT x;\n");
    auto f = load_folder(d.path());
    auto site = site_from_context(
        server_error("42703", "PL/pgSQL function f()\nmigration 2 (b), file x.sql, line 2, "
                              "column 8"),
        &f, false);
    ASSERT_TRUE(site);
    EXPECT_EQ(site->file, d.path() + "/0002_b.up.sql");
    EXPECT_EQ(site->line, 2);
    EXPECT_EQ(site->source, "SELECT x;");
    auto nofolder = site_from_context(
        server_error("42703", "migration 2 (b), file x.sql, line 2, column 8"), nullptr, false);
    ASSERT_TRUE(nofolder);
    EXPECT_EQ(nofolder->file, "x.sql");
    EXPECT_FALSE(site_from_context(server_error("42703", "SQL function f"), &f, false));
}

TEST(ErrorSite, Repeatable) {
    TmpDir d;
    d.write("V1__a.sql", "SELECT 1;");
    d.write("R__views.sql", "CREATE VIEW v AS\nSELECT nope;\n");
    auto f = load_folder(d.path());
    auto site = site_from_context(
        server_error("42703", "repeatable migration views, line 2, column 8"), &f, false);
    ASSERT_TRUE(site);
    EXPECT_EQ(site->file, d.path() + "/R__views.sql");
    EXPECT_EQ(site->source, "SELECT nope;");
}

TEST(ExitCodes, Mapping) {
    EXPECT_EQ(exit_code_for(server_error("42601", "")), 1);
    EXPECT_EQ(exit_code_for(server_error("23505", "")), 1);
    EXPECT_EQ(exit_code_for(server_error("PM001", "")), 2);
    EXPECT_EQ(exit_code_for(server_error("PM003", "")), 2);
    EXPECT_EQ(exit_code_for(server_error("PM006", "")), 2);
    EXPECT_EQ(exit_code_for(server_error("PM009", "")), 3);
    EXPECT_EQ(exit_code_for(server_error("55P03", "")), 3);
    EXPECT_EQ(exit_code_for(server_error("08006", "")), 3);
}

TEST(Output, Durations) {
    EXPECT_DOUBLE_EQ(interval_seconds("00:00:01.5"), 1.5);
    EXPECT_DOUBLE_EQ(interval_seconds("01:02:03"), 3723);
    EXPECT_DOUBLE_EQ(interval_seconds("1 day 00:00:01"), 86401);
    EXPECT_EQ(human_duration(0.0123), "12 ms");
    EXPECT_EQ(human_duration(1.234), "1.23 s");
    EXPECT_EQ(human_duration(125), "2 min 5 s");
}
