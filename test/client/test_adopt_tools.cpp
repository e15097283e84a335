// pgmig adopt: the tools that record checksums, failures, baselines or several rows per
// migration: Flyway, Prisma, sqitch and Liquibase (client/src/adopt/), and the checksums they
// record.
#include "adopt/adopt.hpp"
#include "sha256.hpp"
#include "tmpdir.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

using namespace mig::client;
using namespace mig::client::adopt;

namespace {

using Row = std::vector<std::optional<std::string>>;

Mapping plan(const char *tool, const Folder &f, const Rows &rows, Force force = {}) {
    return plan_adoption(*find_reader(tool), f, rows, force);
}

std::string actions(const Folder &f, const Mapping &mp) {
    std::string out;
    for (const auto &e : mp.entries) {
        std::string file = e.m ? std::string(f.relative(e.m->up_file)) : e.key;
        if (!file.empty() && file[0] == '/')
            file.erase(0, 1);
        out += fmt::format("{} {}\n", file, action_text(e.action));
    }
    return out;
}

// A flyway_schema_history row: version, description, type, script, checksum, success.
Row fw(std::optional<std::string> version, const char *type, const char *script,
       std::optional<std::string> checksum, bool success = true) {
    return {std::move(version), "d", type, script, std::move(checksum), success ? "t" : "f"};
}

} // namespace

// Known values: Flyway's own algorithm (ChecksumCalculator.calculateChecksumForResource,
// flyway-core/src/main/java/org/flywaydb/core/internal/resolver/ChecksumCalculator.java: a
// BufferedReader's readLine() over the UTF-8 text, BomFilter on the first line, each line's
// UTF-8 bytes into java.util.zip.CRC32, the value cast to int) run by the JDK on these texts.
TEST(AdoptChecksum, FlywayKnownValues) {
    EXPECT_EQ(flyway_checksum(""), 0);
    EXPECT_EQ(flyway_checksum("SELECT 1;\n"), 78787420);
    EXPECT_EQ(flyway_checksum("SELECT 1;"), 78787420);
    EXPECT_EQ(flyway_checksum("SELECT 1;\r\n"), 78787420);
    EXPECT_EQ(flyway_checksum("CREATE TABLE t (id int);\nINSERT INTO t VALUES (1);\n"), 169406234);
    EXPECT_EQ(flyway_checksum("CREATE TABLE t (id int);\r\nINSERT INTO t VALUES (1);\r\n"),
              169406234);
    EXPECT_EQ(flyway_checksum("CREATE TABLE t (id int);\rINSERT INTO t VALUES (1);\r"), 169406234);
    EXPECT_EQ(flyway_checksum("\xEF\xBB\xBFSELECT 1;\n"), 78787420); // BOM dropped
    // a BOM that is not at the start of the first line is text
    EXPECT_EQ(flyway_checksum("\n\xEF\xBB\xBFSELECT 1;\n"), -1606921097);
    EXPECT_EQ(flyway_checksum("-- caf\xC3\xA9 \xC3\xBC"
                              "ber\nSELECT '\xE2\x98\x83';\n"),
              666040236);
    EXPECT_EQ(flyway_checksum("\n\n\n"), 0);
    EXPECT_EQ(flyway_checksum("a\n\nb\n"), -1635563411);
}

TEST(AdoptChecksum, Sha1) {
    EXPECT_EQ(sha1_hex(""), "da39a3ee5e6b4b0d3255bfef95601890afd80709");
    EXPECT_EQ(sha1_hex("abc"), "a9993e364706816aba3e25717850c26c9cd0d89d");
}

// Flyway: versions, out of order, failed rows, `flyway repair`'s DELETE rows, baselines,
// repeatables, and checksums compared with the files'
TEST(Adopt, Flyway) {
    TmpDir d;
    d.write("V1__init.sql", "CREATE TABLE a ();\n");
    d.write("V1_1__more.sql", "CREATE TABLE b ();\n");
    d.write("V2__late.sql", "CREATE TABLE c ();\n");
    d.write("V3__next.sql", "CREATE TABLE e ();\n");
    d.write("R__view.sql", "CREATE OR REPLACE VIEW v AS SELECT 1;\n");
    Folder f = load_folder(d.path());
    std::string c1 = std::to_string(flyway_checksum("CREATE TABLE a ();\n"));
    std::string c3 = std::to_string(flyway_checksum("CREATE TABLE e ();\n"));
    // V3 ran before V2 (outOfOrder), V2 is not applied; the repeatable ran
    Rows rows = {
        fw(std::nullopt, "SCHEMA", "\"public\"", std::nullopt), fw("1", "SQL", "V1__init.sql", c1),
        fw("3", "SQL", "V3__next.sql", c3),
        fw("1.1", "SQL", "V1_1__more.sql", std::to_string(flyway_checksum("CREATE TABLE b ();\n"))),
        fw(std::nullopt, "SQL", "R__view.sql", "123")};
    Mapping mp = plan("flyway", f, rows);
    EXPECT_EQ(actions(f, mp), "V1__init.sql adopt\nV1_1__more.sql adopt\nV2__late.sql pending\n"
                              "V3__next.sql adopt\nR__view.sql runs on up\n");
    EXPECT_EQ(mp.entries[4].says, "applied (checksum 123)");
    EXPECT_EQ(mp.versions(), (std::vector<std::string>{"1", "1.1", "3"}));

    // the file changed since Flyway ran it
    rows[1] = fw("1", "SQL", "V1__init.sql", "42");
    mp = plan("flyway", f, rows);
    EXPECT_EQ(mp.entries[0].action, Action::Stop);
    EXPECT_EQ(mp.entries[0].problem, Problem::Checksum);
    EXPECT_EQ(plan("flyway", f, rows, parse_force("checksum")).entries[0].action, Action::Adopt);

    // a failed row (success = false); a later successful run of the version replaces it
    rows = {fw("1", "SQL", "V1__init.sql", c1, false)};
    EXPECT_EQ(plan("flyway", f, rows).entries[0].problem, Problem::Failed);
    rows.push_back(fw("1", "SQL", "V1__init.sql", c1));
    EXPECT_EQ(plan("flyway", f, rows).entries[0].action, Action::Adopt);
    // `flyway repair` marked it deleted: not applied
    rows.push_back(fw("1", "DELETE", "V1__init.sql", c1));
    EXPECT_EQ(plan("flyway", f, rows).entries[0].action, Action::Pending);
}

TEST(Adopt, FlywayBaselineAndJavaMigrations) {
    TmpDir d;
    d.write("V1__init.sql", "SELECT 1;\n");
    d.write("V2__more.sql", "SELECT 2;\n");
    d.write("V3__next.sql", "SELECT 3;\n");
    Folder f = load_folder(d.path());
    Rows rows = {fw("2", "BASELINE", "<< Flyway Baseline >>", std::nullopt),
                 fw("2.5", "JDBC", "db.migration.V2_5__Java", std::nullopt)};
    Mapping mp = plan("flyway", f, rows);
    EXPECT_EQ(actions(f, mp), "V1__init.sql adopt\nV2__more.sql adopt\nV3__next.sql pending\n"
                              "2.5 stop\n");
    EXPECT_EQ(mp.entries[0].says, "below the baseline 2");
    EXPECT_EQ(mp.entries[3].problem, Problem::Missing); // a Java migration: no SQL file
}

// Prisma: a row per attempt; applied = finished and not rolled back
TEST(Adopt, Prisma) {
    TmpDir d;
    std::string sql = "CREATE TABLE \"User\" (id int);\n";
    d.write("20240101000000_init/migration.sql", sql);
    d.write("20240102000000_second/migration.sql", "SELECT 2;\n");
    d.write("20240103000000_third/migration.sql", "SELECT 3;\n");
    d.write("migration_lock.toml", "provider = \"postgresql\"\n");
    Folder f = load_folder(d.path());
    std::string sum = sha256_hex(sql);
    // migration_name, checksum, finished, rolled back
    Rows rows = {Row{"20240101000000_init", sum, "t", "f"},
                 Row{"20240102000000_second", "x", "f", "t"}, // failed, resolved --rolled-back
                 Row{"20240103000000_third", "y", "f", "f"}}; // failed
    Mapping mp = plan("prisma", f, rows);
    EXPECT_EQ(actions(f, mp), "20240101000000_init/migration.sql adopt\n"
                              "20240102000000_second/migration.sql pending\n"
                              "20240103000000_third/migration.sql stop\n");
    EXPECT_EQ(mp.entries[2].problem, Problem::Failed);
    // the checksum as Prisma compares it: either line ending; unpadded in old tables
    std::string crlf = sha256_hex("CREATE TABLE \"User\" (id int);\r\n");
    rows = {Row{"20240101000000_init", crlf, "t", "f"}};
    EXPECT_EQ(plan("prisma", f, rows).entries[0].action, Action::Adopt);
    std::string unpadded;
    for (size_t i = 0; i < sum.size(); i += 2)
        unpadded += (sum[i] == '0' ? "" : sum.substr(i, 1)) + sum.substr(i + 1, 1);
    if (unpadded.size() != 64) {
        rows = {Row{"20240101000000_init", unpadded, "t", "f"}};
        EXPECT_EQ(plan("prisma", f, rows).entries[0].action, Action::Adopt);
    }
    rows = {Row{"20240101000000_init", sha256_hex("other"), "t", "f"}};
    EXPECT_EQ(plan("prisma", f, rows).entries[0].problem, Problem::Checksum);
}

// sqitch: change names of the project; a reworked change matched by its script's SHA-1
TEST(Adopt, Sqitch) {
    TmpDir d;
    d.write("sqitch.plan", "%syntax-version=1.0.0\n%project=app\n\n"
                           "schema 2024-01-01T00:00:00Z A <a@x> # s\n"
                           "fn 2024-01-02T00:00:00Z A <a@x> # f\n@v1 2024-01-03T00:00:00Z A <a@x>\n"
                           "fn [fn@v1] 2024-01-04T00:00:00Z A <a@x> # reworked\n");
    d.write("deploy/schema.sql", "CREATE SCHEMA app;\n");
    d.write("deploy/fn@v1.sql",
            "CREATE FUNCTION app.f() RETURNS int AS 'SELECT 1' LANGUAGE sql;\n");
    d.write("deploy/fn.sql", "CREATE OR REPLACE FUNCTION app.f() RETURNS int AS 'SELECT 2' "
                             "LANGUAGE sql;\n");
    Folder f = load_folder(d.path());
    ASSERT_EQ(f.migrations.size(), 3u);
    std::string old_fn =
        sha1_hex("CREATE FUNCTION app.f() RETURNS int AS 'SELECT 1' LANGUAGE sql;\n");
    // change, script_hash, project: the first fn deployed, not the rework; another project's row
    Rows rows = {Row{"schema", sha1_hex("CREATE SCHEMA app;\n"), "app"}, Row{"fn", old_fn, "app"},
                 Row{"other", "h", "elsewhere"}};
    Mapping mp = plan("sqitch", f, rows);
    EXPECT_EQ(actions(f, mp), "deploy/schema.sql adopt\ndeploy/fn@v1.sql adopt\n"
                              "deploy/fn.sql pending\n");
    // a deploy script changed since it was deployed
    rows[0] = Row{"schema", sha1_hex("CREATE SCHEMA other;\n"), "app"};
    EXPECT_EQ(plan("sqitch", f, rows).entries[0].problem, Problem::Checksum);
}

// Liquibase: a file is applied when each of its changesets for PostgreSQL ran
TEST(Adopt, Liquibase) {
    TmpDir d;
    d.write("001_init.sql", "--liquibase formatted sql\n\n--changeset alice:1\nCREATE TABLE a ();\n"
                            "--changeset alice:2\nCREATE TABLE b ();\n"
                            "--changeset alice:3 dbms:h2\nCREATE TABLE h ();\n");
    d.write("002_more.sql", "--liquibase formatted sql\n--changeset bob:1\nCREATE TABLE c ();\n"
                            "--changeset bob:2\nCREATE TABLE d ();\n");
    d.write("003_last.sql", "--liquibase formatted sql\n--changeset bob:9\nCREATE TABLE e ();\n");
    Folder f = load_folder(d.path());
    // id, author, filename, exectype
    Rows rows = {Row{"1", "alice", "db/changelog/001_init.sql", "EXECUTED"},
                 Row{"2", "alice", "db/changelog/001_init.sql", "MARK_RAN"},
                 Row{"1", "bob", "db/changelog/002_more.sql", "EXECUTED"}};
    Mapping mp = plan("liquibase", f, rows);
    EXPECT_EQ(actions(f, mp), "001_init.sql adopt\n002_more.sql stop\n003_last.sql pending\n");
    EXPECT_EQ(mp.entries[1].says, "partly applied (1 of 2 changesets)");
    // a changeset no file has
    rows.push_back(Row{"7", "carol", "db/changelog/changes.xml", "EXECUTED"});
    mp = plan("liquibase", f, rows, parse_force("failed,missing"));
    EXPECT_EQ(actions(f, mp), "001_init.sql adopt\n002_more.sql pending\n003_last.sql pending\n"
                              "changes.xml changeset carol:7 ignored\n");
}
