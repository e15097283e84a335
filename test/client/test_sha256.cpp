#include "sha256.hpp"
#include "text.hpp"

#include <gtest/gtest.h>

using namespace mig::client;

TEST(Sha256, KnownVectors) {
    EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    EXPECT_EQ(sha256_hex("abc"),
              "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    EXPECT_EQ(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
              "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

// Small inputs are hashed by pgmig's own code, larger ones by OpenSSL: both agree on every
// length around the block and padding boundaries, and across the switch.
TEST(Sha256, SmallAndLargeAgree) {
    std::string data;
    unsigned x = 1;
    for (int i = 0; i < 9000; ++i) {
        x = x * 1103515245u + 12345u;
        data += static_cast<char>(x >> 16);
    }
    for (size_t n = 0; n < 9000; n += (n < 200 ? 1 : (n > 4000 && n < 4200 ? 1 : 97))) {
        Sha256 h; // always OpenSSL
        h.update(std::string_view(data).substr(0, n));
        ASSERT_EQ(sha256_hex(std::string_view(data).substr(0, n)), h.hex()) << n;
    }
}

// The in-process code with and without the CPU's SHA instructions (used when it has them),
// against OpenSSL, on every length over several blocks.
TEST(Sha256, InProcessWithAndWithoutShaInstructions) {
    std::string data;
    unsigned x = 7;
    for (int i = 0; i < 700; ++i) {
        x = x * 1103515245u + 12345u;
        data += static_cast<char>(x >> 16);
    }
    for (size_t n = 0; n < data.size(); ++n) {
        Sha256 h;
        h.update(std::string_view(data).substr(0, n));
        std::string want = h.hex();
        ASSERT_EQ(sha256_hex_in_process(std::string_view(data).substr(0, n), true), want) << n;
        ASSERT_EQ(sha256_hex_in_process(std::string_view(data).substr(0, n), false), want) << n;
    }
}

TEST(Sha256, ExactBytesNoNormalisation) {
    EXPECT_NE(sha256_hex("SELECT 1;\n"), sha256_hex("SELECT 1;\r\n"));
    EXPECT_NE(sha256_hex("SELECT 1;"), sha256_hex("SELECT 1;\n"));
}

TEST(Text, Utf8Validation) {
    EXPECT_EQ(invalid_utf8_at("héllo ✓ 𝄞"), std::string::npos);
    EXPECT_EQ(invalid_utf8_at(std::string("ab\xff")), 2u);
    EXPECT_EQ(invalid_utf8_at(std::string("\xc3")), 0u);         // truncated
    EXPECT_EQ(invalid_utf8_at(std::string("\xc0\xaf")), 0u);     // overlong
    EXPECT_EQ(invalid_utf8_at(std::string("\xed\xa0\x80")), 0u); // surrogate
}

TEST(Text, LineCol) {
    std::string s = "ab\ncdé\nx";
    EXPECT_EQ(line_col_at(s, 0), std::make_pair(1, 1));
    EXPECT_EQ(line_col_at(s, 4), std::make_pair(2, 2));
    EXPECT_EQ(line_col_at(s, s.size() - 1), std::make_pair(3, 1));
    EXPECT_EQ(line_of(s, 2), "cdé");
    EXPECT_EQ(line_of(s, 9), "");
}
