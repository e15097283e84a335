// tern, node-pg-migrate, graphile-migrate, shmig, Postgrator and Drizzle folders, and Atlas's
// and sqlx's directives: each must yield the up script alone for `up` (read as plain numbered
// files, tern's and node-pg-migrate's down sections would run right after their up sections).
#include "errors.hpp"
#include "layouts/layout.hpp"
#include "load_error.hpp"
#include "tmpdir.hpp"

#include <gtest/gtest.h>

using namespace mig::client;

TEST(Tern, Sections) {
    std::string text = "create table t1(\n  id serial primary key\n);\n\n"
                       "---- create above / drop below ----\n\ndrop table t1;\n";
    EXPECT_EQ(section_style(text), SectionStyle::Tern);
    auto s = parse_tern(text);
    EXPECT_EQ(s.up, "create table t1(\n  id serial primary key\n);\n\n");
    EXPECT_EQ(s.up_offset, 0);
    ASSERT_TRUE(s.down);
    EXPECT_EQ(*s.down, "\ndrop table t1;\n");
    EXPECT_EQ(s.down_offset, 5); // the separator is line 5
    EXPECT_FALSE(s.up_no_transaction);
    // nothing but white space below the separator: irreversible, as in tern
    EXPECT_FALSE(parse_tern("select 1;\n---- create above / drop below ----\n \n\n").down);
    // a comment-only down section is a no-op down
    auto c = parse_tern("select 1;\n---- create above / drop below ----\n-- nothing\n");
    ASSERT_TRUE(c.down);
    EXPECT_EQ(*c.down, "-- nothing\n");
    EXPECT_TRUE(parse_tern("---- tern: disable-tx ----\ncreate index concurrently i on t(a);\n"
                           "---- create above / drop below ----\ndrop index i;\n")
                    .up_no_transaction);
    auto tmpl = parse_tern("select 1;\ncreate table {{.prefix}}_bar();\n");
    EXPECT_EQ(tmpl.unsupported_line, 2);
    EXPECT_NE(tmpl.unsupported.find("templates"), std::string::npos);
    // dbmate's markers win over a separator-looking line
    EXPECT_EQ(section_style("-- migrate:up\nselect 1;\n---- create above / drop below ----\n"),
              SectionStyle::Dbmate);
}

TEST(Tern, Folder) {
    TmpDir d;
    d.write("001_create_t1.sql", "create table t1(id int);\n---- create above / drop below "
                                 "----\ndrop table t1;\n");
    d.write("002_irreversible.sql", "drop table t2;\n"); // no separator: up only
    d.write("003_empty.sql", "");
    d.write("tern.conf", "[database]\nhost = localhost\n");
    auto f = load_folder(d.path());
    EXPECT_EQ(f.layout, Layout::Tern);
    ASSERT_EQ(f.migrations.size(), 3u);
    EXPECT_EQ(f.migrations[0].up_sql, "create table t1(id int);\n");
    ASSERT_TRUE(f.migrations[0].down_sql);
    EXPECT_EQ(*f.migrations[0].down_sql, "drop table t1;\n");
    EXPECT_EQ(f.migrations[0].down_file, f.migrations[0].up_file);
    EXPECT_EQ(f.migrations[0].down_line_offset, 2);
    EXPECT_EQ(f.migrations[1].up_sql, "drop table t2;\n");
    EXPECT_FALSE(f.migrations[1].has_down());
    for (const auto &w : f.warnings) // tern.conf belongs to the folder
        EXPECT_EQ(w.find("tern.conf"), std::string::npos) << w;
    auto nf = plan_new_migration(f, "add_people", "20240101120000");
    ASSERT_EQ(nf.files.size(), 1u);
    EXPECT_EQ(nf.files[0].first, "004_add_people.sql");
    EXPECT_NE(nf.files[0].second.find("---- create above / drop below ----"), std::string::npos);
    d.write("004_tmpl.sql", "create view {{.prefix}}v1 as select 1;\n");
    EXPECT_NE(load_error(d.path()).find("004_tmpl.sql:1: tern's templates"), std::string::npos)
        << load_error(d.path());
}

TEST(NodePgMigrate, Markers) {
    EXPECT_EQ(node_pg_migrate_marker("-- Up Migration"), true);
    EXPECT_EQ(node_pg_migrate_marker("  --- down   migration  "), false);
    EXPECT_EQ(node_pg_migrate_marker("-- - UP MIGRATION"), true);
    EXPECT_FALSE(node_pg_migrate_marker("-- Down Migration: drops a"));
    EXPECT_FALSE(node_pg_migrate_marker("-- upmigration"));
    EXPECT_FALSE(node_pg_migrate_marker("SELECT 1; -- Up Migration"));
    EXPECT_EQ(node_pg_migrate_loose_line("SELECT 1;\n-- down migration is not written\n"), 2);
    EXPECT_EQ(node_pg_migrate_loose_line("-- Up Migration\nSELECT 1;\n"), 0);
}

TEST(NodePgMigrate, Sections) {
    std::string text = "-- Up Migration\nCREATE TABLE a(id int);\n\n-- Down Migration\n"
                       "DROP TABLE a;\n";
    EXPECT_EQ(section_style(text), SectionStyle::NodePgMigrate);
    auto s = parse_node_pg_migrate(text);
    EXPECT_TRUE(s.has_up);
    EXPECT_EQ(s.up, "CREATE TABLE a(id int);\n\n");
    EXPECT_EQ(s.up_offset, 1);
    ASSERT_TRUE(s.down);
    EXPECT_EQ(*s.down, "DROP TABLE a;\n");
    EXPECT_EQ(s.down_offset, 4);
    // down first, as node-pg-migrate allows
    auto r = parse_node_pg_migrate("-- Down Migration\nDROP TABLE a;\n-- Up Migration\nCREATE "
                                   "TABLE a();\n");
    EXPECT_EQ(r.up, "CREATE TABLE a();\n");
    EXPECT_EQ(*r.down, "DROP TABLE a;\n");
    EXPECT_FALSE(parse_node_pg_migrate("-- Up Migration\nSELECT 1;\n").down); // irreversible
    EXPECT_EQ(parse_node_pg_migrate("-- Down Migration\nDROP TABLE a;\n").unsupported_line, 1);
    EXPECT_EQ(parse_node_pg_migrate("-- Up Migration\nSELECT 1;\n-- Up Migration\nSELECT 2;\n")
                  .unsupported_line,
              3);
    // SQL above the first marker, which node-pg-migrate would drop: refused
    auto before = parse_node_pg_migrate("-- header\n\nBEGIN;\n\n-- Up migration\nCREATE TABLE "
                                        "u ();\nCOMMIT;\n");
    EXPECT_EQ(before.unsupported_line, 3);
    EXPECT_NE(before.unsupported.find("SQL before the first"), std::string::npos);
    EXPECT_TRUE(parse_node_pg_migrate("/* a header\n   BEGIN; in a comment */\n-- Up Migration\n"
                                      "SELECT 1;\n")
                    .unsupported.empty());
    auto loose = parse_node_pg_migrate("-- Up Migration\nSELECT 1;\n-- Down migration: none\n");
    EXPECT_EQ(loose.unsupported_line, 3);
}

TEST(NodePgMigrate, Folder) {
    TmpDir d;
    d.write("1600000000000_create-a.sql",
            "-- Up Migration\nCREATE TABLE a(id int);\n-- Down Migration\nDROP TABLE a;\n");
    d.write("1600000000001_plain.sql", "CREATE TABLE b(id int);\n"); // no markers: up only
    d.write("1600000000002_js-one.js", "exports.up = (pgm) => {};\n");
    auto f = load_folder(d.path());
    EXPECT_EQ(f.layout, Layout::NodePgMigrate);
    ASSERT_EQ(f.migrations.size(), 2u);
    EXPECT_EQ(f.migrations[0].name, "create-a");
    EXPECT_EQ(f.migrations[0].up_sql, "CREATE TABLE a(id int);\n");
    EXPECT_EQ(*f.migrations[0].down_sql, "DROP TABLE a;\n");
    EXPECT_EQ(f.migrations[1].up_sql, "CREATE TABLE b(id int);\n");
    EXPECT_FALSE(f.migrations[1].has_down());
    ASSERT_EQ(f.warnings.size(), 1u); // the .js migration (not SQL)
    EXPECT_NE(f.warnings[0].find("1600000000002_js-one.js"), std::string::npos);
    auto nf = plan_new_migration(f, "next", "20240101120000");
    EXPECT_EQ(nf.files[0].first, "1704110400000_next.sql"); // milliseconds, as the folder
    EXPECT_NE(nf.files[0].second.find("-- Down Migration"), std::string::npos);
    // a file without markers that node-pg-migrate would split anyway: refused
    d.write("1600000000003_loose.sql",
            "CREATE TABLE c();\n-- down migration: drop c\nDROP TABLE c;\n");
    EXPECT_NE(load_error(d.path()).find("1600000000003_loose.sql:2: node-pg-migrate splits"),
              std::string::npos)
        << load_error(d.path());
}

TEST(NodePgMigrate, PlainFolderWithMarkerLikeCommentStaysNumbered) {
    TmpDir d;
    d.write("001_a.sql", "-- down migration is not provided\nCREATE TABLE a();\n");
    auto f = load_folder(d.path());
    EXPECT_EQ(f.layout, Layout::Numbered);
    EXPECT_EQ(f.migrations[0].up_sql, "-- down migration is not provided\nCREATE TABLE a();\n");
}

TEST(Graphile, Committed) {
    TmpDir d;
    d.write("000001.sql", "--! Previous: -\n--! Hash: sha1:aa\n\nCREATE TABLE g();\n");
    d.write("000002-add-index.sql", "--! Previous: sha1:aa\n--! Hash: sha1:bb\n--! Message: "
                                    "add index\n--! no-transaction\n\nCREATE INDEX "
                                    "CONCURRENTLY i ON g(id);\n");
    auto f = load_folder(d.path());
    EXPECT_EQ(f.layout, Layout::Graphile);
    ASSERT_EQ(f.migrations.size(), 2u);
    EXPECT_EQ(f.migrations[0].version, "000001");
    EXPECT_EQ(f.migrations[0].name, "");
    EXPECT_FALSE(f.migrations[0].no_transaction);
    EXPECT_FALSE(f.migrations[0].has_down());
    EXPECT_EQ(f.migrations[1].name, "add-index");
    EXPECT_TRUE(f.migrations[1].no_transaction);
    EXPECT_NE(f.migrations[1].up_sql.find("--! Previous: sha1:aa"), std::string::npos);
    EXPECT_TRUE(is_graphile_committed("--! AllowInvalidHash\n--! Previous: sha1:aa\n--! Hash: "
                                      "sha1:bb\n\nSELECT 1;\n"));
    EXPECT_FALSE(is_graphile_committed("SELECT 1;\n--! Previous: -\n"));
    EXPECT_FALSE(parse_graphile("--! Previous: -\n\nSELECT 1;\n--! no-transaction\n")
                     .up_no_transaction); // only among the header's lines
    try {
        plan_new_migration(f, "x", "20240101120000");
        FAIL() << "new in a graphile-migrate folder";
    } catch (const InputError &e) {
        EXPECT_NE(std::string(e.what()).find("graphile-migrate commit"), std::string::npos);
    }
}

TEST(Shmig, Folder) {
    TmpDir d;
    d.write("1485643154-create_table.sql",
            "-- Migration: create_table\n-- ====  UP  ====\n\nBEGIN;\nCREATE TABLE s(id int);\n"
            "COMMIT;\n\n-- ==== DOWN ====\n\nBEGIN;\nDROP TABLE s;\nCOMMIT;\n");
    d.write("1485648520-testdata.sql", "-- ====  UP  ====\nINSERT INTO s VALUES (1);\n"
                                       "-- ==== DOWN ====\n\n");
    auto f = load_folder(d.path());
    EXPECT_EQ(f.layout, Layout::Shmig);
    ASSERT_EQ(f.migrations.size(), 2u);
    EXPECT_EQ(f.migrations[0].name, "create_table");
    EXPECT_EQ(f.migrations[0].up_sql, "\nBEGIN;\nCREATE TABLE s(id int);\nCOMMIT;\n\n");
    EXPECT_EQ(f.migrations[0].up_line_offset, 2);
    EXPECT_EQ(*f.migrations[0].down_sql, "\nBEGIN;\nDROP TABLE s;\nCOMMIT;\n");
    EXPECT_FALSE(f.migrations[1].has_down()); // an empty DOWN section: shmig cannot roll back
    auto nf = plan_new_migration(f, "more", "20240101120000");
    EXPECT_EQ(nf.files[0].first, "1704110400-more.sql"); // seconds since 1970, as shmig's
    EXPECT_NE(nf.files[0].second.find("-- ==== DOWN ===="), std::string::npos);
}

TEST(Postgrator, Names) {
    auto g = parse_postgrator_name_view("002.do.some-description.sql");
    ASSERT_TRUE(g);
    EXPECT_EQ(g->version_raw, "002");
    EXPECT_EQ(g->title, "some-description");
    EXPECT_EQ(g->dir, Direction::Up);
    EXPECT_TRUE(g->versioned);
    auto u = parse_postgrator_name_view("001.undo.sql");
    ASSERT_TRUE(u);
    EXPECT_EQ(u->dir, Direction::Down);
    EXPECT_EQ(u->title, "");
    EXPECT_FALSE(parse_postgrator_name_view("001.redo.sql"));
    EXPECT_FALSE(parse_postgrator_name_view("001_do.sql"));
    EXPECT_FALSE(parse_postgrator_name_view("abc.do.sql")->versioned);
    EXPECT_FALSE(parse_postgrator_name_view("V1__x.do.sql"));
    EXPECT_FALSE(parse_postgrator_name_view("001_a.do.sql"));
}

TEST(Postgrator, Folder) {
    TmpDir d;
    d.write("001.do.sql", "CREATE TABLE p(id int);\n");
    d.write("001.undo.sql", "DROP TABLE p;\n");
    d.write("002.do.add-q.sql", "CREATE TABLE q(id int);\n");
    d.write("002.undo.remove-q.sql", "DROP TABLE q;\n"); // paired by version
    d.write("003.do.js-one.js", "module.exports.generateSql = () => '';\n");
    auto f = load_folder(d.path());
    EXPECT_EQ(f.layout, Layout::Postgrator);
    ASSERT_EQ(f.migrations.size(), 2u);
    EXPECT_EQ(f.migrations[0].version, "001");
    EXPECT_EQ(f.migrations[0].up_sql, "CREATE TABLE p(id int);\n");
    EXPECT_EQ(*f.migrations[0].down_sql, "DROP TABLE p;\n");
    EXPECT_EQ(f.migrations[1].name, "add-q");
    EXPECT_NE(f.migrations[1].down_file.find("002.undo.remove-q.sql"), std::string::npos);
    ASSERT_EQ(f.warnings.size(), 1u);
    EXPECT_NE(f.warnings[0].find("003.do.js-one.js"), std::string::npos);
    auto nf = plan_new_migration(f, "r", "20240101120000");
    ASSERT_EQ(nf.files.size(), 2u);
    EXPECT_EQ(nf.files[0].first, "003.do.r.sql");
    EXPECT_EQ(nf.files[1].first, "003.undo.r.sql");
    d.write("x.do.sql", "SELECT 1;\n");
    EXPECT_NE(load_error(d.path()).find("x.do.sql: do file name has no version"), std::string::npos)
        << load_error(d.path());
    // mixed with golang-migrate files: refused
    TmpDir m;
    m.write("001.do.sql", "SELECT 1;\n");
    m.write("002_b.up.sql", "SELECT 2;\n");
    EXPECT_NE(load_error(m.path()).find("mixes migration layouts"), std::string::npos);
}

// drizzle-kit: meta/_journal.json lists the migrations; a .sql file it does not list is not run
// (drizzle does not run it), even when its number is taken by a listed one.
TEST(Drizzle, Journal) {
    EXPECT_EQ(parse_drizzle_journal(R"({"version":"7","dialect":"postgresql","entries":[
        {"idx":0,"tag":"0000_fancy_name","breakpoints":true},{"idx":1,"tag":"0001_b"}]})",
                                    "j.json"),
              (std::vector<std::string>{"0000_fancy_name", "0001_b"}));
    EXPECT_THROW(parse_drizzle_journal("{", "j.json"), InputError);
    EXPECT_THROW(parse_drizzle_journal(R"({"entries":[{"idx":0}]})", "j.json"), InputError);
    try {
        parse_drizzle_journal(R"({"dialect":"mysql","entries":[]})", "meta/_journal.json");
        FAIL() << "a mysql journal accepted";
    } catch (const InputError &e) {
        EXPECT_NE(std::string(e.what()).find("meta/_journal.json: the journal is for dialect "
                                             "\"mysql\""),
                  std::string::npos);
    }
}

TEST(Drizzle, Folder) {
    TmpDir d;
    d.write("0000_fancy_name.sql", "CREATE TABLE \"d\" (\"id\" serial);\n--> statement-breakpoint\n"
                                   "CREATE INDEX \"d_i\" ON \"d\" (\"id\");\n");
    d.write("0001_perpetual.sql", "ALTER TABLE \"d\" ADD \"x\" int;\n");
    d.write("0001_abandoned.sql", "DROP TABLE \"d\";\n"); // not in the journal
    d.write("meta/_journal.json", R"({"dialect":"postgresql","entries":[
        {"idx":0,"tag":"0000_fancy_name"},{"idx":1,"tag":"0001_perpetual"}]})");
    d.write("meta/0000_snapshot.json", "{}");
    auto f = load_folder(d.path());
    EXPECT_EQ(f.layout, Layout::Drizzle);
    ASSERT_EQ(f.migrations.size(), 2u);
    EXPECT_EQ(f.migrations[0].version, "0000");
    EXPECT_EQ(f.migrations[0].name, "fancy_name");
    EXPECT_EQ(f.migrations[1].name, "perpetual");
    EXPECT_FALSE(f.migrations[1].has_down());
    ASSERT_EQ(f.warnings.size(), 1u);
    EXPECT_NE(f.warnings[0].find("0001_abandoned.sql: ignored (not in meta/_journal.json"),
              std::string::npos)
        << f.warnings[0];
    try {
        plan_new_migration(f, "x", "20240101120000");
        FAIL() << "new in a drizzle-kit folder";
    } catch (const InputError &e) {
        EXPECT_NE(std::string(e.what()).find("drizzle-kit generate"), std::string::npos);
    }
    d.write("meta/_journal.json", R"({"entries":[{"idx":0,"tag":"0000_fancy_name"},
        {"idx":1,"tag":"0002_missing"}]})");
    EXPECT_NE(load_error(d.path()).find("_journal.json: entry \"0002_missing\": "),
              std::string::npos)
        << load_error(d.path());
}

// Atlas and sqlx folders are plain numbered files; their directives to run outside a
// transaction are honoured, and Atlas's atlas.sum is part of the folder.
TEST(NumberedDirectives, AtlasAndSqlx) {
    EXPECT_TRUE(numbered_file_no_transaction("-- no-transaction\nCREATE INDEX CONCURRENTLY i ON "
                                             "t (a);\n"));
    EXPECT_FALSE(numbered_file_no_transaction("SELECT 1;\n-- no-transaction\n"));
    EXPECT_TRUE(numbered_file_no_transaction("-- atlas:txmode none\n\nCREATE INDEX CONCURRENTLY "
                                             "i ON t (a);\n"));
    EXPECT_TRUE(numbered_file_no_transaction("-- header\n-- atlas:txmode none\n\nSELECT 1;\n"));
    EXPECT_FALSE(numbered_file_no_transaction("-- atlas:txmode file\n\nSELECT 1;\n"));
    EXPECT_FALSE(numbered_file_no_transaction("SELECT 1;\n-- atlas:txmode none\n"));
    EXPECT_FALSE(numbered_file_no_transaction("-- say atlas:txmode none here\nSELECT 1;\n"));
    TmpDir d;
    d.write("20220811074144_create_users.sql", "CREATE TABLE u (id int);\n");
    d.write("20220811074145_idx.sql", "-- atlas:txmode none\n\nCREATE INDEX CONCURRENTLY u_i ON "
                                      "u (id);\n");
    d.write("atlas.sum", "h1:abc=\n20220811074144_create_users.sql h1:def=\n");
    auto f = load_folder(d.path());
    EXPECT_EQ(f.layout, Layout::Numbered);
    ASSERT_EQ(f.migrations.size(), 2u);
    EXPECT_FALSE(f.migrations[0].no_transaction);
    EXPECT_TRUE(f.migrations[1].no_transaction);
    EXPECT_TRUE(f.warnings.empty()) << f.warnings[0];
}

// graphile-migrate substitutes its placeholders into the SQL; pgmig does not, so a committed
// migration that uses one is refused before anything runs.
TEST(Graphile, Placeholders) {
    auto keys = graphile_placeholders("{\n  // comment\n  \"placeholders\": {\n"
                                      "    \":DATABASE_VISITOR\": \"!ENV\", ':APP_ROLE': 'app'\n"
                                      "  },\n}\n");
    EXPECT_EQ(keys, (std::vector<std::string>{":DATABASE_NAME", ":DATABASE_OWNER",
                                              ":DATABASE_VISITOR", ":APP_ROLE"}));
    EXPECT_EQ(graphile_placeholder_use("SELECT 1;\nGRANT USAGE ON SCHEMA s TO :DATABASE_VISITOR;\n",
                                       keys),
              (std::pair<int, std::string>{2, ":DATABASE_VISITOR"}));
    EXPECT_EQ(graphile_placeholder_use("SELECT ':DATABASE_OWNERS';\n", keys).first, 0);
    EXPECT_EQ(graphile_placeholder_use("SELECT 1::int;\n", keys).first, 0);
    TmpDir d;
    d.write(".gmrc", "{ \"placeholders\": { \":APP_ROLE\": \"!ENV\" } }\n");
    d.write("migrations/committed/000001.sql",
            "--! Previous: -\n--! Hash: sha1:aa\n\nCREATE ROLE x;\nGRANT x TO :APP_ROLE;\n");
    std::string err;
    try {
        load_folder(d.path() + "/migrations/committed");
    } catch (const InputError &e) {
        err = e.what();
    }
    EXPECT_NE(err.find("000001.sql:5: graphile-migrate's placeholder :APP_ROLE is not "
                       "substituted"),
              std::string::npos)
        << err;
}

// Found by fuzzing (test/fuzz, directives): a number out of a double's range made nlohmann's
// parser throw out_of_range, which escaped as no InputError (exit 1, no file named).
TEST(Drizzle, JournalWithANumberOutOfRangeIsAnInputError) {
    try {
        parse_drizzle_journal(R"({"version":"7","x":55555e55558,"entries":[]})", "j.json");
        FAIL() << "no InputError";
    } catch (const InputError &e) {
        EXPECT_NE(std::string(e.what()).find("j.json: not valid JSON"), std::string::npos)
            << e.what();
    }
}
