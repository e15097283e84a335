// Which statements of a non-transactional migration the catalog can say were run already
// (client/src/resume_check.hpp).
#include "resume_check.hpp"

#include <gtest/gtest.h>

using mig::client::IndexStatement;
using mig::client::parse_index_statement;
using mig::client::repeatable_statement;
using mig::client::transaction_control;

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

TEST(ResumeCheck, ReindexConcurrently) {
    auto s = parse_index_statement("REINDEX INDEX CONCURRENTLY app.orders_i;");
    ASSERT_TRUE(s);
    EXPECT_EQ(s->kind, IndexStatement::ReindexConcurrently);
    EXPECT_EQ(s->index, "app.orders_i");
    EXPECT_EQ(s->table, "");
    s = parse_index_statement("reindex (verbose, concurrently) table \"Orders\"");
    ASSERT_TRUE(s);
    EXPECT_EQ(s->index, "");
    EXPECT_EQ(s->table, "\"Orders\"");
    EXPECT_FALSE(parse_index_statement("REINDEX INDEX i")); // in a transaction: atomic
    EXPECT_FALSE(parse_index_statement("REINDEX SCHEMA CONCURRENTLY s")); // not looked at
}

TEST(ResumeCheck, AlterTypeAddValue) {
    auto s =
        parse_index_statement("ALTER TYPE mood ADD VALUE IF NOT EXISTS 'it''s ok' AFTER 'sad'");
    ASSERT_TRUE(s);
    EXPECT_EQ(s->kind, IndexStatement::AddEnumValue);
    EXPECT_EQ(s->index, "mood");
    EXPECT_EQ(s->table, "it's ok");
    EXPECT_TRUE(parse_index_statement("alter type app.\"Mood\" add value 'x'"));
    EXPECT_FALSE(parse_index_statement("ALTER TYPE mood RENAME VALUE 'a' TO 'b'"));
    EXPECT_FALSE(parse_index_statement("ALTER TYPE mood ADD VALUE E'x'"));
    EXPECT_FALSE(parse_index_statement("ALTER TABLE t ADD COLUMN x int"));
}

TEST(ResumeCheck, RepeatableStatements) {
    EXPECT_TRUE(repeatable_statement("VACUUM (ANALYZE) t"));
    EXPECT_TRUE(repeatable_statement("-- c\nanalyze t"));
    EXPECT_TRUE(repeatable_statement("REINDEX TABLE CONCURRENTLY t"));
    EXPECT_TRUE(repeatable_statement("ALTER SYSTEM SET work_mem = '8MB'"));
    EXPECT_TRUE(repeatable_statement("CREATE DATABASE IF NOT EXISTS x")); // as written
    EXPECT_TRUE(repeatable_statement("DROP TABLESPACE IF EXISTS ts"));
    EXPECT_FALSE(repeatable_statement("CREATE DATABASE x"));
    EXPECT_FALSE(repeatable_statement("DROP DATABASE x"));
    EXPECT_FALSE(repeatable_statement("ALTER TYPE mood ADD VALUE 'x'"));
    EXPECT_FALSE(repeatable_statement("INSERT INTO t VALUES (1)"));
}

TEST(ResumeCheck, TransactionControl) {
    EXPECT_TRUE(transaction_control("BEGIN"));
    EXPECT_TRUE(transaction_control("start transaction isolation level serializable"));
    EXPECT_TRUE(transaction_control("-- done\nCOMMIT"));
    EXPECT_TRUE(transaction_control("ROLLBACK TO SAVEPOINT a"));
    EXPECT_TRUE(transaction_control("PREPARE TRANSACTION 'x'"));
    EXPECT_FALSE(transaction_control("PREPARE q AS SELECT 1"));
    EXPECT_FALSE(transaction_control("BEGINNING"));
    EXPECT_FALSE(transaction_control("CREATE TABLE commit_log (id int)"));
}
