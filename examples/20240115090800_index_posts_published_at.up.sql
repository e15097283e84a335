-- CREATE INDEX CONCURRENTLY cannot run inside a transaction block, so this migration
-- is alone in its file: pgmig runs it outside a transaction, statement by statement.
CREATE INDEX CONCURRENTLY IF NOT EXISTS posts_published_at_idx
    ON posts (published_at DESC)
    WHERE status = 'published';
