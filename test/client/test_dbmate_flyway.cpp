#include "errors.hpp"
#include "layouts/layout.hpp"
#include "load_error.hpp"
#include "text.hpp"
#include "tmpdir.hpp"

#include <algorithm>
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

TEST(Dbmate, DashAfterTheVersion) {
    // dbmate takes any NNN…sql file (supabase/postgres's init-scripts are NNN-name.sql)
    TmpDir d;
    d.write("00000000000000-initial-schema.sql", "-- migrate:up\nCREATE TABLE a();\n");
    d.write("20240101000000_alter_a.sql", "-- migrate:up\nALTER TABLE a ADD c int;\n");
    auto f = load_folder(d.path());
    EXPECT_EQ(f.layout, Layout::Dbmate);
    ASSERT_EQ(f.migrations.size(), 2u);
    EXPECT_EQ(f.migrations[0].version, "00000000000000");
    EXPECT_EQ(f.migrations[0].name, "initial-schema");
    EXPECT_TRUE(f.warnings.empty());
}

TEST(Folder, SqlFilesButNoMigrationRefused) {
    // not an empty folder: up must not succeed doing nothing
    TmpDir d;
    d.write("schema.sql", "CREATE TABLE a();\n");
    d.write("seed.sql", "INSERT INTO a DEFAULT VALUES;\n");
    d.write("README.md", "x");
    std::string err = load_error(d.path());
    EXPECT_NE(err.find("no migration found, but 2 .sql file(s)"), std::string::npos) << err;
    EXPECT_NE(err.find("schema.sql, "), std::string::npos) << err;
    TmpDir empty;
    empty.write("README.md", "x");
    EXPECT_EQ(load_error(empty.path()), "");
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

// goose: the Down section is not part of the up script (a numbered-file reading would run both).
TEST(Goose, SectionsAndNoTransaction) {
    auto s = parse_sections("-- +goose Up\n-- +goose StatementBegin\nCREATE TABLE g(id int);\n"
                            "-- +goose StatementEnd\n\n-- +goose Down\nDROP TABLE g;\n",
                            SectionStyle::Goose);
    EXPECT_EQ(s.up,
              "-- +goose StatementBegin\nCREATE TABLE g(id int);\n-- +goose StatementEnd\n\n");
    EXPECT_EQ(s.up_offset, 1);
    ASSERT_TRUE(s.down);
    EXPECT_EQ(*s.down, "DROP TABLE g;\n");
    EXPECT_EQ(s.down_offset, 6);
    EXPECT_FALSE(s.up_no_transaction);
    auto nt = parse_sections("-- +goose NO TRANSACTION\n-- +goose up\nCREATE INDEX CONCURRENTLY i "
                             "ON g(id);\n",
                             SectionStyle::Goose);
    EXPECT_TRUE(nt.up_no_transaction);
    ASSERT_TRUE(nt.down); // no Down section: goose's down runs nothing, and so does pgmig's
    EXPECT_EQ(*nt.down, "");
    auto env = parse_sections("-- +goose Up\n-- +goose ENVSUB ON\nCREATE ROLE ${ROLE};\n",
                              SectionStyle::Goose);
    EXPECT_EQ(env.unsupported_line, 2);
    EXPECT_NE(env.unsupported.find("ENVSUB"), std::string::npos);
}

TEST(SqlMigrate, SectionsAndNotransaction) {
    auto s = parse_sections("-- +migrate Up notransaction\nCREATE INDEX CONCURRENTLY i ON t(a);\n"
                            "-- +migrate Down\nDROP INDEX i;\n",
                            SectionStyle::SqlMigrate);
    EXPECT_TRUE(s.up_no_transaction);
    EXPECT_EQ(s.up, "CREATE INDEX CONCURRENTLY i ON t(a);\n");
    ASSERT_TRUE(s.down);
    EXPECT_EQ(*s.down, "DROP INDEX i;\n");
    EXPECT_EQ(section_style("-- +migrate Up\nSELECT 1;\n"), SectionStyle::SqlMigrate);
    EXPECT_EQ(section_style("-- +goose Up\nSELECT 1;\n"), SectionStyle::Goose);
    EXPECT_EQ(section_style("-- migrate:up\nSELECT 1;\n"), SectionStyle::Dbmate);
    EXPECT_FALSE(section_style("SELECT 1; -- +goose Up\n"));
    EXPECT_FALSE(section_style("-- +goose Down\nSELECT 1;\n")); // an up marker decides
}

TEST(SqlMigrate, EveryUpSectionIsTheUpScript) {
    // sql-migrate gathers every Up section (convoy's files have up to 20), and every Down one;
    // the other direction's lines are left empty so that line numbers stay the file's
    auto s = parse_sections("-- +migrate Up\nCREATE TABLE a();\n\n-- +migrate Down\nDROP TABLE a;\n"
                            "-- +migrate Up notransaction\nCREATE TABLE b();\n"
                            "-- +migrate Down\nDROP TABLE b;\n",
                            SectionStyle::SqlMigrate);
    EXPECT_TRUE(s.has_up);
    EXPECT_EQ(s.up,
              "CREATE TABLE a();\n\n\n\n-- +migrate Up notransaction\nCREATE TABLE b();\n\n\n");
    EXPECT_EQ(s.up_offset, 1);
    EXPECT_TRUE(s.up_no_transaction);
    ASSERT_TRUE(s.down);
    EXPECT_EQ(*s.down, "DROP TABLE a;\n\n\n-- +migrate Down\nDROP TABLE b;\n");
    EXPECT_EQ(s.down_offset, 4);
    // line 7 of the file is line 6 of the up script
    EXPECT_EQ(line_of(s.up, 7 - s.up_offset), "CREATE TABLE b();");
}

TEST(Dbmate, RepeatedMarkersAreTextAsInDbmate) {
    // dbmate: up from the first up marker to the first down marker, down from there to the end
    auto s = parse_dbmate("-- migrate:up\nCREATE TABLE a();\n-- migrate:up\nCREATE TABLE b();\n"
                          "-- migrate:down\nDROP TABLE b;\n-- migrate:down\nDROP TABLE a;\n");
    EXPECT_EQ(s.up, "CREATE TABLE a();\n-- migrate:up\nCREATE TABLE b();\n");
    EXPECT_EQ(s.up_offset, 1);
    ASSERT_TRUE(s.down);
    EXPECT_EQ(*s.down, "DROP TABLE b;\n-- migrate:down\nDROP TABLE a;\n");
    EXPECT_EQ(s.down_offset, 5);
}

TEST(Goose, RepeatedMarkerRefused) {
    auto s =
        parse_sections("-- +goose Up\nSELECT 1;\n-- +goose Up\nSELECT 2;\n", SectionStyle::Goose);
    EXPECT_EQ(s.unsupported_line, 3);
    EXPECT_NE(s.unsupported.find("a second up section marker"), std::string::npos);
    auto d =
        parse_sections("-- ====  UP  ====\nSELECT 1;\n-- ==== DOWN ====\n\n-- ==== DOWN ====\n",
                       SectionStyle::Shmig);
    EXPECT_EQ(d.unsupported_line, 5);
}

TEST(Goose, Folder) {
    TmpDir d;
    d.write("20230101120000_create_g.sql",
            "-- +goose Up\nCREATE TABLE g(id int);\n-- +goose Down\nDROP TABLE g;\n");
    d.write("20230102120000_empty.sql", "");
    d.write("20230103120000_code.go", "package migrations\n");
    auto f = load_folder(d.path());
    EXPECT_EQ(f.layout, Layout::Goose);
    ASSERT_EQ(f.migrations.size(), 2u);
    EXPECT_EQ(f.migrations[0].up_sql, "CREATE TABLE g(id int);\n");
    ASSERT_TRUE(f.migrations[0].down_sql);
    EXPECT_EQ(*f.migrations[0].down_sql, "DROP TABLE g;\n");
    EXPECT_EQ(f.migrations[0].down_line_offset, 3); // the marker's line
    EXPECT_EQ(f.migrations[1].up_sql, "");
    ASSERT_EQ(f.warnings.size(), 1u); // the Go migration: not SQL
    EXPECT_NE(f.warnings[0].find("20230103120000_code.go"), std::string::npos);
    auto nf = plan_new_migration(f, "next", "20240101120000");
    ASSERT_EQ(nf.files.size(), 1u);
    EXPECT_EQ(nf.files[0].first, "20240101120000_next.sql");
    EXPECT_NE(nf.files[0].second.find("-- +goose Down"), std::string::npos);
    // ENVSUB: refused, naming the file and line
    d.write("20230104120000_env.sql", "-- +goose Up\n-- +goose ENVSUB ON\nSELECT '${X}';\n");
    try {
        load_folder(d.path());
        FAIL() << "ENVSUB accepted";
    } catch (const InputError &e) {
        EXPECT_NE(std::string(e.what()).find("20230104120000_env.sql:2: goose's ENVSUB ON"),
                  std::string::npos)
            << e.what();
    }
}

TEST(SqlMigrate, FolderWithDashedNames) {
    TmpDir d;
    d.write("1-initial.sql",
            "-- +migrate Up\nCREATE TABLE p(id int);\n-- +migrate Down\nDROP TABLE p;\n");
    d.write("20190101120000-add-email.sql", "-- +migrate Up\nALTER TABLE p ADD email text;\n");
    d.write("notes-on-schema.sql", "-- +migrate Up\nSELECT 1;\n"); // no version
    auto f = load_folder(d.path());
    EXPECT_EQ(f.layout, Layout::SqlMigrate);
    ASSERT_EQ(f.migrations.size(), 2u);
    EXPECT_EQ(f.migrations[0].version, "1");
    EXPECT_EQ(f.migrations[0].name, "initial");
    EXPECT_EQ(f.migrations[1].version, "20190101120000");
    EXPECT_EQ(f.migrations[1].name, "add-email");
    ASSERT_TRUE(f.migrations[1].down_sql); // an empty down, as sql-migrate rolls it back
    EXPECT_EQ(*f.migrations[1].down_sql, "");
    EXPECT_EQ(f.warnings.size(), 1u);
    auto nf = plan_new_migration(f, "x", "20240101120000");
    EXPECT_EQ(nf.files[0].first, "20240101120000-x.sql");
}

TEST(Layouts, GooseAndDbmateFilesMixed) {
    TmpDir d;
    d.write("20230101120000_a.sql", "-- +goose Up\nSELECT 1;\n");
    d.write("20230102120000_b.sql", "-- migrate:up\nSELECT 2;\n");
    try {
        load_folder(d.path());
        FAIL() << "mixed layouts accepted";
    } catch (const InputError &e) {
        EXPECT_NE(std::string(e.what()).find("mixes migration layouts"), std::string::npos);
    }
}

// Liquibase formatted SQL: the changesets are the up script, their rollbacks (last first) the
// down; another DBMS's changesets are blanked, positions kept.
TEST(Liquibase, ChangesetsAndRollbacks) {
    std::string text = "--liquibase formatted sql\n\n--changeset a:1\nCREATE TABLE p(id int);\n"
                       "--rollback DROP TABLE p;\n\n--changeset a:2 dbms:h2\nCREATE TABLE h();\n"
                       "--changeset a:3\nINSERT INTO p VALUES (1);\n--rollback DELETE FROM p\n"
                       "--rollback WHERE id = 1;\n";
    EXPECT_TRUE(is_liquibase_formatted(text));
    EXPECT_TRUE(is_liquibase_formatted("\n-- Liquibase formatted SQL\n"));
    EXPECT_FALSE(is_liquibase_formatted("SELECT 1;\n--liquibase formatted sql\n"));
    EXPECT_EQ(section_style(text), SectionStyle::Liquibase);
    auto s = parse_liquibase(text);
    EXPECT_EQ(s.up.size(), text.size());
    EXPECT_NE(s.up.find("CREATE TABLE p(id int);"), std::string::npos);
    EXPECT_EQ(s.up.find("CREATE TABLE h()"), std::string::npos); // h2's, blanked
    EXPECT_EQ(std::count(s.up.begin(), s.up.end(), '\n'),
              std::count(text.begin(), text.end(), '\n'));
    ASSERT_TRUE(s.down);
    EXPECT_LT(s.down->find("DELETE FROM p\nWHERE id = 1;"), s.down->find("DROP TABLE p;"));
    EXPECT_FALSE(s.up_no_transaction);
    EXPECT_TRUE(s.unsupported.empty());
    // a changeset without a rollback: no down script at all
    auto nodown = parse_liquibase("--liquibase formatted sql\n--changeset a:1\nSELECT 1;\n"
                                  "--changeset a:2\nSELECT 2;\n--rollback SELECT -2;\n");
    EXPECT_FALSE(nodown.down);
    auto notreq = parse_liquibase("--liquibase formatted sql\n--changeset a:1 "
                                  "runInTransaction:false\nSELECT 1;\n--rollback not required\n");
    ASSERT_TRUE(notreq.down);
    EXPECT_EQ(*notreq.down, "");
    EXPECT_TRUE(notreq.up_no_transaction);
    auto ctx = parse_liquibase("--liquibase formatted sql\n--changeset a:1\nSELECT 1;\n"
                               "--changeset a:2 context:test\nSELECT 2;\n");
    EXPECT_EQ(ctx.unsupported_line, 4);
    EXPECT_NE(ctx.unsupported.find("context"), std::string::npos);
    auto again = parse_liquibase("--liquibase formatted sql\n--changeset a:1 runOnChange:true\n");
    EXPECT_NE(again.unsupported.find("runOnChange"), std::string::npos);
}

TEST(Liquibase, Folder) {
    TmpDir d;
    d.write("001_init.sql", "--liquibase formatted sql\n--changeset a:1\nCREATE TABLE p();\n"
                            "--rollback DROP TABLE p;\n");
    d.write("002-more.sql",
            "--liquibase formatted sql\n--changeset a:2\nALTER TABLE p ADD x int;\n");
    auto f = load_folder(d.path());
    EXPECT_EQ(f.layout, Layout::Liquibase);
    ASSERT_EQ(f.migrations.size(), 2u);
    EXPECT_EQ(f.migrations[0].version, "001");
    ASSERT_TRUE(f.migrations[0].down_sql);
    EXPECT_EQ(f.migrations[1].name, "more");
    EXPECT_FALSE(f.migrations[1].down_sql);
    auto nf = plan_new_migration(f, "x", "20240101120000");
    EXPECT_EQ(nf.files[0].first, "003_x.sql");
    EXPECT_TRUE(is_liquibase_formatted(nf.files[0].second));
}

// Flyway's script configuration files and SQL callbacks beside the migrations.
TEST(Flyway, ScriptConfigAndCallbacks) {
    auto c = parse_flyway_script_config("# c\nexecuteInTransaction = false\nencoding=UTF-8\n"
                                        "mixed=true\n",
                                        "V2__x.sql.conf");
    EXPECT_TRUE(c.no_transaction);
    EXPECT_EQ(c.ignored, std::vector<std::string>{"mixed"});
    EXPECT_FALSE(parse_flyway_script_config("executeInTransaction=true\n", "c").no_transaction);
    EXPECT_THROW(parse_flyway_script_config("encoding=ISO-8859-1\n", "c"), InputError);
    EXPECT_THROW(parse_flyway_script_config("shouldExecute=false\n", "c"), InputError);
    EXPECT_EQ(flyway_callback_event("afterMigrate.sql"), "afterMigrate");
    EXPECT_EQ(flyway_callback_event("beforeEachMigrate__log.sql"), "beforeEachMigrate");
    EXPECT_EQ(flyway_callback_event("afterMigration.sql"), "");
    EXPECT_EQ(flyway_callback_event("afterMigrate.sql.conf"), "");

    TmpDir d;
    d.write("V1__a.sql", "CREATE TABLE a (id int);\n");
    d.write("V2__fill.sql", "INSERT INTO a VALUES (1);\n");
    d.write("V2__fill.sql.conf", "executeInTransaction=false\n");
    d.write("R__view.sql", "CREATE OR REPLACE VIEW v AS SELECT 1;\n");
    d.write("R__view.sql.conf", "executeInTransaction=false\n");
    d.write("afterMigrate.sql", "GRANT SELECT ON a TO PUBLIC;\n");
    auto f = load_folder(d.path());
    ASSERT_EQ(f.migrations.size(), 2u);
    EXPECT_FALSE(f.migrations[0].no_transaction);
    EXPECT_TRUE(f.migrations[1].no_transaction);
    ASSERT_EQ(f.repeatables.size(), 1u);
    EXPECT_TRUE(f.repeatables[0].no_transaction);
    ASSERT_EQ(f.warnings.size(), 1u);
    EXPECT_NE(f.warnings[0].find("afterMigrate.sql: ignored (a Flyway afterMigrate callback"),
              std::string::npos)
        << f.warnings[0];
    d.write("V1__a.sql.conf", "shouldExecute=${run}\n");
    try {
        load_folder(d.path());
        FAIL() << "shouldExecute accepted";
    } catch (const InputError &e) {
        EXPECT_NE(std::string(e.what()).find("V1__a.sql.conf:1: shouldExecute is not supported"),
                  std::string::npos)
            << e.what();
    }
}

// The down script of a Liquibase file is its rollbacks, last changeset first: each of its lines
// maps back to the file's line, so that an error in it names the file's line.
TEST(Liquibase, RollbackLinesMapToTheFile) {
    std::string text = "--liquibase formatted sql\n"     // 1
                       "--changeset a:1\n"               // 2
                       "CREATE TABLE p(id int);\n"       // 3
                       "--rollback DROP TABLE p;\n"      // 4
                       "--changeset a:2\n"               // 5
                       "INSERT INTO p VALUES (1);\n"     // 6
                       "--rollback DELETE FROM p\n"      // 7
                       "--rollback WHERE nosuch = 1;\n"; // 8
    auto s = parse_liquibase(text);
    ASSERT_TRUE(s.down);
    // "-- rollback of changeset a:2 (line 5)", two lines, "-- … a:1 (line 2)", one line
    EXPECT_EQ(s.down_lines, (std::vector<int>{5, 7, 8, 2, 4}));
    TmpDir d;
    d.write("001_init.sql", text);
    auto f = load_folder(d.path());
    ASSERT_EQ(f.migrations.size(), 1u);
    const Migration &m = f.migrations[0];
    EXPECT_EQ(m.file_line(true, 3), 8);
    EXPECT_EQ(m.file_line(true, 5), 4);
    EXPECT_EQ(m.file_line(false, 3), 3);
    EXPECT_EQ(script_line(m, true, 3), "WHERE nosuch = 1;");
}

TEST(FlywayPlaceholder, FindsTheFirstUseAndItsLine) {
    auto [line, ph] = flyway_placeholder_use("-- x\nCREATE SCHEMA ${flyway:defaultSchema};\n"
                                             "GRANT USAGE ON SCHEMA ${schema_name} TO ${role};\n");
    EXPECT_EQ(line, 2);
    EXPECT_EQ(ph, "${flyway:defaultSchema}");
    // in comments and strings too: Flyway replaces them there as well
    EXPECT_EQ(flyway_placeholder_use("SELECT 1;\nSELECT 'by ${flyway:user}';\n").first, 2);
    EXPECT_EQ(flyway_placeholder_use("-- owner ${env.owner-name}\n").second, "${env.owner-name}");
}

TEST(FlywayPlaceholder, DollarQuotesAndParametersAreNotPlaceholders) {
    EXPECT_EQ(flyway_placeholder_use("CREATE FUNCTION f() RETURNS int AS $$ SELECT $1 $$;\n"
                                     "DO $body$ BEGIN END $body$;\n")
                  .first,
              0);
    EXPECT_EQ(flyway_placeholder_use("SELECT '${}', '${ x }', '${a b}', '${unclosed';").first, 0);
    EXPECT_EQ(placeholder_at("x ${a}", 2), "${a}");
    EXPECT_EQ(placeholder_at("x ${a}", 1), "");
    EXPECT_EQ(placeholder_at("${a", 0), "");
}

TEST(Flyway, BaselineMigrationIsTheFirstWhenItsVersionsAreGone) {
    // hawkbit's B1_20_0__…baseline.sql, then V1_20_1…: Flyway runs the latest B on an empty
    // database, then the V above it
    TmpDir d;
    d.write("B1_0__old_baseline.sql", "CREATE TABLE old();\n");
    d.write("B1_20_0__baseline.sql", "CREATE TABLE t(id int);\n");
    d.write("V1_20_1__add_x.sql", "ALTER TABLE t ADD x int;\n");
    auto f = load_folder(d.path());
    ASSERT_EQ(f.migrations.size(), 2u);
    EXPECT_EQ(f.migrations[0].version, "1.20.0");
    EXPECT_TRUE(f.migrations[0].flyway_baseline);
    EXPECT_FALSE(f.migrations[1].flyway_baseline);
    ASSERT_EQ(f.warnings.size(), 1u);
    EXPECT_NE(f.warnings[0].find("B1_0__old_baseline.sql: ignored (a Flyway baseline migration "
                                 "superseded by"),
              std::string::npos);
}

TEST(Flyway, BaselineMigrationIgnoredWhileItsVersionsAreThere) {
    TmpDir d;
    d.write("V1__create.sql", "CREATE TABLE t(id int);\n");
    d.write("V2__add_x.sql", "ALTER TABLE t ADD x int;\n");
    d.write("B2__baseline.sql", "CREATE TABLE t(id int, x int);\n");
    d.write("V3__add_y.sql", "ALTER TABLE t ADD y int;\n");
    auto f = load_folder(d.path());
    ASSERT_EQ(f.migrations.size(), 3u);
    for (const auto &m : f.migrations)
        EXPECT_FALSE(m.flyway_baseline) << m.up_file;
    ASSERT_EQ(f.warnings.size(), 1u);
    EXPECT_NE(f.warnings[0].find("B2__baseline.sql: ignored"), std::string::npos);
}

TEST(SqlMigrate, FilesOfOneNumberRunInNameOrder) {
    // sql-migrate orders by number, then by file name (nakama's two …540 files)
    TmpDir d;
    d.write("20230222172539-create.sql", "-- +migrate Up\nCREATE TABLE p();\n");
    d.write("20230222172540-uid-2.sql", "-- +migrate Up\nSELECT 2;\n");
    d.write("20230222172540-uid-1.sql", "-- +migrate Up\nSELECT 1;\n");
    auto f = load_folder(d.path());
    ASSERT_EQ(f.migrations.size(), 3u);
    EXPECT_EQ(f.migrations[1].version, "20230222172540");
    EXPECT_EQ(f.migrations[1].name, "uid-1");
    EXPECT_EQ(f.migrations[2].version, "20230222172540.1");
    EXPECT_EQ(f.migrations[2].name, "uid-2");
}
