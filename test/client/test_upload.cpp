// What the client sends with uploads: the options JSON (hand-written, must equal nlohmann's).
#include "errors.hpp"
#include "text.hpp"
#include "upload.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

using namespace mig::client;

namespace {
std::string reference_options(const Migration &m, bool replace) {
    nlohmann::json o = nlohmann::json::object();
    o["file"] = m.up_file;
    if (!m.down_file.empty())
        o["down_file"] = m.down_file;
    if (m.no_transaction)
        o["transaction"] = false;
    if (replace)
        o["replace"] = true;
    return o.dump();
}
} // namespace

TEST(UploadOptions, SameAsNlohmannJson) {
    std::string every_control;
    for (int c = 1; c < 0x20; ++c)
        every_control += static_cast<char>(c);
    const char *paths[] = {"migrations/0001_a.up.sql", "", "dir/with \"quotes\"\\and\\slashes",
                           "caf\xc3\xa9/\xf0\x9d\x84\x9e.sql", "del\x7f"};
    for (const std::string &up : {std::string(paths[0]), std::string(paths[2]),
                                  std::string(paths[3]), std::string(paths[4]), every_control}) {
        for (const std::string &down :
             {std::string(paths[1]), std::string(paths[0]), every_control}) {
            for (int flags = 0; flags < 4; ++flags) {
                Migration m;
                m.up_file = up;
                m.down_file = down;
                m.no_transaction = flags & 1;
                bool replace = flags & 2;
                EXPECT_EQ(upload_options(m, replace), reference_options(m, replace))
                    << up << " / " << down << " / " << flags;
            }
        }
    }
}

TEST(UploadOptions, PathNotUtf8IsAnInputError) {
    Migration m;
    m.up_file = "migrations/1_caf\xe9.up.sql";
    EXPECT_THROW(upload_options(m, false), InputError);
    std::string out = "x";
    EXPECT_FALSE(append_json_string(out, "\xff"));
    EXPECT_EQ(out, "x");
}

TEST(UploadFlags, OnlyReplaceAndTransactionAndNothingWithout) {
    Migration m;
    m.up_file = "migrations/1_a.up.sql";
    m.down_file = "migrations/1_a.down.sql";
    EXPECT_EQ(upload_flags(m, false), std::nullopt);
    EXPECT_EQ(nlohmann::json::parse(*upload_flags(m, true)), nlohmann::json({{"replace", true}}));
    m.no_transaction = true;
    EXPECT_EQ(nlohmann::json::parse(*upload_flags(m, false)),
              nlohmann::json({{"transaction", false}}));
    EXPECT_EQ(nlohmann::json::parse(*upload_flags(m, true)),
              nlohmann::json({{"replace", true}, {"transaction", false}}));
}
