// The extension's fast statement splitter (common/fast_split.hpp, pure C++): it must
// split exactly where PostgreSQL's parser does, or give up.
#include "fast_split.hpp" // common/: pure C++, no PostgreSQL headers

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

namespace {

// The statements found, as text from their first token to (excluding) their ';'; nullopt when
// the splitter gives up.
std::optional<std::vector<std::string>> split(const std::string &sql, bool standard = true) {
    std::vector<std::string> out;
    bool ok = mig::fast_split(sql.data(), sql.size(), standard, [&](int start, int end) {
        out.push_back(sql.substr(static_cast<size_t>(start), static_cast<size_t>(end - start)));
    });
    if (!ok)
        return std::nullopt;
    return out;
}

using V = std::vector<std::string>;

} // namespace

TEST(FastSplit, PlainStatements) {
    EXPECT_EQ(split("CREATE TABLE t (a int);\nINSERT INTO t VALUES (1);"),
              (V{"CREATE TABLE t (a int)", "INSERT INTO t VALUES (1)"}));
    EXPECT_EQ(split("  -- lead\n/* c */ insert into t values (1)  ;;  ; "),
              (V{"insert into t values (1)  "}));
    EXPECT_EQ(split(""), V{});
    EXPECT_EQ(split("-- only a comment"), V{});
    EXPECT_EQ(split("update t set a = a + 1"), (V{"update t set a = a + 1"})); // no final ';'
}

TEST(FastSplit, SemicolonsInsideTokensDoNotSplit) {
    EXPECT_EQ(split("insert into t values ('a;b', 'it''s;'); select 1;"),
              (V{"insert into t values ('a;b', 'it''s;')", "select 1"}));
    EXPECT_EQ(split("insert into t values (E'\\';x', e'\\\\');select 2"),
              (V{"insert into t values (E'\\';x', e'\\\\')", "select 2"}));
    EXPECT_EQ(split("select \"a;\"\"b\" from t; select 3"),
              (V{"select \"a;\"\"b\" from t", "select 3"}));
    EXPECT_EQ(split("select $$a;'b$$, $q$ $$; $q$, $1; select 4"),
              (V{"select $$a;'b$$, $q$ $$; $q$, $1", "select 4"}));
    EXPECT_EQ(split("select 1 /* a; /* nested; */ still; */ + 2; select 5 -- x; y\n;"),
              (V{"select 1 /* a; /* nested; */ still; */ + 2", "select 5 -- x; y\n"}));
    EXPECT_EQ(split("select U&'d\\0061t;a', x'1F', b'01'; select 6"),
              (V{"select U&'d\\0061t;a', x'1F', b'01'", "select 6"}));
    // identifiers absorb '$': a$b$ is one identifier, not a dollar quote
    EXPECT_EQ(split("select a$b$ from t; select 7"), (V{"select a$b$ from t", "select 7"}));
    // a backslash does not escape in a standard string: 'a\' ends there
    EXPECT_EQ(split("select 'a\\'; select 8"), (V{"select 'a\\'", "select 8"}));
}

TEST(FastSplit, GivesUpOnWhatItDoesNotModel) {
    EXPECT_FALSE(split("select 'a\\'; select 8", false)); // standard_conforming_strings off
    EXPECT_FALSE(split("create index concurrently i on t (a)"));
    EXPECT_FALSE(split("CREATE INDEX CONCURRENTLY i ON t (a)"));
    EXPECT_FALSE(split("begin; insert into t values (1); commit;"));
    EXPECT_FALSE(split("insert into t values (1); COMMIT"));
    EXPECT_FALSE(split("alter type e add value 'x'"));
    EXPECT_FALSE(split("vacuum t"));
    EXPECT_FALSE(split("copy t from stdin"));
    EXPECT_FALSE(split("create function f() returns int begin atomic select 1; end"));
    EXPECT_FALSE(split("create rule r as on insert to t do (insert into u values (1); "
                       "insert into u values (2))"));
    EXPECT_FALSE(split("do $$ begin end $$"));   // DO is not a plain first word
    EXPECT_FALSE(split("(select 1)"));           // statement starting with '('
    EXPECT_FALSE(split("select 'unterminated")); // let the parser report it
    EXPECT_FALSE(split("select $$unterminated"));
    EXPECT_FALSE(split("select 1 /* unterminated"));
    EXPECT_FALSE(split("select \\x"));           // backslash outside a string
    EXPECT_FALSE(split("select (1; select 2)")); // ';' inside parentheses
    EXPECT_FALSE(split("select 1)"));
    EXPECT_FALSE(split("select $ 1"));
    EXPECT_FALSE(split("E'x' select")); // a statement starting with a string
}

TEST(FastSplit, KeywordsOnlyAsWholeWords) {
    // "end", "type", "begin" inside longer identifiers, strings or quoted identifiers are fine
    EXPECT_EQ(split("insert into t (end_date, \"type\", vendor) values ('begin; end', 1, 2)"),
              (V{"insert into t (end_date, \"type\", vendor) values ('begin; end', 1, 2)"}));
    EXPECT_FALSE(split("select 1 as end"));
}
