// pgmig verify's report (verify_report.hpp): mig.verify's rows grouped per migration, the
// counts, the exit code, the text lines and the --json migrations.
#include "errors.hpp"
#include "verify_report.hpp"

#include <gtest/gtest.h>

using namespace mig::client;

namespace {

VerifyRowText row(const char *version, const char *name, const char *result,
                  const char *phase = nullptr, const char *kind = nullptr,
                  const char *identity = nullptr, const char *before = nullptr,
                  const char *after = nullptr, const char *detail = nullptr) {
    const char *f[9] = {version, name, result, phase, kind, identity, before, after, detail};
    VerifyRowText r;
    for (size_t k = 0; k < 9; ++k)
        if (f[k])
            r[k] = f[k];
    return r;
}

std::string plain(const std::string &s, const char *) {
    return s;
}

} // namespace

TEST(VerifyReport, GroupsTheRowsOfAMigration) {
    auto ms = group_verify_rows({
        row("1", "person", "ok"),
        row("2", "pet", "differs", "down", "column", "public.pet.id", nullptr, "integer"),
        row("2", "pet", "differs", "down", "table", "public.pet", nullptr, "relkind=r"),
        row("3", "later", "not verified", nullptr, nullptr, nullptr, nullptr, nullptr,
            "comes after 2, which failed"),
    });
    ASSERT_EQ(ms.size(), 3u);
    EXPECT_EQ(ms[0].result, "ok");
    EXPECT_TRUE(ms[0].differences.empty());
    ASSERT_EQ(ms[1].differences.size(), 2u);
    EXPECT_EQ(ms[1].differences[1].identity, "public.pet");
    EXPECT_FALSE(ms[1].differences[1].before);
    EXPECT_EQ(*ms[2].detail, "comes after 2, which failed");
}

TEST(VerifyReport, ExitCodeOnlyForFailures) {
    auto ok =
        group_verify_rows({row("1", "a", "ok"), row("2", "b", "not verifiable", nullptr, nullptr,
                                                    nullptr, nullptr, nullptr, "no down script")});
    VerifyCounts c = count_verify(ok);
    EXPECT_EQ(c.verified, 1);
    EXPECT_EQ(c.not_verifiable, 1);
    EXPECT_EQ(verify_exit_code(c), EXIT_OK);
    auto bad = group_verify_rows({row("1", "a", "error", "down", nullptr, nullptr, nullptr, nullptr,
                                      "42P01: table \"x\" does not exist")});
    EXPECT_EQ(verify_exit_code(count_verify(bad)), EXIT_NOT_VERIFIED);
    EXPECT_EQ(EXIT_NOT_VERIFIED, 5);
}

TEST(VerifyReport, TextNamesTheMigrationAndEachObject) {
    auto ms = group_verify_rows({
        row("1", "person", "ok"),
        row("2", "default", "differs", "down", "column", "public.person.name",
            "text default 'x'::text", "text default 'y'::text"),
        row("3", "again", "differs", "up again", "index", "public.i", "CREATE INDEX i", nullptr),
    });
    std::string text = format_verify_report(ms, plain);
    EXPECT_NE(text.find("verified        1 person\n"), std::string::npos) << text;
    EXPECT_NE(text.find("FAILED          2 default: its down script does not restore the schema\n"
                        "    changed column public.person.name\n"
                        "        before: text default 'x'::text\n"
                        "        after:  text default 'y'::text\n"),
              std::string::npos)
        << text;
    EXPECT_NE(text.find("3 again: its up script, run again after its down, gives another schema\n"
                        "    removed index public.i\n"),
              std::string::npos)
        << text;
    EXPECT_NE(text.find("verify: 1 verified, 2 failed, 0 not verifiable, 0 not verified"),
              std::string::npos)
        << text;
}

TEST(VerifyReport, JsonMigrations) {
    auto j = verify_to_json(group_verify_rows({
        row("1", "a", "ok"),
        row("2", "b", "differs", "down", "table", "public.t", nullptr, "relkind=r"),
    }));
    ASSERT_EQ(j.size(), 2u);
    EXPECT_EQ(j[0]["action"], "ok");
    EXPECT_TRUE(j[0]["duration_s"].is_null());
    EXPECT_EQ(j[1]["phase"], "down");
    EXPECT_TRUE(j[1]["differences"][0]["before"].is_null());
    EXPECT_EQ(j[1]["differences"][0]["after"], "relkind=r");
}
