// pgmig.toml is strict: unknown keys and wrong types are errors naming the key and the line.
#include "config.hpp"
#include "errors.hpp"

#include <fstream>
#include <gtest/gtest.h>
#include <sstream>

using namespace mig::client;

namespace {

std::string error_of(const std::string &toml) {
    try {
        parse_config(toml, "pgmig.toml");
    } catch (const InputError &e) {
        return e.what();
    }
    return "";
}

} // namespace

TEST(ConfigStrict, MisspeltKeyIsAnErrorWithTheClosestKey) {
    std::string e =
        error_of("dir = \"db\"\n[env.production]\ndsn = \"service=prod\"\nrequre_yes = true\n");
    EXPECT_NE(e.find("pgmig.toml:4:"), std::string::npos) << e;
    EXPECT_NE(e.find("[env.production]"), std::string::npos) << e;
    EXPECT_NE(e.find("unknown key 'requre_yes' (did you mean 'require_yes'?)"), std::string::npos)
        << e;
}

TEST(ConfigStrict, WrongTypesAreErrors) {
    std::string e = error_of("[env.production]\nrequire_yes = \"yes\"\n");
    EXPECT_NE(e.find("pgmig.toml:2:"), std::string::npos) << e;
    EXPECT_NE(e.find("require_yes must be true or false"), std::string::npos) << e;
    EXPECT_NE(error_of("dsn = 5\n").find("pgmig.toml:1: dsn must be a string"), std::string::npos);
    EXPECT_NE(error_of("dir = true\n").find("dir must be a string"), std::string::npos);
    EXPECT_NE(error_of("lock_timeout = true\n").find("lock_timeout must be a time"),
              std::string::npos);
    EXPECT_NE(error_of("\n\nlock_wait = \"abc\"\n")
                  .find("pgmig.toml:3: lock_wait must be a number of seconds"),
              std::string::npos);
    EXPECT_NE(error_of("env = \"prod\"\n").find("pgmig.toml:1: env must be tables"),
              std::string::npos);
    EXPECT_NE(error_of("[env]\nprod = 1\n").find("pgmig.toml:2: [env.prod] must be a table"),
              std::string::npos);
}

TEST(ConfigStrict, ATopLevelTableThatIsNotEnv) {
    std::string e = error_of("[production]\ndsn = \"x\"\n");
    EXPECT_NE(e.find("unknown key 'production' (an environment is a table [env.production])"),
              std::string::npos)
        << e;
}

TEST(ConfigStrict, NumbersForTimes) {
    auto cfg =
        parse_config("lock_timeout = 1.5\nstatement_timeout = 60\nlock_wait = 2.5\n", "pgmig.toml");
    EXPECT_EQ(cfg.base.lock_timeout, "1.5s");
    EXPECT_EQ(cfg.base.statement_timeout, "60s");
    EXPECT_EQ(cfg.base.lock_wait, 2.5);
    EXPECT_EQ(parse_config("lock_wait = 60\n", "pgmig.toml").base.lock_wait, 60.0);
}

// The example in docs/cli.md and the file `pgmig init` writes (cmd_init.cpp) still load.
TEST(ConfigStrict, TheDocumentedExampleLoads) {
    std::ifstream in(std::string(PGMIG_SOURCE_DIR) + "/docs/cli.md");
    ASSERT_TRUE(in);
    std::stringstream all;
    all << in.rdbuf();
    std::string doc = all.str();
    size_t blocks = 0;
    for (size_t at = doc.find("```toml\n"); at != std::string::npos;
         at = doc.find("```toml\n", at + 1)) {
        size_t from = at + 8, to = doc.find("```", from);
        ASSERT_NE(to, std::string::npos);
        auto cfg = parse_config(doc.substr(from, to - from), "docs/cli.md");
        EXPECT_TRUE(cfg.base.dsn || cfg.base.dir);
        ++blocks;
    }
    EXPECT_GE(blocks, 1u);
    auto init =
        parse_config("# pgmig configuration (docs/cli.md)\ndir = \"migrations\"\n"
                     "# dsn = \"postgres://user@localhost/app\"\n# lock_timeout = \"5s\"\n\n"
                     "# [env.production]\n# dsn = \"service=prod\"\n# require_yes = true\n",
                     "pgmig.toml");
    EXPECT_EQ(init.base.dir, "migrations");
}
