#include "errors.hpp"
#include "layouts/layout.hpp"
#include "sha256.hpp"
#include "load_error.hpp"
#include "tmpdir.hpp"

#include <gtest/gtest.h>

using namespace mig::client;

namespace {
bool contains(const std::string &s, const std::string &p) {
    return s.find(p) != std::string::npos;
}
} // namespace

TEST(Names, SplitVersionTitle) {
    auto p = split_version_title("20240309082057_release_status_view.sql");
    ASSERT_TRUE(p);
    EXPECT_EQ(p->version_raw, "20240309082057");
    EXPECT_EQ(p->title, "release_status_view.sql");
    EXPECT_TRUE(split_version_title("2017-09-26-200549_create-posts"));
    EXPECT_EQ(split_version_title("001")->title, "");
    EXPECT_FALSE(split_version_title("create_users"));
    EXPECT_FALSE(split_version_title("v1_x"));
}

TEST(GolangMigrate, PairsByVersionNotTitle) {
    TmpDir d;
    d.write("20240309082057_release_status_view.sql.up.sql", "CREATE VIEW v AS SELECT 1;\n");
    d.write("20240309082057_release_status.down.sql", "DROP VIEW v;\n");
    d.write("20240101000000_first.up.sql", "");
    d.write("README.md", "hi");
    auto f = load_folder(d.path());
    EXPECT_EQ(f.layout, Layout::GolangMigrate);
    ASSERT_EQ(f.migrations.size(), 2u);
    EXPECT_EQ(f.migrations[0].version, "20240101000000");
    EXPECT_EQ(f.migrations[0].up_sql, ""); // zero-byte: a valid no-op
    EXPECT_FALSE(f.migrations[0].down_sql);
    EXPECT_EQ(f.migrations[1].name, "release_status_view.sql");
    EXPECT_EQ(f.migrations[1].down_sql, "DROP VIEW v;\n");
    EXPECT_EQ(f.migrations[1].checksum, sha256_hex("CREATE VIEW v AS SELECT 1;\n"));
    ASSERT_EQ(f.warnings.size(), 1u);
    EXPECT_TRUE(contains(f.warnings[0], "README.md"));
}

TEST(GolangMigrate, TwentyDigitVersionsSortNumerically) {
    TmpDir d;
    d.write("20150100000001000000_b.up.sql", "SELECT 2;");
    d.write("9_a.up.sql", "SELECT 1;");
    auto f = load_folder(d.path());
    ASSERT_EQ(f.migrations.size(), 2u);
    EXPECT_EQ(f.migrations[0].version, "9");
    EXPECT_EQ(f.migrations[1].version, "20150100000001000000");
}

TEST(GolangMigrate, DuplicateVersionsNameBothFiles) {
    TmpDir d;
    d.write("1_a.up.sql", "SELECT 1;");
    d.write("01_b.up.sql", "SELECT 2;");
    auto e = load_error(d.path());
    EXPECT_TRUE(contains(e, "duplicate version")) << e;
    EXPECT_TRUE(contains(e, "1_a.up.sql")) << e;
    EXPECT_TRUE(contains(e, "01_b.up.sql")) << e;
}

TEST(GolangMigrate, UnversionedUpFileRefused) {
    TmpDir d;
    d.write("1_a.up.sql", "SELECT 1;");
    d.write("create_users.up.sql", "SELECT 1;");
    auto e = load_error(d.path());
    EXPECT_TRUE(contains(e, "create_users.up.sql")) << e;
    EXPECT_TRUE(contains(e, "no version")) << e;
}

TEST(Folder, NonUtf8Refused) {
    TmpDir d;
    d.write("1_a.up.sql", "SELECT 1;\nSELECT '\xe9t\xe9';\n");
    auto e = load_error(d.path());
    EXPECT_TRUE(contains(e, "1_a.up.sql:2:9")) << e;
    EXPECT_TRUE(contains(e, "UTF-8")) << e;
}

TEST(Folder, MissingFolder) {
    auto e = load_error("/nonexistent/pgmig/folder");
    EXPECT_TRUE(contains(e, "does not exist")) << e;
}

TEST(Folder, MixedLayoutsRefused) {
    TmpDir d;
    d.write("1_a.up.sql", "SELECT 1;");
    d.write("V2__b.sql", "SELECT 1;");
    auto e = load_error(d.path());
    EXPECT_TRUE(contains(e, "mixes")) << e;
    EXPECT_TRUE(contains(e, "1_a.up.sql")) << e;
    EXPECT_TRUE(contains(e, "V2__b.sql")) << e;
}

TEST(Folder, EmptyFolder) {
    TmpDir d;
    auto f = load_folder(d.path());
    EXPECT_EQ(f.layout, Layout::Empty);
    EXPECT_TRUE(f.migrations.empty());
}

TEST(Directory, DieselAndPlainNames) {
    TmpDir d;
    d.write("2017-09-26-200549_create_posts/up.sql", "CREATE TABLE posts();");
    d.write("2017-09-26-200549_create_posts/down.sql", "DROP TABLE posts;");
    d.write("20170728002039_create_users/up.sql", "CREATE TABLE users();");
    d.write("2018-01-01-000000_index/up.sql", "CREATE INDEX CONCURRENTLY i ON posts(id);");
    d.write("2018-01-01-000000_index/metadata.toml", "run_in_transaction = false\n");
    d.write("README.md", "docs");
    d.write("seed.sql", "INSERT INTO x VALUES (1);");
    auto f = load_folder(d.path());
    EXPECT_EQ(f.layout, Layout::Directory);
    ASSERT_EQ(f.migrations.size(), 3u);
    EXPECT_EQ(f.migrations[0].version, "20170728002039");
    EXPECT_EQ(f.migrations[1].version, "20170926200549");
    EXPECT_EQ(f.migrations[1].name, "create_posts");
    EXPECT_TRUE(f.migrations[1].down_sql);
    EXPECT_FALSE(f.migrations[0].down_sql);
    EXPECT_TRUE(f.migrations[2].no_transaction);
    EXPECT_FALSE(f.migrations[1].no_transaction);
    EXPECT_EQ(f.warnings.size(), 2u);
}

// Sourcegraph: bare-number directories (and later VERSION_title ones), each with a
// metadata.yaml that names the migration; no warning for it.
TEST(Directory, SourcegraphMetadataYaml) {
    TmpDir d;
    d.write("1528395834/up.sql", "CREATE TABLE a();");
    d.write("1528395834/down.sql", "DROP TABLE a;");
    d.write("1528395834/metadata.yaml", "name: 'squashed migrations'\nparents: []\n");
    d.write("1528395901/up.sql", "DROP INDEX IF EXISTS i;");
    d.write("1528395901/metadata.yaml", "parent: 1528395834\nname: \"remove duplicate index\"\n");
    d.write("1528395902/up.sql", "SELECT 1;");
    d.write("1528395902/metadata.yaml", "name: plain words # a comment\r\n");
    d.write("1665522087_lsif_indexes_reindex/up.sql", "SELECT 2;");
    d.write("1665522087_lsif_indexes_reindex/metadata.yaml", "name: other name\n");
    d.write("1665522088/up.sql", "SELECT 3;");
    d.write("1665522088/metadata.yaml", "parent: 1665522087\n");
    auto f = load_folder(d.path());
    EXPECT_EQ(f.layout, Layout::Directory);
    ASSERT_EQ(f.migrations.size(), 5u);
    EXPECT_EQ(f.migrations[0].name, "squashed migrations");
    EXPECT_EQ(f.migrations[1].name, "remove duplicate index");
    EXPECT_EQ(f.migrations[2].name, "plain words");
    EXPECT_EQ(f.migrations[3].name, "lsif_indexes_reindex"); // the directory's title wins
    EXPECT_EQ(f.migrations[4].name, "");
    EXPECT_TRUE(f.warnings.empty()) << f.warnings[0];
}

TEST(Directory, MetadataDefaultsToTransaction) {
    EXPECT_TRUE(diesel_runs_in_transaction("", "m.toml"));
    EXPECT_TRUE(diesel_runs_in_transaction("run_in_transaction = true", "m.toml"));
    EXPECT_FALSE(diesel_runs_in_transaction("run_in_transaction = false", "m.toml"));
    EXPECT_THROW(diesel_runs_in_transaction("run_in_transaction = ", "m.toml"), InputError);
}

TEST(Numbered, OptionalDownFiles) {
    TmpDir d;
    d.write("001_create_users.sql", "CREATE TABLE users();");
    d.write("001_create_users_down.sql", "DROP TABLE users;");
    d.write("002_seed.sql", "-- nothing yet\n");
    d.write("010_shut_down.sql", "SELECT 1;"); // a title ending in _down, alone: an up
    auto f = load_folder(d.path());
    EXPECT_EQ(f.layout, Layout::Numbered);
    ASSERT_EQ(f.migrations.size(), 3u);
    EXPECT_EQ(f.migrations[0].down_sql, "DROP TABLE users;");
    EXPECT_FALSE(f.migrations[1].down_sql);
    EXPECT_EQ(f.migrations[2].version, "010");
    EXPECT_EQ(f.migrations[2].name, "shut_down");
}

TEST(New, TimestampForEmptyFolder) {
    Folder f;
    auto nf = plan_new_migration(f, "create users", "20240101120000");
    ASSERT_EQ(nf.files.size(), 2u);
    EXPECT_EQ(nf.files[0].first, "20240101120000_create_users.up.sql");
    EXPECT_EQ(nf.files[1].first, "20240101120000_create_users.down.sql");
}

TEST(New, SequenceKeepsPadding) {
    TmpDir d;
    d.write("0009_a.sql", "SELECT 1;");
    d.write("0009_a_down.sql", "SELECT 1;");
    auto f = load_folder(d.path());
    auto nf = plan_new_migration(f, "b", "20240101120000");
    ASSERT_EQ(nf.files.size(), 2u);
    EXPECT_EQ(nf.files[0].first, "0010_b.sql");
    EXPECT_EQ(nf.files[1].first, "0010_b_down.sql");
    // a folder without down files (Supabase's) gets none
    TmpDir up_only;
    up_only.write("0009_a.sql", "SELECT 1;");
    nf = plan_new_migration(load_folder(up_only.path()), "b", "20240101120000");
    ASSERT_EQ(nf.files.size(), 1u);
    EXPECT_EQ(nf.files[0].first, "0010_b.sql");
}

TEST(New, DieselDirectories) {
    TmpDir d;
    d.write("2017-09-26-200549_create_posts/up.sql", "SELECT 1;");
    auto f = load_folder(d.path());
    auto nf = plan_new_migration(f, "x", "20240101120000");
    EXPECT_EQ(nf.files[0].first, "2024-01-01-120000_x/up.sql");
}

TEST(New, DieselSequencedDirectories) {
    // diesel's newer YYYY-MM-DD-HHMMSS-NNNN: the same shape, now's time, sequence 0000
    TmpDir d;
    d.write("2017-09-26-200549_create_posts/up.sql", "SELECT 1;");
    d.write("2023-05-05-180007-0000_add_tags/up.sql", "SELECT 1;");
    auto f = load_folder(d.path());
    EXPECT_EQ(f.migrations.back().version, "20230505180007.0000");
    auto nf = plan_new_migration(f, "x", "20240101120000");
    EXPECT_EQ(nf.files[0].first, "2024-01-01-120000-0000_x/up.sql");
    // within the same second: the next sequence
    nf = plan_new_migration(f, "x", "20230505180007");
    EXPECT_EQ(nf.files[0].first, "2023-05-05-180007-0001_x/up.sql");
}

TEST(New, DbmateAndFlyway) {
    TmpDir a;
    a.write("20200101000000_a.sql", "-- migrate:up\nSELECT 1;\n-- migrate:down\n");
    auto nf = plan_new_migration(load_folder(a.path()), "b", "20240101120000");
    ASSERT_EQ(nf.files.size(), 1u);
    EXPECT_EQ(nf.files[0].first, "20240101120000_b.sql");
    EXPECT_NE(nf.files[0].second.find("-- migrate:up"), std::string::npos);
    TmpDir b;
    b.write("V1_1__a.sql", "SELECT 1;");
    b.write("U1_1__a.sql", "SELECT -1;");
    nf = plan_new_migration(load_folder(b.path()), "b", "20240101120000");
    ASSERT_EQ(nf.files.size(), 2u);
    EXPECT_EQ(nf.files[0].first, "V1_2__b.sql");
    EXPECT_EQ(nf.files[1].first, "U1_2__b.sql");
    // undo files are a Flyway Teams feature: none in a folder that has none
    TmpDir c;
    c.write("V1_1__a.sql", "SELECT 1;");
    nf = plan_new_migration(load_folder(c.path()), "b", "20240101120000");
    ASSERT_EQ(nf.files.size(), 1u);
    EXPECT_EQ(nf.files[0].first, "V1_2__b.sql");
}

// Prisma: one directory per migration holding migration.sql (the up script, no down), and the
// folder's migration_lock.toml; `new` writes the same shape.
TEST(Directory, Prisma) {
    TmpDir d;
    d.write("20210605225044_init/migration.sql", "CREATE TABLE p(id int);\n");
    d.write("20210606000000_add_email/migration.sql", "ALTER TABLE p ADD email text;\n");
    d.write("migration_lock.toml", "provider = \"postgresql\"\n");
    auto f = load_folder(d.path());
    EXPECT_EQ(f.layout, Layout::Directory);
    ASSERT_EQ(f.migrations.size(), 2u);
    EXPECT_EQ(f.migrations[0].version, "20210605225044");
    EXPECT_EQ(f.migrations[0].name, "init");
    EXPECT_EQ(f.migrations[0].up_file, d.path() + "/20210605225044_init/migration.sql");
    EXPECT_EQ(f.migrations[1].up_sql, "ALTER TABLE p ADD email text;\n");
    EXPECT_FALSE(f.migrations[1].down_sql);
    EXPECT_TRUE(f.warnings.empty()) << f.warnings[0];
    auto nf = plan_new_migration(f, "x", "20240101120000");
    ASSERT_EQ(nf.files.size(), 1u);
    EXPECT_EQ(nf.files[0].first, "20240101120000_x/migration.sql");
    // up.sql wins where both are there; migration.sql is then a stray file
    d.write("20210607000000_both/up.sql", "SELECT 1;");
    d.write("20210607000000_both/migration.sql", "SELECT 2;");
    f = load_folder(d.path());
    ASSERT_EQ(f.migrations.size(), 3u);
    EXPECT_EQ(f.migrations[2].up_sql, "SELECT 1;");
    ASSERT_EQ(f.warnings.size(), 1u);
    EXPECT_NE(f.warnings[0].find("20210607000000_both/migration.sql"), std::string::npos);
}

// Versions of unequal widths come out of name order ("100" before "10" before "1"): the folder
// is still in version order, downs pair by version, and a duplicate found after that names the
// file seen first.
TEST(GolangMigrate, VersionsOutOfNameOrder) {
    TmpDir d;
    d.write("100_x.up.sql", "SELECT 100;");
    d.write("10_j.up.sql", "SELECT 10;");
    d.write("10_j.down.sql", "SELECT -10;");
    d.write("1_a.up.sql", "SELECT 1;");
    d.write("2_b.up.sql", "SELECT 2;");
    d.write("02_b.down.sql", "SELECT -2;");
    d.write("3_c.down.sql", "SELECT -3;");
    auto f = load_folder(d.path());
    ASSERT_EQ(f.migrations.size(), 4u);
    EXPECT_EQ(f.migrations[0].version, "1");
    EXPECT_EQ(f.migrations[1].version, "2");
    EXPECT_EQ(f.migrations[2].version, "10");
    EXPECT_EQ(f.migrations[3].version, "100");
    EXPECT_FALSE(f.migrations[0].down_sql);
    EXPECT_EQ(f.migrations[1].down_sql, "SELECT -2;");
    EXPECT_EQ(f.migrations[1].down_file, d.path() + "/02_b.down.sql");
    EXPECT_EQ(f.migrations[2].down_sql, "SELECT -10;");
    EXPECT_FALSE(f.migrations[3].down_sql);
    ASSERT_EQ(f.warnings.size(), 1u);
    EXPECT_EQ(f.warnings[0], d.path() + "/3_c.down.sql: ignored (down script for version 3, "
                                        "which has no up script)");
    d.write("002_dup.up.sql", "SELECT 2;");
    d.write("0010_dup.down.sql", "SELECT -10;");
    auto e = load_error(d.path());
    EXPECT_EQ(e, "duplicate down scripts for version 10: " + d.path() + "/0010_dup.down.sql and " +
                     d.path() + "/10_j.down.sql\nduplicate version 2: " + d.path() +
                     "/002_dup.up.sql and " + d.path() + "/2_b.up.sql");
}

// sqitch.plan: changes in plan order; a reworked change's earlier occurrence runs NAME@TAG, TAG
// the last tag before the next occurrence.
TEST(Sqitch, PlanOrderAndRework) {
    auto c = parse_sqitch_plan("%syntax-version=1.0.0\n%project=p\n\n# a comment\n"
                               "a 2013-12-30T23:19:57Z M <m@x> # first\n"
                               "b [a] 2013-12-01T00:00:00Z M <m@x> # earlier date\n"
                               "@v1 2014-01-01T00:00:00Z M <m@x> # tag\n"
                               "c/d 2014-01-02T00:00:00Z M <m@x>\n"
                               "@v2 2014-01-03T00:00:00Z M <m@x>\n"
                               "b [b@v2] 2014-01-04T00:00:00Z M <m@x> # reworked\n",
                               "sqitch.plan");
    ASSERT_EQ(c.size(), 4u);
    EXPECT_EQ(c[0].name, "a");
    EXPECT_EQ(c[0].script, "a");
    EXPECT_EQ(c[0].line, 5);
    EXPECT_EQ(c[1].name, "b");
    EXPECT_EQ(c[1].script, "b@v2");
    EXPECT_EQ(c[2].script, "c/d");
    EXPECT_EQ(c[3].name, "b");
    EXPECT_EQ(c[3].script, "b");
}

TEST(Sqitch, PlanErrors) {
    auto message = [](const std::string &plan) -> std::string {
        try {
            parse_sqitch_plan(plan, "sqitch.plan");
        } catch (const InputError &e) {
            return e.what();
        }
        return "";
    };
    EXPECT_NE(message("a 2013-12-30T23:19:57Z M <m@x>\na 2014-01-01T00:00:00Z M <m@x>\n")
                  .find("sqitch.plan:1: change \"a\" appears again at line 2 without a tag"),
              std::string::npos);
    EXPECT_NE(message("ok 2013-12-30T23:19:57Z M <m@x>\n../up 2013-12-30T23:19:57Z M <m@x>\n")
                  .find("sqitch.plan:2: change name \"../up\" leads out of deploy/"),
              std::string::npos);
    EXPECT_NE(message("+old 2013-12-30T23:19:57Z M <m@x>\n").find("sqitch.plan:1:"),
              std::string::npos);
}

TEST(Sqitch, Folder) {
    TmpDir d;
    d.write("sqitch.plan", "%project=p\na 2013-12-30T23:19:57Z M <m@x>\nx/b 2013-12-31T00:00:00Z "
                           "M <m@x>\n");
    d.write("sqitch.conf", "[core]\n\tengine = pg\n");
    d.write("deploy/a.sql", "BEGIN;\nCREATE SCHEMA a;\nCOMMIT;\n");
    d.write("revert/a.sql", "BEGIN;\nDROP SCHEMA a;\nCOMMIT;\n");
    d.write("deploy/x/b.sql", "CREATE TABLE a.b();\n");
    d.write("verify/a.sql", "SELECT 1;\n");
    d.write("deploy/orphan.sql", "SELECT 1;\n");
    d.write("README.md", "docs\n");
    auto f = load_folder(d.path());
    EXPECT_EQ(f.layout, Layout::Sqitch);
    ASSERT_EQ(f.migrations.size(), 2u);
    EXPECT_EQ(f.migrations[0].version, "1");
    EXPECT_EQ(f.migrations[0].name, "a");
    EXPECT_EQ(f.migrations[0].up_file, d.path() + "/deploy/a.sql");
    ASSERT_TRUE(f.migrations[0].down_sql);
    EXPECT_EQ(f.migrations[0].down_file, d.path() + "/revert/a.sql");
    EXPECT_EQ(f.migrations[1].version, "2");
    EXPECT_EQ(f.migrations[1].name, "x/b");
    EXPECT_EQ(f.migrations[1].up_sql, "CREATE TABLE a.b();\n");
    EXPECT_FALSE(f.migrations[1].down_sql);
    ASSERT_EQ(f.warnings.size(), 2u); // README.md and deploy/orphan.sql
    EXPECT_THROW(plan_new_migration(f, "c", "20240101120000"), InputError);
    d.write("sqitch.plan",
            "a 2013-12-30T23:19:57Z M <m@x>\nmissing 2013-12-31T00:00:00Z M <m@x>\n");
    try {
        load_folder(d.path());
        FAIL() << "a change without its deploy script accepted";
    } catch (const InputError &e) {
        EXPECT_NE(std::string(e.what()).find("sqitch.plan:2: change missing:"), std::string::npos)
            << e.what();
    }
}

TEST(GolangMigrate, AtlasSumIsNotStray) {
    // Atlas's --dir-format golang-migrate writes its atlas.sum beside the files (openmeter)
    TmpDir d;
    d.write("20240101000000_a.up.sql", "CREATE TABLE a();");
    d.write("20240101000000_a.down.sql", "DROP TABLE a;");
    d.write("atlas.sum", "h1:abc=\n");
    auto f = load_folder(d.path());
    EXPECT_EQ(f.layout, Layout::GolangMigrate);
    EXPECT_TRUE(f.warnings.empty());
}

TEST(Directory, PrismaDirectoriesOfOneTimestamp) {
    // Prisma runs its directories in name order; langfuse has seven of one timestamp
    TmpDir d;
    d.write("20240528214728_add_cursor_index_02/migration.sql", "SELECT 2;");
    d.write("20240528214728_add_cursor_index_01/migration.sql", "SELECT 1;");
    d.write("20240528214728_add_cursor_index_03/migration.sql", "SELECT 3;");
    d.write("20240601000000_next/migration.sql", "SELECT 4;");
    d.write("migration_lock.toml", "provider = \"postgresql\"\n");
    auto f = load_folder(d.path());
    ASSERT_EQ(f.migrations.size(), 4u);
    EXPECT_EQ(f.migrations[0].version, "20240528214728");
    EXPECT_EQ(f.migrations[0].name, "add_cursor_index_01");
    EXPECT_EQ(f.migrations[1].version, "20240528214728.1");
    EXPECT_EQ(f.migrations[1].name, "add_cursor_index_02");
    EXPECT_EQ(f.migrations[2].version, "20240528214728.2");
    EXPECT_EQ(f.migrations[3].version, "20240601000000");
    auto nf = plan_new_migration(f, "x", "20250101000000");
    EXPECT_EQ(nf.files[0].first, "20250101000000_x/migration.sql");
    // after a second directory of one timestamp (version TIMESTAMP.1): now, Prisma's shape
    TmpDir last_dup;
    last_dup.write("20240528214728_a/migration.sql", "SELECT 1;");
    last_dup.write("20240528214728_b/migration.sql", "SELECT 2;");
    nf = plan_new_migration(load_folder(last_dup.path()), "x", "20250101000000");
    EXPECT_EQ(nf.files[0].first, "20250101000000_x/migration.sql");
    // up.sql directories keep refusing a duplicate version
    TmpDir g;
    g.write("20240528214728_a/up.sql", "SELECT 1;");
    g.write("20240528214728_b/up.sql", "SELECT 2;");
    EXPECT_NE(load_error(g.path()).find("duplicate version 20240528214728"), std::string::npos);
}
