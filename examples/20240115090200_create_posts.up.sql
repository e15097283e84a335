CREATE TABLE posts (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    author_id    bigint      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    title        text        NOT NULL CHECK (title <> ''),
    body         text        NOT NULL DEFAULT '',
    status       post_status NOT NULL DEFAULT 'draft',
    published_at timestamptz,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT posts_published_has_date
        CHECK (status <> 'published' OR published_at IS NOT NULL)
);

-- Foreign keys are not indexed automatically; "posts of this author" needs one.
CREATE INDEX posts_author_id_idx ON posts (author_id);
