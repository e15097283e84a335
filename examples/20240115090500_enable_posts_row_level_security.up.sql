-- Ordinary roles see published posts, plus their own drafts: the application sets
-- app.user_id for each request (SET LOCAL app.user_id = '42').
-- Table owners and superusers bypass row-level security.
ALTER TABLE posts ENABLE ROW LEVEL SECURITY;

CREATE POLICY posts_visible ON posts
    FOR SELECT
    USING (status = 'published'
           OR author_id = nullif(current_setting('app.user_id', true), '')::bigint);

CREATE POLICY posts_own_rows ON posts
    FOR ALL
    USING (author_id = nullif(current_setting('app.user_id', true), '')::bigint)
    WITH CHECK (author_id = nullif(current_setting('app.user_id', true), '')::bigint);
