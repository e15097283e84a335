DROP INDEX CONCURRENTLY IF EXISTS posts_published_at_idx;
