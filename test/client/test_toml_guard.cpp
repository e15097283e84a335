// toml_guard.hpp: text that toml++ 3.3 would read with undefined behaviour (found by
// test/fuzz's directives target: diesel's metadata.toml "\xce\x8b\xce\x9e") is refused or
// rewritten before it parses it; everything else reaches it unchanged.
#include "config.hpp"
#include "errors.hpp"
#include "layouts/layout.hpp"
#include "toml_guard.hpp"

#include <gtest/gtest.h>

using namespace mig::client;

namespace {

std::string refusal(const std::string &text) {
    try {
        parse_config(text, "pgmig.toml");
    } catch (const InputError &e) {
        return e.what();
    }
    return "";
}

} // namespace

TEST(TomlGuard, TheCharactersToml33CannotClassify) {
    EXPECT_TRUE(toml_whitespace_check_undefined(U'\u00E9'));  // é
    EXPECT_TRUE(toml_whitespace_check_undefined(U'\u038B'));  // the fuzzer's
    EXPECT_TRUE(toml_whitespace_check_undefined(U'\u3042'));  // あ
    EXPECT_FALSE(toml_whitespace_check_undefined(U'\u00A0')); // no-break space: answered
    EXPECT_FALSE(toml_whitespace_check_undefined(U'\u2000'));
    EXPECT_FALSE(toml_whitespace_check_undefined(U'\u4E2D')); // 中: answered (false)
    EXPECT_FALSE(toml_whitespace_check_undefined(U'a'));
}

TEST(TomlGuard, OutsideStringsAndCommentsIsAnError) {
    EXPECT_EQ(refusal("x = 1\n\xce\x8b\xce\x9e\n"),
              "pgmig.toml:2:1: unexpected character '\xce\x8b' (outside a string or a comment)");
    EXPECT_EQ(refusal("dir = \"a\" \xc3\xa9\n"),
              "pgmig.toml:1:11: unexpected character '\xc3\xa9' (outside a string or a comment)");
    EXPECT_THROW(diesel_runs_in_transaction("\xce\x8b\xce\x9e", "metadata.toml"), InputError);
    // the fuzzer's: quotes inside a malformed bare value open no string (toml++ reads the value
    // to its end, asking about each character)
    EXPECT_NE(refusal("d = 178\"\"[2state\"\xc7\x8c\"2\n").find("unexpected character"),
              std::string::npos);
    EXPECT_NE(refusal("d =6?\"\"[\"\xef\xbb\x9f").find("unexpected character"), std::string::npos);
    // a dotted key's quoted part is a string: whatever pgmig says of the key, not this
    EXPECT_EQ(refusal("[placeholders]\na.\"\xc3\xa9\" = \"x\"\n").find("unexpected character"),
              std::string::npos);
    EXPECT_EQ(refusal("dir = \"\"\"\\\xc3\xa9\"\"\"\n"),
              "pgmig.toml:1:11: escape sequence '\\\xc3\xa9' is not valid in a TOML string");
}

TEST(TomlGuard, StringsCommentsAndLineEndingBackslashesKeepTheirValue) {
    EXPECT_EQ(parse_config("# caf\xc3\xa9\ndir = \"\xc3\xa9\" # \xce\x8b\n", "pgmig.toml").base.dir,
              "\xc3\xa9");
    EXPECT_EQ(parse_config("dir = '''\xc3\xa9'''\ndsn = '\xc3\xa9'\n", "pgmig.toml").base.dsn,
              "\xc3\xa9");
    // a line-ending backslash then '§': valid TOML, the value "§x"
    EXPECT_EQ(parse_config("dir = \"\"\"\\\n  \xc2\xa7x\"\"\"\n", "pgmig.toml").base.dir,
              "\xc2\xa7x");
    EXPECT_EQ(parse_config("\xEF\xBB\xBF"
                           "dir = \"a\"\n",
                           "pgmig.toml")
                  .base.dir,
              "a"); // BOM
    EXPECT_EQ(toml_safe_text("a = \"\"\"x\"\"\"\"\n# \xc3\xa9\n", "f"),
              "a = \"\"\"x\"\"\"\"\n# \xc3\xa9\n"); // unchanged
    EXPECT_TRUE(diesel_runs_in_transaction("# \xc3\xa9\n", "metadata.toml"));
}
