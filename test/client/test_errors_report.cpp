#include "errors_report.hpp"
#include "layouts/layout.hpp"
#include "output.hpp"
#include "text.hpp"
#include "tmpdir.hpp"

#include <cstdio>
#include <fstream>
#include <iterator>
#include <fcntl.h>
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <regex>
#include <system_error>
#include <unistd.h>

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

// `up` parses the down scripts it uploads: the server marks an error in one as ", down script",
// and the site is then the down script's, though the verb is not `down`.
TEST(ErrorSite, DownScriptMarkedByTheServerDuringUp) {
    TmpDir g;
    g.write("20240102000000_g.up.sql", "CREATE TABLE g();\nSELECT 1;\n");
    g.write("20240102000000_g.down.sql", "SELECT 1;\nDROP TABLEX g;\n");
    auto fg = load_folder(g.path());
    auto site = site_from_context(
        server_error("42601", "migration 20240102000000 (g), down script, file " + g.path() +
                                  "/20240102000000_g.down.sql, line 2, column 6"),
        &fg, false);
    ASSERT_TRUE(site);
    EXPECT_EQ(site->file, g.path() + "/20240102000000_g.down.sql");
    EXPECT_EQ(site->line, 2);
    EXPECT_EQ(site->source, "DROP TABLEX g;");
    // without the marker, the verb decides (an older server): the up script during `up`
    auto old = site_from_context(
        server_error("42601", "migration 20240102000000 (g), line 2, column 6"), &fg, false);
    ASSERT_TRUE(old);
    EXPECT_EQ(old->file, g.path() + "/20240102000000_g.up.sql");
}

TEST(ErrorSite, DbmateDownScriptMarkedByTheServerDuringUp) {
    TmpDir d;
    d.write("20240101000000_c.sql", "-- migrate:up\nCREATE TABLE c(id int);\n-- migrate:down\n"
                                    "DROP TABLE c;\nDROP TABLEX d;\n");
    auto f = load_folder(d.path());
    auto site = site_from_context(
        server_error("42601", "migration 20240101000000 (c), down script, line 2, column 6"), &f,
        false);
    ASSERT_TRUE(site);
    EXPECT_EQ(site->file, d.path() + "/20240101000000_c.sql");
    EXPECT_EQ(site->line, 5);
    EXPECT_EQ(site->source, "DROP TABLEX d;");
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
    EXPECT_EQ(exit_code_for(server_error("PM007", "")), 2);
    EXPECT_EQ(exit_code_for(server_error("PM012", "")), 2);
    EXPECT_EQ(exit_code_for(server_error("PM013", "")), 2);
}

// The golden test of the server's error position, on both sides: the extension writes the
// context line "migration V (name)[, down script][, file F], line L, column C" and the regress
// outputs (expected/*.out) pin what it writes; the client reads the line and column from it.
// Every such line of those outputs must be read here, with the numbers it holds.
TEST(ErrorSite, EveryContextLineOfTheRegressOutputs) {
    int seen = 0;
    for (const char *name : {"apply_errors", "hostile", "privileges", "search_path", "upload",
                             "transactions", "nontransactional", "rollback", "broken_down"}) {
        std::ifstream in(std::string(PGMIG_SOURCE_DIR) + "/expected/" + name + ".out");
        ASSERT_TRUE(in) << name;
        static const std::regex golden(
            R"(^CONTEXT:  ((?:repeatable )?migration .*, line (\d+), column (\d+))$)");
        for (std::string line; std::getline(in, line);) {
            std::smatch m;
            if (!std::regex_match(line, m, golden))
                continue;
            auto site = site_from_context(server_error("42601", m[1]), nullptr, false);
            ASSERT_TRUE(site) << line;
            EXPECT_EQ(site->line, std::stoi(m[2])) << line;
            EXPECT_EQ(site->col, std::stoi(m[3])) << line;
            ++seen;
        }
    }
    EXPECT_GE(seen, 10); // the outputs hold such lines (this test reads them)
}

TEST(Output, Durations) {
    EXPECT_EQ(human_duration(0.0123), "12 ms");
    EXPECT_EQ(human_duration(1.234), "1.23 s");
    EXPECT_EQ(human_duration(125), "2 min 5 s");
    // a statement of 21 µs: never the exponent form, which ::interval refuses
    EXPECT_EQ(interval_literal(2.0945e-05), "0.000021 seconds");
    EXPECT_EQ(interval_literal(1.5), "1.500000 seconds");
    EXPECT_EQ(interval_literal(0), "0.000000 seconds");
}

// A progress bar still on screen when stderr stops accepting writes (a closed terminal):
// erasing it in the destructor fails inside fmt::print, which throws; a destructor that let it
// escape would end the process with std::terminate instead of the command's own error.
TEST(Output, ProgressDestructorSurvivesAFailingStderr) {
    int saved = ::dup(2);
    ASSERT_GE(saved, 0);
    int sink = ::open("/dev/null", O_WRONLY); // the bar is drawn there, not into the test log
    ASSERT_GE(sink, 0);
    ::dup2(sink, 2);
    ::close(sink);
    {
        Progress p(true, 2);
        p.step("first"); // shown: the destructor has a bar to erase
        int readonly = ::open("/dev/null", O_RDONLY);
        ASSERT_GE(readonly, 0);
        ::dup2(readonly, 2); // writes to fd 2 now fail with EBADF
        ::close(readonly);
        EXPECT_THROW(fmt::print(stderr, "x"), std::system_error); // the failure is real
    }
    ::dup2(saved, 2);
    ::close(saved);
    SUCCEED();
}

namespace {
// What print_pg_error writes to stderr (fd 2 sent to a temporary file meanwhile).
std::string printed(const PgError &e, int verbose) {
    TmpDir d;
    std::string path = d.path() + "/stderr";
    std::fflush(stderr);
    int saved = ::dup(2);
    int out = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    ::dup2(out, 2);
    ::close(out);
    print_pg_error(e, std::nullopt, verbose);
    std::fflush(stderr);
    ::dup2(saved, 2);
    ::close(saved);
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}
} // namespace

// mig.plan's RAISE of an unknown version is where the error was raised, not the user's input:
// its CONTEXT line is noise without -v; other context lines stay.
TEST(ErrorReport, OwnPlpgsqlContextOnlyWithVerbose) {
    PgError e("unknown version \"9\"", "PM006");
    e.context = "PL/pgSQL function mig.plan(text) line 8 at RAISE";
    EXPECT_EQ(printed(e, 0).find("CONTEXT"), std::string::npos) << printed(e, 0);
    EXPECT_NE(printed(e, 1).find("CONTEXT: PL/pgSQL function mig.plan(text) line 8 at RAISE"),
              std::string::npos);
    e.context = "PL/pgSQL function public.f() line 3 at SQL statement\nPL/pgSQL function mig.x()";
    EXPECT_NE(printed(e, 0).find("CONTEXT: PL/pgSQL function public.f() line 3 at SQL statement\n"),
              std::string::npos)
        << printed(e, 0);
}

// A server's text printed on a terminal: control characters escaped, the rest untouched.
TEST(Output, PrintableEscapesControlCharacters) {
    EXPECT_EQ(printable("plain name, é, 日本"), "plain name, é, 日本");
    EXPECT_EQ(printable("a\x1b[2Jb"), "a\\x1B[2Jb");
    EXPECT_EQ(printable("line\nnext\ttab"), "line\nnext\ttab");
    EXPECT_EQ(printable("line\nnext", false), "line\\x0Anext");
    EXPECT_EQ(printable("bell\a del\x7f"), "bell\\x07 del\\x7F");
    EXPECT_EQ(printable("c1 \xc2\x9b"
                        "31m"),
              "c1 \\u009B31m"); // CSI as a C1 control
}

// A file's name that is not UTF-8 (Latin-1, cut sequences): its bytes shown as \xNN.
TEST(Output, PrintableEscapesBytesThatAreNotUtf8) {
    EXPECT_EQ(printable("002_caf\xe9.up.sql"), "002_caf\\xE9.up.sql");
    EXPECT_EQ(printable("cut \xe6\x97"), "cut \\xE6\\x97");
    EXPECT_EQ(printable("overlong \xc0\xaf, caf\xc3\xa9"), "overlong \\xC0\\xAF, caf\xc3\xa9");
    EXPECT_EQ(printable("\xf0\x9f\x98\x80 ok"), "\xf0\x9f\x98\x80 ok");
}
