// pgmig adopt: each tool's history rows, as the tool writes them, matched with a folder of its
// layout (client/src/adopt/). The rows follow each tool's own source, named in the reader's
// file: golang-migrate database/postgres/postgres.go, dbmate pkg/driver/postgres/postgres.go,
// Flyway JdbcTableSchemaHistory.java, diesel setup_migration_table.sql, goose
// internal/dialects/postgres.go, sql-migrate migrate.go, node-pg-migrate src/runner.ts, Prisma
// schema-connector/src/migration_persistence.rs, sqitch lib/App/Sqitch/Engine/pg.sql,
// Liquibase CreateDatabaseChangeLogTableGenerator.java.
#include "adopt/adopt.hpp"
#include "errors.hpp"
#include "tmpdir.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

using namespace mig::client;
using namespace mig::client::adopt;

namespace {

using Row = std::vector<std::optional<std::string>>;

Mapping plan(const char *tool, const Folder &f, const Rows &rows, Force force = {}) {
    const Reader *r = find_reader(tool);
    EXPECT_NE(r, nullptr) << tool;
    return plan_adoption(*r, f, rows, force);
}

// "KEY-OR-FILE action" per entry, one line each: what the assertions compare.
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

Folder golang_folder(const TmpDir &d, std::initializer_list<int> versions) {
    for (int v : versions) {
        d.write(fmt::format("{}_m{}.up.sql", v, v), fmt::format("CREATE TABLE t{} ();\n", v));
        d.write(fmt::format("{}_m{}.down.sql", v, v), fmt::format("DROP TABLE t{};\n", v));
    }
    return load_folder(d.path());
}

} // namespace

TEST(Adopt, ForceWords) {
    Force f = parse_force("missing, dirty");
    EXPECT_TRUE(f.missing);
    EXPECT_TRUE(f.failed);
    EXPECT_FALSE(f.checksum);
    f = parse_force("all");
    EXPECT_TRUE(f.missing && f.failed && f.checksum);
    EXPECT_THROW(parse_force("checksums"), InputError);
    EXPECT_THROW(parse_force(""), InputError);
}

TEST(Adopt, EveryToolIsInTheTableOnce) {
    EXPECT_EQ(tool_names(), "golang-migrate, dbmate, flyway, diesel, goose, sql-migrate, "
                            "node-pg-migrate, prisma, sqitch, liquibase, pop");
    for (const auto &r : readers()) {
        EXPECT_EQ(find_reader(r.tool), &r);
        EXPECT_NE(std::string(r.sql).find("SELECT"), std::string::npos);
    }
    EXPECT_EQ(find_reader("rails"), nullptr);
}

// golang-migrate keeps one row: the current version; everything at or below it is applied
TEST(Adopt, GolangMigrateCurrentVersion) {
    TmpDir d;
    Folder f = golang_folder(d, {1, 2, 3, 10});
    Mapping mp = plan("golang-migrate", f, {Row{"3", "f"}});
    EXPECT_EQ(actions(f, mp), "1_m1.up.sql adopt\n2_m2.up.sql adopt\n3_m3.up.sql adopt\n"
                              "10_m10.up.sql pending\n");
    EXPECT_EQ(mp.versions(), (std::vector<std::string>{"1", "2", "3"}));
    EXPECT_EQ(mp.entries[0].says, "applied (current version 3)");
    // an empty table: nothing applied
    EXPECT_EQ(plan("golang-migrate", f, {}).count(Action::Pending), 4u);
}

// dirty = the migration to that version started and did not finish
TEST(Adopt, GolangMigrateDirty) {
    TmpDir d;
    Folder f = golang_folder(d, {1, 2, 3});
    Mapping mp = plan("golang-migrate", f, {Row{"2", "t"}});
    EXPECT_EQ(actions(f, mp), "1_m1.up.sql adopt\n2_m2.up.sql stop\n3_m3.up.sql pending\n");
    EXPECT_EQ(mp.entries[1].problem, Problem::Failed);
    EXPECT_EQ(mp.entries[1].says, "dirty (version 2)");
    // --force failed: not adopted, `up` runs it again
    mp = plan("golang-migrate", f, {Row{"2", "t"}}, parse_force("failed"));
    EXPECT_EQ(actions(f, mp), "1_m1.up.sql adopt\n2_m2.up.sql pending\n3_m3.up.sql pending\n");
    // SetVersion(NilVersion, true): the first migration's down failed
    mp = plan("golang-migrate", f, {Row{"-1", "t"}});
    EXPECT_EQ(mp.count(Action::Stop), 1u);
    EXPECT_EQ(mp.count(Action::Adopt), 0u);
}

TEST(Adopt, GolangMigrateVersionWithoutFile) {
    TmpDir d;
    Folder f = golang_folder(d, {1, 2, 5});
    Mapping mp = plan("golang-migrate", f, {Row{"4", "f"}});
    EXPECT_EQ(actions(f, mp), "1_m1.up.sql adopt\n2_m2.up.sql adopt\n5_m5.up.sql pending\n"
                              "4 stop\n");
    EXPECT_EQ(mp.entries[3].problem, Problem::Missing);
    mp = plan("golang-migrate", f, {Row{"4", "f"}}, parse_force("missing"));
    EXPECT_EQ(mp.entries[3].action, Action::Ignored);
    EXPECT_EQ(mp.versions(), (std::vector<std::string>{"1", "2"}));
}

// dbmate: one row per applied migration, the file name's leading digits as written; applied out
// of order (dbmate without --strict) is adopted as it is
TEST(Adopt, DbmateOutOfOrder) {
    TmpDir d;
    for (const char *v : {"20240101000000", "20240102000000", "20240103000000"})
        d.write(fmt::format("{}_m.sql", v), "-- migrate:up\nSELECT 1;\n-- migrate:down\n");
    Folder f = load_folder(d.path());
    Mapping mp = plan("dbmate", f, {Row{"20240101000000"}, Row{"20240103000000"}});
    EXPECT_EQ(actions(f, mp), "20240101000000_m.sql adopt\n20240102000000_m.sql pending\n"
                              "20240103000000_m.sql adopt\n");
    // a version the folder does not have
    mp = plan("dbmate", f, {Row{"20240101000000"}, Row{"20231231000000"}});
    EXPECT_EQ(mp.entries.back().key, "20231231000000");
    EXPECT_EQ(mp.entries.back().action, Action::Stop);
    EXPECT_NE(mp.entries.back().why.find("no file"), std::string::npos);
}

TEST(Adopt, DbmateKeepsLeadingZeros) {
    TmpDir d;
    d.write("001_a.sql", "-- migrate:up\nSELECT 1;\n");
    Folder f = load_folder(d.path());
    // dbmate's version is the text "001": a row "1" is another migration
    EXPECT_EQ(plan("dbmate", f, {Row{"001"}}).count(Action::Adopt), 1u);
    EXPECT_EQ(plan("dbmate", f, {Row{"1"}}).count(Action::Stop), 1u);
}

// goose: the latest row of a version wins (older goose inserted is_applied = false on down);
// version 0 is the row goose writes when it creates its table
TEST(Adopt, GooseLatestRowWins) {
    TmpDir d;
    for (int v : {1, 2, 3})
        d.write(fmt::format("{:05}_m.sql", v), "-- +goose Up\nSELECT 1;\n-- +goose Down\n");
    Folder f = load_folder(d.path());
    Mapping mp = plan("goose", f,
                      {Row{"0", "t"}, Row{"1", "t"}, Row{"2", "t"}, Row{"3", "t"}, Row{"3", "f"}});
    EXPECT_EQ(actions(f, mp), "00001_m.sql adopt\n00002_m.sql adopt\n00003_m.sql pending\n");
}

// diesel: the directory name up to its first '_', dashes dropped
TEST(Adopt, DieselVersions) {
    TmpDir d;
    d.write("00000000000000_diesel_initial_setup/up.sql", "SELECT 1;\n");
    d.write("2024-01-15-093000_create_users/up.sql", "SELECT 1;\n");
    d.write("2024-01-16-093000_create_posts/up.sql", "SELECT 1;\n");
    Folder f = load_folder(d.path());
    Mapping mp = plan("diesel", f, {Row{"00000000000000"}, Row{"20240116093000"}});
    EXPECT_EQ(actions(f, mp), "00000000000000_diesel_initial_setup/up.sql adopt\n"
                              "2024-01-15-093000_create_users/up.sql pending\n"
                              "2024-01-16-093000_create_posts/up.sql adopt\n");
}

// sql-migrate: the id is the file name
TEST(Adopt, SqlMigrateIds) {
    TmpDir d;
    d.write("1-init.sql", "-- +migrate Up\nSELECT 1;\n");
    d.write("2-more.sql", "-- +migrate Up\nSELECT 2;\n");
    Folder f = load_folder(d.path());
    Mapping mp = plan("sql-migrate", f, {Row{"2-more.sql"}});
    EXPECT_EQ(actions(f, mp), "1-init.sql pending\n2-more.sql adopt\n");
}

// node-pg-migrate: the name is the file name without its extension
TEST(Adopt, NodePgMigrateNames) {
    TmpDir d;
    d.write("1700000000000_init.sql", "-- Up Migration\nSELECT 1;\n");
    d.write("1700000000001_more.sql", "-- Up Migration\nSELECT 2;\n");
    Folder f = load_folder(d.path());
    Mapping mp = plan("node-pg-migrate", f, {Row{"1700000000000_init"}, Row{"1699_gone"}},
                      parse_force("missing"));
    EXPECT_EQ(actions(f, mp), "1700000000000_init.sql adopt\n1700000000001_more.sql pending\n"
                              "1699_gone ignored\n");
}

// pgmig's own history: a second adopt is a no-op; another script or a failed migration stops
TEST(Adopt, PgmigHistory) {
    TmpDir d;
    Folder f = golang_folder(d, {1, 2, 3});
    auto row = [&](const char *v, const char *state, std::optional<std::string> sum) {
        ServerRow s;
        s.version = v;
        s.state = state;
        s.kind = "versioned";
        s.checksum = std::move(sum);
        return s;
    };
    Mapping mp = plan("golang-migrate", f, {Row{"2", "f"}});
    check_pgmig_history(mp, {row("1", "applied", f.migrations[0].checksum),
                             row("2", "pending", "x"), row("3", "applied", "y")});
    EXPECT_EQ(actions(f, mp), "1_m1.up.sql already applied\n2_m2.up.sql adopt\n"
                              "3_m3.up.sql already applied\n");
    mp = plan("golang-migrate", f, {Row{"2", "f"}});
    check_pgmig_history(mp, {row("1", "applied", "other"), row("2", "failed", "z")});
    EXPECT_EQ(actions(f, mp), "1_m1.up.sql stop\n2_m2.up.sql stop\n3_m3.up.sql pending\n");
    EXPECT_EQ(mp.entries[0].problem, Problem::Conflict);
    EXPECT_NE(mp.entries[0].why.find("another script"), std::string::npos);
    // --force does not accept these
    mp = plan("golang-migrate", f, {Row{"2", "f"}}, parse_force("all"));
    check_pgmig_history(mp, {row("1", "applied", "other")});
    EXPECT_EQ(mp.entries[0].action, Action::Stop);
}
