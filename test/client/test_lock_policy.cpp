// --lock-retries / --lock-wait-max (lock_policy.hpp) and their pgmig.toml keys.
#include "config.hpp"
#include "errors.hpp"
#include "lock_policy.hpp"

#include <gtest/gtest.h>

using namespace mig::client;

TEST(LockPolicy, SettingsAsPostgreSQLReadsThem) {
    EXPECT_DOUBLE_EQ(*setting_seconds("5s"), 5);
    EXPECT_DOUBLE_EQ(*setting_seconds("500ms"), 0.5);
    EXPECT_DOUBLE_EQ(*setting_seconds("2min"), 120);
    EXPECT_DOUBLE_EQ(*setting_seconds("1.5h"), 5400);
    EXPECT_DOUBLE_EQ(*setting_seconds(" 250 "), 0.25); // a bare number: milliseconds
    EXPECT_DOUBLE_EQ(*setting_seconds("0"), 0);
    EXPECT_FALSE(setting_seconds("soon"));
    EXPECT_FALSE(setting_seconds("5 parsecs"));
    EXPECT_FALSE(setting_seconds(""));
    EXPECT_FALSE(setting_seconds("-1s"));
}

TEST(LockPolicy, BackOffDoublesToFiveSecondsWithJitter) {
    EXPECT_DOUBLE_EQ(lock_backoff(1, 0), 0.05);
    EXPECT_DOUBLE_EQ(lock_backoff(1, 1), 0.1);
    EXPECT_DOUBLE_EQ(lock_backoff(2, 1), 0.2);
    EXPECT_DOUBLE_EQ(lock_backoff(3, 0.5), 0.3);
    EXPECT_DOUBLE_EQ(lock_backoff(7, 1), 5);
    EXPECT_DOUBLE_EQ(lock_backoff(40, 1), 5);
    EXPECT_DOUBLE_EQ(lock_backoff(40, 0), 2.5);
}

TEST(LockPolicy, BoundedByRetriesAndTotalWait) {
    LockPolicy p;
    p.retries = 2;
    p.wait_max = 1;
    EXPECT_TRUE(may_retry(p, 1, 0.2, 0.1));
    EXPECT_TRUE(may_retry(p, 2, 0.5, 0.2));
    EXPECT_FALSE(may_retry(p, 3, 0.5, 0.2)); // the retries are spent
    EXPECT_FALSE(may_retry(p, 2, 0.9, 0.2)); // the wait would pass wait_max
    p.wait_max = 0;                          // only the retries bound it
    EXPECT_TRUE(may_retry(p, 2, 1000, 5));
    p.retries = 0;
    EXPECT_FALSE(may_retry(p, 1, 0, 0.05));
}

TEST(LockPolicy, TomlKeys) {
    Config c =
        parse_config("lock_retries = 4\nlock_wait_max = \"30s\"\n[env.ci]\nlock_retries = 0\n"
                     "lock_wait_max = 10\n",
                     "pgmig.toml");
    EXPECT_EQ(*c.base.lock_retries, 4);
    EXPECT_EQ(*c.base.lock_wait_max, "30s");
    EnvConfig ci = resolve_env(c, "ci");
    EXPECT_EQ(*ci.lock_retries, 0);
    EXPECT_EQ(*ci.lock_wait_max, "10s"); // a number is seconds, as for lock_timeout
    auto error_of = [](const std::string &toml) {
        try {
            parse_config(toml, "pgmig.toml");
        } catch (const InputError &e) {
            return std::string(e.what());
        }
        return std::string();
    };
    EXPECT_NE(error_of("lock_retries = \"3\"\n").find("lock_retries must be a whole number"),
              std::string::npos);
    EXPECT_NE(error_of("lock_retries = -1\n").find("lock_retries must be a whole number"),
              std::string::npos);
    EXPECT_NE(error_of("lock_wait_max = true\n").find("lock_wait_max must be a time"),
              std::string::npos);
}
