// Which statements of a non-transactional migration the catalog can say were run already
// (client/src/resume_check.hpp).
#include "resume_check.hpp"

#include <gtest/gtest.h>

using mig::client::IndexStatement;
using mig::client::parse_index_statement;

TEST(ResumeCheck, CreateIndexConcurrently) {
    auto s = parse_index_statement(
        "-- the index\n/* c */ create unique index concurrently if not exists \"Big\"\"Idx\" on "
        "only app.\"Orders\" using btree (id)");
    ASSERT_TRUE(s);
    EXPECT_EQ(s->kind, IndexStatement::CreateConcurrently);
    EXPECT_EQ(s->index, "\"Big\"\"Idx\"");
    EXPECT_EQ(s->table, "app.\"Orders\"");
}

TEST(ResumeCheck, UnnamedOrPlainIndexesAreNotChecked) {
    EXPECT_FALSE(parse_index_statement("CREATE INDEX CONCURRENTLY ON t (x)"));
    EXPECT_FALSE(parse_index_statement("CREATE INDEX i ON t (x)"));
    EXPECT_FALSE(parse_index_statement("CREATE INDEX CONCURRENTLY IF EXISTS i ON t (x)"));
    EXPECT_FALSE(parse_index_statement("VACUUM t"));
    EXPECT_FALSE(parse_index_statement("CREATE INDEX CONCURRENTLYX i ON t (x)"));
}

TEST(ResumeCheck, DropIndexConcurrently) {
    auto s = parse_index_statement("DROP INDEX CONCURRENTLY IF EXISTS public.f199_i;");
    ASSERT_TRUE(s);
    EXPECT_EQ(s->kind, IndexStatement::DropConcurrently);
    EXPECT_EQ(s->index, "public.f199_i");
    EXPECT_TRUE(parse_index_statement("drop index concurrently i cascade"));
    EXPECT_FALSE(parse_index_statement("DROP INDEX CONCURRENTLY a, b")); // one index only
    EXPECT_FALSE(parse_index_statement("DROP INDEX i"));
}
