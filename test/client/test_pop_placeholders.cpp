// gobuffalo/pop's dialect-suffixed files (layouts/pop.cpp) and Flyway's placeholders
// (placeholders.cpp).
#include "adopt/adopt.hpp"
#include "config.hpp"
#include "errors.hpp"
#include "layouts/layout.hpp"
#include "load_error.hpp"
#include "placeholders.hpp"
#include "sha256.hpp"
#include "tmpdir.hpp"

#include <gtest/gtest.h>

using namespace mig::client;

namespace {
bool contains(const std::string &s, const std::string &p) {
    return s.find(p) != std::string::npos;
}
std::string fixture(const char *name) {
    return std::string(PGMIG_SOURCE_DIR) + "/test/fixtures/" + name;
}
} // namespace

// ---- pop ----

TEST(PopNames, PopAndPopxRegexp) {
    auto p = parse_pop_name("20150100000001000000_networks.postgres.up.sql");
    ASSERT_TRUE(p);
    EXPECT_EQ(p->version, "20150100000001000000");
    EXPECT_EQ(p->name, "networks");
    EXPECT_EQ(p->dialect, "postgres");
    EXPECT_TRUE(p->for_postgres());
    EXPECT_FALSE(p->generic());
    EXPECT_EQ(parse_pop_name("1_a.up.sql")->dialect, "all");
    EXPECT_TRUE(parse_pop_name("1_a.up.sql")->generic());
    EXPECT_EQ(parse_pop_name("1_a.pg.up.sql")->dialect, "postgres"); // pop's synonyms
    EXPECT_EQ(parse_pop_name("1_a.postgresql.down.sql")->dir, Direction::Down);
    EXPECT_EQ(parse_pop_name("1_a.crdb.up.sql")->dialect, "cockroach");
    EXPECT_EQ(parse_pop_name("1_a.sqlite.up.sql")->dialect, "sqlite3");
    EXPECT_FALSE(parse_pop_name("1_a.mysql.up.sql")->for_postgres());
    // popx's .autocommit, alone (every dialect) or after one
    auto a = parse_pop_name("20241029153900000001_identities.autocommit.up.sql");
    ASSERT_TRUE(a);
    EXPECT_TRUE(a->autocommit);
    EXPECT_EQ(a->dialect, "all");
    auto pa = parse_pop_name("1_x.postgres.autocommit.down.sql");
    ASSERT_TRUE(pa);
    EXPECT_TRUE(pa->autocommit);
    EXPECT_EQ(pa->dialect, "postgres");
    EXPECT_TRUE(parse_pop_name("1_users.up.fizz")->fizz);
    // a dialect pop does not know: still its name (pop ignores the file), and golang-migrate's
    auto u = parse_pop_name("1_a.oracle.up.sql");
    ASSERT_TRUE(u);
    EXPECT_EQ(u->dialect, "");
    EXPECT_TRUE(u->generic());
    EXPECT_FALSE(parse_pop_name("1_a.Postgres.up.sql")); // [a-z0-9]+ only
    EXPECT_FALSE(parse_pop_name("1_a.b.c.up.sql"));
    EXPECT_FALSE(parse_pop_name("x_a.up.sql"));
    EXPECT_FALSE(parse_pop_name("1.up.sql"));
    EXPECT_FALSE(parse_pop_name("1_a.sql"));
}

// The fixture modelled on Ory Kratos's folder: of each version, the .postgres. file when there
// is one, else the generic one; other dialects' files are left alone.
TEST(Pop, KratosFixtureRunsThePostgresOrGenericFileOfEachVersion) {
    auto f = load_folder(fixture("pop"));
    EXPECT_EQ(f.layout, Layout::Pop);
    ASSERT_EQ(f.migrations.size(), 5u);
    auto file = [&](size_t i) { return std::string(f.relative(f.migrations[i].up_file)); };
    EXPECT_EQ(file(0), "20150100000001000000_networks.postgres.up.sql");
    EXPECT_EQ(file(1), "20200519101057000000_courier.postgres.up.sql");
    EXPECT_EQ(file(2), "20220802103909000000_courier_send_count.up.sql");
    EXPECT_EQ(file(3), "20230920171028000000_courier_body_index.postgres.up.sql");
    EXPECT_EQ(file(4), "20241029153900000001_courier.autocommit.up.sql");
    EXPECT_EQ(f.migrations[0].name, "networks");
    EXPECT_TRUE(contains(std::string(f.relative(f.migrations[3].down_file)), ".postgres.down.sql"));
    EXPECT_TRUE(f.migrations[4].no_transaction);
    EXPECT_FALSE(f.migrations[3].no_transaction);
    for (const auto &w : f.warnings) // only the README: the other dialects' files are no strays
        EXPECT_TRUE(contains(w, "README.md")) << w;
}

TEST(Pop, GenericNamesAloneAreGolangMigrate) {
    TmpDir d;
    d.write("1_a.up.sql", "SELECT 1;");
    d.write("1_a.down.sql", "SELECT 2;");
    d.write("2_b.sql.up.sql", "SELECT 3;"); // golang-migrate's title "b.sql"
    auto f = load_folder(d.path());
    EXPECT_EQ(f.layout, Layout::GolangMigrate);
    ASSERT_EQ(f.migrations.size(), 2u);
    EXPECT_EQ(f.migrations[1].name, "b.sql");
}

TEST(Pop, SpecificBeatsGenericWhateverTheNameOrder) {
    TmpDir d;
    d.write("1_a.up.sql", "generic");
    d.write("1_a.postgres.up.sql", "postgres");
    d.write("1_a.down.sql", "generic down");
    d.write("2_b.mysql.up.sql", "mysql only");
    d.write("3_c.up.sql", "generic only");
    d.write("3_c.pg.down.sql", "pg down");
    auto f = load_folder(d.path());
    EXPECT_EQ(f.layout, Layout::Pop);
    ASSERT_EQ(f.migrations.size(), 2u);
    EXPECT_EQ(f.migrations[0].up_sql, "postgres");
    EXPECT_EQ(f.migrations[0].down_sql, "generic down");
    EXPECT_EQ(f.migrations[1].version, "3");
    EXPECT_EQ(f.migrations[1].up_sql, "generic only");
    EXPECT_EQ(f.migrations[1].down_sql, "pg down");
}

TEST(Pop, TwoFilesOfOneVersionAndDialectAreAnError) {
    TmpDir d;
    d.write("1_a.postgres.up.sql", "SELECT 1;");
    d.write("1_b.pg.up.sql", "SELECT 2;");
    std::string e = load_error(d.path());
    EXPECT_TRUE(contains(e, "1_b.pg.up.sql")) << e;
    EXPECT_TRUE(contains(e, "1_a.postgres.up.sql")) << e;
}

TEST(Pop, FizzIsRefusedUnlessASqlFileWins) {
    TmpDir d;
    d.write("1_users.up.fizz", "create_table(\"users\") {}");
    d.write("2_more.up.fizz", "add_column(\"users\", \"x\", \"string\", {})");
    d.write("2_more.postgres.up.sql", "ALTER TABLE users ADD x text;");
    std::string e = load_error(d.path());
    EXPECT_TRUE(contains(e, "1_users.up.fizz: a fizz migration")) << e;
    EXPECT_FALSE(contains(e, "2_more.up.fizz")) << e;
}

TEST(Pop, UnknownDialectIsAStrayInAPopFolder) {
    TmpDir d;
    d.write("1_a.postgres.up.sql", "SELECT 1;");
    d.write("2_b.oracle.up.sql", "SELECT 2;");
    auto f = load_folder(d.path());
    EXPECT_EQ(f.migrations.size(), 1u);
    ASSERT_EQ(f.warnings.size(), 1u);
    EXPECT_TRUE(contains(f.warnings[0], "2_b.oracle.up.sql")) << f.warnings[0];
}

TEST(Pop, NewMigrationIsTheGenericPair) {
    auto f = load_folder(fixture("pop"));
    auto n = plan_new_migration(f, "add things", "20260101000000");
    ASSERT_EQ(n.files.size(), 2u);
    EXPECT_TRUE(contains(n.files[0].first, "_add_things.up.sql")) << n.files[0].first;
    EXPECT_TRUE(contains(n.files[1].first, "_add_things.down.sql"));
}

// ---- Flyway placeholders ----

TEST(Placeholders, FoundAsFlywaysReaderFindsThem) {
    auto r = find_placeholders("a ${x} b ${Flyway:User} ${ spaced name }");
    ASSERT_EQ(r.size(), 3u);
    EXPECT_EQ(r[0].name, "x");
    EXPECT_EQ(r[0].begin, 2u);
    EXPECT_EQ(r[0].end, 6u);
    EXPECT_EQ(r[1].name, "Flyway:User");
    EXPECT_EQ(r[2].name, " spaced name ");
    // the character after a '$' is passed over: `$${x}` stays, `$$${x}` is one
    EXPECT_TRUE(find_placeholders("$${x}").empty());
    EXPECT_EQ(find_placeholders("$$${x}").size(), 1u);
    EXPECT_TRUE(find_placeholders("$1 $$ SELECT 1 $$ {x}").empty());
    auto open = find_placeholders("x ${never closed");
    ASSERT_EQ(open.size(), 1u);
    EXPECT_FALSE(open[0].terminated);
}

TEST(Placeholders, ExpandsCaseInsensitivelyAnywhere) {
    Placeholders p;
    p.set("Schema_Name", "app");
    p.set("empty", "");
    std::vector<std::string> errors;
    std::string out = expand_placeholders("-- in ${schema_name}\nCREATE TABLE ${SCHEMA_NAME}.t (v "
                                          "text DEFAULT '${schema_name}${empty}');",
                                          p, "V1__x.sql", "V1__x.sql", errors);
    EXPECT_TRUE(errors.empty());
    EXPECT_EQ(out, "-- in app\nCREATE TABLE app.t (v text DEFAULT 'app');");
    // a value is not scanned again
    p.set("a", "${b}");
    EXPECT_EQ(expand_placeholders("${a}", p, "f", "f", errors), "${b}");
    EXPECT_EQ(expand_placeholders("$${a}", p, "f", "f", errors), "$${a}");
}

TEST(Placeholders, UndefinedNamesFileAndLine) {
    Placeholders p;
    std::vector<std::string> errors;
    expand_placeholders("SELECT 1;\n\nSELECT '${nope}', '${also}';\n${x", p, "db/V2__y.sql",
                        "V2__y.sql", errors);
    ASSERT_EQ(errors.size(), 3u);
    EXPECT_TRUE(contains(errors[0], "db/V2__y.sql:3: placeholder ${nope} is not defined"))
        << errors[0];
    EXPECT_TRUE(contains(errors[1], "db/V2__y.sql:3: placeholder ${also}")) << errors[1];
    EXPECT_TRUE(contains(errors[2], "db/V2__y.sql:4: a Flyway placeholder")) << errors[2];
}

TEST(Placeholders, BuiltIns) {
    Placeholders p;
    int asked = 0;
    p.on_server([&] {
        ++asked;
        return ServerFacts{"deployer", "appdb", "app"};
    });
    p.set_timestamp("2026-12-06 12:00:00");
    p.set_working_directory("/srv/app");
    std::vector<std::string> errors;
    std::string out = expand_placeholders(
        "${flyway:defaultSchema} ${flyway:user} ${flyway:database} ${flyway:timestamp} "
        "${flyway:filename} ${flyway:workingDirectory} ${FLYWAY:USER}",
        p, "db/V1__a.sql", "V1__a.sql", errors);
    EXPECT_TRUE(errors.empty());
    EXPECT_EQ(out, "app deployer appdb 2026-12-06 12:00:00 V1__a.sql /srv/app deployer");
    EXPECT_EQ(asked, 1); // the server is asked once
    Placeholders q;      // no server: those three are undefined; the others need none
    EXPECT_FALSE(q.value("flyway:user", "f"));
    EXPECT_EQ(*q.value("flyway:filename", "R__v.sql"), "R__v.sql");
    EXPECT_FALSE(q.value("flyway:table", "f")); // Flyway's history table: pgmig has none
    q.set("flyway:defaultSchema", "mine");      // a value given wins over the server's
    EXPECT_EQ(*q.value("flyway:defaultschema", "f"), "mine");
}

TEST(Placeholders, ParsesCommandLineValues) {
    EXPECT_EQ(parse_placeholder_arg("a=b=c"), (std::pair<std::string, std::string>{"a", "b=c"}));
    EXPECT_EQ(parse_placeholder_arg("a="), (std::pair<std::string, std::string>{"a", ""}));
    EXPECT_THROW(parse_placeholder_arg("a"), InputError);
    EXPECT_THROW(parse_placeholder_arg("=b"), InputError);
}

TEST(Placeholders, FolderExpandsFlywayScriptsOnly) {
    TmpDir d;
    d.write("V1__a.sql", "CREATE SCHEMA ${s};\n");
    d.write("U1__a.sql", "DROP SCHEMA ${s};\n");
    d.write("V2__b.sql", "SELECT 1;\n");
    d.write("R__v.sql", "CREATE OR REPLACE VIEW ${s}.v AS SELECT '${flyway:filename}' AS f;\n");
    LoadOptions lo;
    lo.defer_reads = true; // `up` leaves scripts unread: expansion reads them
    auto f = load_folder(d.path(), lo);
    Placeholders p;
    p.set("s", "app");
    expand_folder(f, p);
    ASSERT_EQ(f.migrations.size(), 2u);
    EXPECT_EQ(f.migrations[0].up_sql, "CREATE SCHEMA app;\n");
    EXPECT_EQ(f.migrations[0].checksum, sha256_hex("CREATE SCHEMA app;\n"));
    EXPECT_FALSE(f.migrations[0].up_unread);
    EXPECT_EQ(f.migrations[0].down_sql, "DROP SCHEMA app;\n");
    EXPECT_EQ(f.migrations[0].down_checksum, sha256_hex("DROP SCHEMA app;\n"));
    EXPECT_TRUE(f.migrations[1].up_unread); // no placeholder: left as it was
    ASSERT_EQ(f.repeatables.size(), 1u);
    EXPECT_EQ(f.repeatables[0].up_sql, "CREATE OR REPLACE VIEW app.v AS SELECT 'R__v.sql' AS f;\n");
    EXPECT_EQ(f.repeatables[0].checksum, sha256_hex(f.repeatables[0].up_sql));

    // undefined: every one named, nothing changed
    auto g = load_folder(d.path());
    Placeholders none;
    try {
        expand_folder(g, none);
        FAIL() << "expected an error";
    } catch (const InputError &e) {
        std::string s = e.what();
        EXPECT_TRUE(contains(s, "V1__a.sql:1: placeholder ${s} is not defined")) << s;
        EXPECT_TRUE(contains(s, "U1__a.sql:1: placeholder ${s}")) << s;
        EXPECT_TRUE(contains(s, "R__v.sql:1: placeholder ${s}")) << s;
    }
    EXPECT_EQ(g.migrations[0].up_sql, "CREATE SCHEMA ${s};\n");
}

// flyway:timestamp and flyway:workingDirectory change from run to run: in a versioned script
// (which pgmig compares with what ran) only with a value given; in a repeatable, fine.
TEST(Placeholders, RunVaryingBuiltInsOnlyInRepeatablesOrGiven) {
    TmpDir d;
    d.write("V1__a.sql", "SELECT 1;\nINSERT INTO audit VALUES ('${flyway:timestamp}');\n");
    d.write("R__v.sql", "CREATE OR REPLACE VIEW v AS SELECT '${flyway:timestamp}' AS at;\n");
    auto f = load_folder(d.path());
    Placeholders p;
    p.set_timestamp("2026-12-06 12:00:00");
    try {
        expand_folder(f, p);
        FAIL() << "expected an error";
    } catch (const InputError &e) {
        std::string s = e.what();
        EXPECT_TRUE(contains(s, "V1__a.sql:2: ${flyway:timestamp} differs on every run")) << s;
        EXPECT_FALSE(contains(s, "R__v.sql")) << s;
    }
    p.set("flyway:timestamp", "2020-01-01 00:00:00");
    expand_folder(f, p);
    EXPECT_EQ(f.migrations[0].up_sql,
              "SELECT 1;\nINSERT INTO audit VALUES ('2020-01-01 00:00:00');\n");
}

TEST(Placeholders, OtherLayoutsAreNotExpanded) {
    TmpDir d;
    d.write("1_a.up.sql", "SELECT '${x}';");
    auto f = load_folder(d.path());
    Placeholders p;
    expand_folder(f, p); // golang-migrate: as written, no error
    EXPECT_EQ(f.migrations[0].up_sql, "SELECT '${x}';");
}

TEST(Placeholders, ConfigTableAndEnvironmentOverride) {
    auto cfg = parse_config("[placeholders]\nschema = \"app\"\nowner = \"x\"\n"
                            "[env.prod.placeholders]\nschema = \"prod_app\"\n",
                            "pgmig.toml");
    EnvConfig base = resolve_env(cfg, "");
    EXPECT_EQ(base.placeholders.at("schema"), "app");
    EnvConfig prod = resolve_env(cfg, "prod");
    EXPECT_EQ(prod.placeholders.at("schema"), "prod_app");
    EXPECT_EQ(prod.placeholders.at("owner"), "x");
    try {
        parse_config("\n[placeholders]\nn = 3\n", "pgmig.toml");
        FAIL() << "expected an error";
    } catch (const InputError &e) {
        EXPECT_TRUE(contains(e.what(), "pgmig.toml:3: placeholder 'n' must be a string"))
            << e.what();
    }
    EXPECT_THROW(parse_config("placeholders = \"x\"\n", "pgmig.toml"), InputError);
}

// ---- pgmig adopt: pop's schema_migration, Flyway's repeatables ----

namespace {
using Row = std::vector<std::optional<std::string>>;
std::string says_of(const mig::client::adopt::Mapping &mp, size_t i) {
    return mp.entries.at(i).says;
}
} // namespace

// pop's table (gobuffalo/pop schema_migrations.go; ory/x popx/migrator.go): one `version` row
// per applied migration; popx counts a 20-digit version whose first 14 digits are recorded.
TEST(AdoptPop, RowsAndPopxLegacyVersions) {
    using namespace mig::client::adopt;
    auto f = load_folder(fixture("pop"));
    const Reader *r = find_reader("pop");
    ASSERT_TRUE(r);
    EXPECT_STREQ(r->table, "schema_migration");
    Rows rows = {Row{"20150100000001000000"}, Row{"20191100000005000000"}, // mysql's: no file
                 Row{"20200519101057"}};                                   // legacy, 14 digits
    Mapping mp = plan_adoption(*r, f, rows, parse_force("missing"));
    ASSERT_GE(mp.entries.size(), 5u);
    EXPECT_EQ(mp.entries[0].action, Action::Adopt);
    EXPECT_EQ(mp.entries[1].action, Action::Adopt);
    EXPECT_EQ(says_of(mp, 1), "applied (as 20200519101057)");
    EXPECT_EQ(mp.entries[2].action, Action::Pending);
    EXPECT_EQ(mp.versions(),
              (std::vector<std::string>{"20150100000001000000", "20200519101057000000"}));
    // the legacy row is the 20-digit file's, not a migration of its own without a file
    rows.erase(rows.begin() + 1);
    mp = plan_adoption(*r, f, rows, {});
    EXPECT_EQ(mp.count(Action::Stop), 0u);
    EXPECT_EQ(mp.entries.size(), 5u);
}

TEST(AdoptFlyway, RepeatableMatchedByScriptAndChecksum) {
    using namespace mig::client::adopt;
    TmpDir d;
    d.write("V1__init.sql", "CREATE SCHEMA ${s};\n");
    d.write("R__a.sql", "CREATE OR REPLACE VIEW v AS SELECT 1;\n");
    d.write("R__b.sql", "CREATE OR REPLACE VIEW ${s}.w AS SELECT 2;\n");
    Folder f = load_folder(d.path());
    Placeholders p;
    p.set("s", "app");
    expand_folder(f, p);
    auto fw = [](std::optional<std::string> v, const char *script, std::string sum) {
        return Row{std::move(v), "d", "SQL", script, std::move(sum), "t"};
    };
    // Flyway's checksums: a versioned script's of the file as written, a repeatable's after
    // replacement
    Rows rows = {
        fw("1", "V1__init.sql", std::to_string(flyway_checksum("CREATE SCHEMA ${s};\n"))),
        fw(std::nullopt, "R__a.sql",
           std::to_string(flyway_checksum("CREATE OR REPLACE VIEW v AS SELECT 1;\n"))),
        fw(std::nullopt, "R__b.sql",
           std::to_string(flyway_checksum("CREATE OR REPLACE VIEW app.w AS SELECT 2;\n")))};
    Mapping mp = plan_adoption(*find_reader("flyway"), f, rows, {});
    ASSERT_EQ(mp.entries.size(), 3u);
    EXPECT_EQ(mp.entries[0].action, Action::Adopt);
    EXPECT_EQ(mp.entries[1].action, Action::Adopt); // the folder's script: adopted as it is
    EXPECT_TRUE(contains(says_of(mp, 1), "the folder's script")) << says_of(mp, 1);
    EXPECT_TRUE(contains(says_of(mp, 2), "the folder's script")) << says_of(mp, 2);
    rows[1] = fw(std::nullopt, "R__a.sql", "7"); // Flyway ran another version of it
    mp = plan_adoption(*find_reader("flyway"), f, rows, {});
    EXPECT_EQ(says_of(mp, 1), "applied (checksum 7)");
}
