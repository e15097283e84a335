#include "cli_args.hpp"

#include <gtest/gtest.h>

using namespace mig::client;

namespace {

const std::vector<std::string> kVerbs = {"init", "new",    "up",  "down",     "redo",    "reset",
                                         "goto", "status", "log", "validate", "baseline"};

Arity arity(const std::string &name) {
    for (const char *one : {"-d", "--dbname", "--dsn", "-h", "--host", "-p", "-U", "--dir", "--to",
                            "--env", "--color", "--lock-wait"})
        if (name == one)
            return Arity::One;
    if (name == "--wait")
        return Arity::Optional;
    return Arity::None;
}

ArgScan scan(const std::vector<std::string> &args) {
    return scan_args(args, arity, kVerbs);
}

} // namespace

TEST(CliArgs, ConnectionStringsLook) {
    EXPECT_TRUE(looks_like_conninfo("postgres://u:p@h/db"));
    EXPECT_TRUE(looks_like_conninfo("PostgreSQL://h/db"));
    EXPECT_TRUE(looks_like_conninfo("host=db dbname=app"));
    EXPECT_TRUE(looks_like_conninfo("service=prod"));
    EXPECT_FALSE(looks_like_conninfo("--wait=5"));
    EXPECT_FALSE(looks_like_conninfo("status"));
    EXPECT_FALSE(looks_like_conninfo("20240115093000"));
    EXPECT_FALSE(looks_like_conninfo("postgres"));
}

TEST(CliArgs, VerbAfterOptionsAndTheirValues) {
    auto s = scan({"-h", "db.internal", "-p", "5433", "-U", "app", "up", "--to", "5"});
    EXPECT_EQ(s.verb, "up");
    EXPECT_TRUE(s.conninfos.empty());
    EXPECT_EQ(s.rest.size(), 9u);
    EXPECT_EQ(s.options, (std::vector<std::string>{"-h", "-p", "-U", "--to"}));
}

TEST(CliArgs, OptionValueThatLooksLikeAConnectionStringStaysAValue) {
    auto s = scan({"-d", "postgres://u:p@h/db", "status", "--dsn", "host=x"});
    EXPECT_EQ(s.verb, "status");
    EXPECT_TRUE(s.conninfos.empty());
    EXPECT_EQ(s.rest.size(), 5u);
}

TEST(CliArgs, PositionalConnectionStringIsTakenOut) {
    auto s = scan({"up", "postgres://app:hunter2@db/app", "-v"});
    EXPECT_EQ(s.verb, "up");
    EXPECT_EQ(s.conninfos, (std::vector<std::string>{"postgres://app:hunter2@db/app"}));
    EXPECT_EQ(s.rest, (std::vector<std::string>{"up", "-v"}));
    auto before = scan({"host=db password=x", "status"});
    EXPECT_EQ(before.verb, "status");
    EXPECT_EQ(before.conninfos.size(), 1u);
}

TEST(CliArgs, ShortOptionsCombinedAndAttached) {
    auto s = scan({"-vd", "dbname=x", "up"}); // -v, then -d taking the next argument
    EXPECT_EQ(s.verb, "up");
    EXPECT_TRUE(s.conninfos.empty());
    EXPECT_EQ(s.options, (std::vector<std::string>{"-v", "-d"}));
    auto attached = scan({"-ddbname=x", "status"});
    EXPECT_EQ(attached.verb, "status");
    EXPECT_EQ(attached.rest.size(), 2u);
}

TEST(CliArgs, OptionalValueIsNotAVerbNorAConnectionString) {
    EXPECT_EQ(scan({"--wait", "up"}).verb, "up");
    auto s = scan({"--wait", "10", "status"});
    EXPECT_EQ(s.verb, "status");
    auto c = scan({"--wait", "host=x", "status"});
    EXPECT_EQ(c.conninfos.size(), 1u);
    EXPECT_EQ(scan({"--wait=3", "log"}).verb, "log");
}

TEST(CliArgs, UnknownVerbIsReportedAsTheVerb) {
    EXPECT_EQ(scan({"-v", "stauts"}).verb, "stauts");
    EXPECT_EQ(scan({}).verb, "");
}

TEST(CliArgs, EditDistanceCountsASwapOnce) {
    EXPECT_EQ(edit_distance("stauts", "status"), 1u);
    EXPECT_EQ(edit_distance("status", "status"), 0u);
    EXPECT_EQ(edit_distance("", "up"), 2u);
    EXPECT_EQ(edit_distance("kitten", "sitting"), 3u);
}

TEST(CliArgs, ClosestVerb) {
    EXPECT_EQ(closest("stauts", kVerbs), "status");
    EXPECT_EQ(closest("uo", kVerbs), "up");
    EXPECT_EQ(closest("vaildate", kVerbs), "validate");
    EXPECT_EQ(closest("basel", kVerbs), "baseline"); // a unique beginning
    EXPECT_EQ(closest("migrate", kVerbs), std::nullopt);
    EXPECT_EQ(closest("xyz", kVerbs), std::nullopt);
    EXPECT_EQ(closest("requre_yes", {"dir", "dsn", "require_yes"}), "require_yes");
}
