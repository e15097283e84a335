DROP POLICY posts_own_rows ON posts;
DROP POLICY posts_visible ON posts;
ALTER TABLE posts DISABLE ROW LEVEL SECURITY;
