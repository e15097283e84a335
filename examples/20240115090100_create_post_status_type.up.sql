-- The life cycle of a post.
CREATE TYPE post_status AS ENUM ('draft', 'published', 'archived');
