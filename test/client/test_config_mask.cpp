#include "config.hpp"
#include "errors.hpp"
#include "mask.hpp"

#include <gtest/gtest.h>

using namespace mig::client;

TEST(Config, EnvironmentsLayerOverTopLevel) {
    auto cfg = parse_config(R"(
dir = "db/migrations"
lock_timeout = "3s"
[env.production]
dsn = "service=prod"
require_yes = true
lock_wait = 120
[env.staging]
dsn = "postgres://app@staging/app"
dir = "other"
)",
                            "pgmig.toml");
    auto base = resolve_env(cfg, "");
    EXPECT_EQ(base.dir, "db/migrations");
    EXPECT_FALSE(base.dsn);
    EXPECT_FALSE(base.require_yes);
    auto prod = resolve_env(cfg, "production");
    EXPECT_EQ(prod.dsn, "service=prod");
    EXPECT_EQ(prod.dir, "db/migrations");
    EXPECT_EQ(prod.lock_timeout, "3s");
    EXPECT_EQ(prod.lock_wait, 120.0);
    EXPECT_TRUE(prod.require_yes);
    auto st = resolve_env(cfg, "staging");
    EXPECT_EQ(st.dir, "other");
    EXPECT_FALSE(st.require_yes);
    EXPECT_THROW(resolve_env(cfg, "nope"), InputError);
}

TEST(Config, IntegerTimeoutsAreSeconds) {
    auto cfg = parse_config("lock_timeout = 7\n", "pgmig.toml");
    EXPECT_EQ(cfg.base.lock_timeout, "7s");
}

TEST(Config, SyntaxErrorNamesFileAndLine) {
    try {
        parse_config("dir = \n", "conf/pgmig.toml");
        FAIL();
    } catch (const InputError &e) {
        EXPECT_NE(std::string(e.what()).find("conf/pgmig.toml:1"), std::string::npos) << e.what();
    }
}

TEST(Mask, Url) {
    EXPECT_EQ(mask_password("postgres://app:s3cret@db:5432/x"), "postgres://app:****@db:5432/x");
    EXPECT_EQ(mask_password("postgresql://app:p%40ss@db/x?sslmode=require"),
              "postgresql://app:****@db/x?sslmode=require");
    EXPECT_EQ(mask_password("postgres://app@db/x"), "postgres://app@db/x");
    EXPECT_EQ(mask_password("postgres://db/x?user=a&password=zz&sslmode=1"),
              "postgres://db/x?user=a&password=****&sslmode=1");
}

TEST(Mask, Conninfo) {
    EXPECT_EQ(mask_password("host=db password=s3cret user=app"), "host=db password=**** user=app");
    EXPECT_EQ(mask_password("host=db password='a b\\'c' user=app"),
              "host=db password=**** user=app");
    EXPECT_EQ(mask_password("host=db PASSWORD = x"), "host=db PASSWORD = ****");
    EXPECT_EQ(mask_password("cannot connect to host=db password=hunter2: refused").find("hunter2"),
              std::string::npos);
    // unquoted, a backslash escapes the next character: the space is part of the password
    EXPECT_EQ(mask_password("host=db password=S3cret\\ PW dbname=x"),
              "host=db password=**** dbname=x");
    EXPECT_EQ(mask_password("password=\\'quote\\\\ dbname=x"), "password=**** dbname=x");
    EXPECT_EQ(mask_password("password=trailing\\"), "password=****");
}
