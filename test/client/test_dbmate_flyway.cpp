#include "errors.hpp"
#include "layouts/layout.hpp"
#include "tmpdir.hpp"

#include <gtest/gtest.h>

using namespace mig::client;

TEST(Dbmate, Sections) {
    std::string text = "-- a header comment\n-- migrate:up\nCREATE TABLE t();\n\n-- migrate:down\n"
                       "DROP TABLE t;\n";
    auto s = parse_dbmate(text);
    EXPECT_TRUE(s.has_up);
    EXPECT_EQ(s.up, "CREATE TABLE t();\n\n");
    EXPECT_EQ(s.up_offset, 2); // up section starts on file line 3
    EXPECT_FALSE(s.up_no_transaction);
    ASSERT_TRUE(s.down);
    EXPECT_EQ(*s.down, "DROP TABLE t;\n");
    EXPECT_EQ(s.down_offset, 5);
}

TEST(Dbmate, TransactionFalseOption) {
    auto s = parse_dbmate("-- migrate:up transaction:false\nCREATE INDEX CONCURRENTLY i ON t(a);\n"
                          "-- migrate:down\nDROP INDEX i;\n");
    EXPECT_TRUE(s.up_no_transaction);
    EXPECT_EQ(s.up_offset, 1);
}

TEST(Dbmate, NoDownSectionAndEmptyDown) {
    auto a = parse_dbmate("-- migrate:up\nSELECT 1;\n");
    EXPECT_FALSE(a.down);
    auto b = parse_dbmate("-- migrate:up\nSELECT 1;\n-- migrate:down\n");
    ASSERT_TRUE(b.down);
    EXPECT_EQ(*b.down, "");
}

TEST(Dbmate, MarkerMustStartTheLine) {
    EXPECT_FALSE(has_dbmate_marker("SELECT 1; -- migrate:up\n"));
    EXPECT_TRUE(has_dbmate_marker("\n--migrate:up\nSELECT 1;"));
}

TEST(Dbmate, Folder) {
    TmpDir d;
    d.write("20151129054053_create_users.sql",
            "-- migrate:up\nCREATE TABLE users();\n-- migrate:down\nDROP TABLE users;\n");
    d.write("20151129054054_index.sql",
            "-- migrate:up transaction:false\nCREATE INDEX CONCURRENTLY i ON users((1));\n"
            "-- migrate:down\nDROP INDEX i;\n");
    d.write("20151129054055_empty.sql", "");
    auto f = load_folder(d.path());
    EXPECT_EQ(f.layout, Layout::Dbmate);
    ASSERT_EQ(f.migrations.size(), 3u);
    EXPECT_EQ(f.migrations[0].up_sql, "CREATE TABLE users();\n");
    EXPECT_EQ(f.migrations[0].up_line_offset, 1);
    EXPECT_EQ(f.migrations[0].down_line_offset, 3);
    EXPECT_TRUE(f.migrations[1].no_transaction);
    EXPECT_EQ(f.migrations[2].up_sql, "");
}

TEST(Dbmate, FileWithoutUpSectionRefused) {
    TmpDir d;
    d.write("20151129054053_a.sql", "-- migrate:up\nSELECT 1;\n");
    d.write("20151129054054_b.sql", "SELECT 2;\n");
    try {
        load_folder(d.path());
        FAIL();
    } catch (const InputError &e) {
        EXPECT_NE(std::string(e.what()).find("20151129054054_b.sql"), std::string::npos);
    }
}

TEST(Flyway, Names) {
    auto v = parse_flyway_name("V1_1__create_users.sql");
    ASSERT_TRUE(v);
    EXPECT_EQ(v->kind, FlywayKind::Versioned);
    EXPECT_EQ(v->version, "1.1");
    EXPECT_EQ(v->description, "create_users");
    auto u = parse_flyway_name("U2.10__drop.sql");
    ASSERT_TRUE(u);
    EXPECT_EQ(u->kind, FlywayKind::Undo);
    EXPECT_EQ(u->version, "2.10");
    auto r = parse_flyway_name("R__views.sql");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->kind, FlywayKind::Repeatable);
    EXPECT_EQ(r->description, "views");
    EXPECT_FALSE(parse_flyway_name("V__x.sql"));
    EXPECT_FALSE(parse_flyway_name("Vx__y.sql"));
    EXPECT_FALSE(parse_flyway_name("V1_x.sql"));
    EXPECT_FALSE(parse_flyway_name("R__.sql"));
}

TEST(Flyway, Folder) {
    TmpDir d;
    d.write("V1__init.sql", "CREATE TABLE a();");
    d.write("V1_1__more.sql", "CREATE TABLE b();");
    d.write("V2__later.sql", "CREATE TABLE c();");
    d.write("U1_1__more.sql", "DROP TABLE b;");
    d.write("R__views.sql", "CREATE OR REPLACE VIEW v AS SELECT 1;");
    d.write("R__functions.sql", "SELECT 1;");
    auto f = load_folder(d.path());
    EXPECT_EQ(f.layout, Layout::Flyway);
    ASSERT_EQ(f.migrations.size(), 3u);
    EXPECT_EQ(f.migrations[0].version, "1");
    EXPECT_EQ(f.migrations[1].version, "1.1");
    EXPECT_EQ(f.migrations[1].down_sql, "DROP TABLE b;");
    EXPECT_EQ(f.migrations[2].version, "2");
    ASSERT_EQ(f.repeatables.size(), 2u);
    EXPECT_EQ(f.repeatables[0].name, "functions");
    EXPECT_TRUE(f.repeatables[1].repeatable);
}

TEST(Flyway, DottedVersionsOrder) {
    TmpDir d;
    d.write("V17_1__c.sql", "");
    d.write("V2_10__b.sql", "");
    d.write("V2_1__a.sql", "");
    auto f = load_folder(d.path());
    ASSERT_EQ(f.migrations.size(), 3u);
    EXPECT_EQ(f.migrations[0].version, "2.1");
    EXPECT_EQ(f.migrations[1].version, "2.10");
    EXPECT_EQ(f.migrations[2].version, "17.1");
}
