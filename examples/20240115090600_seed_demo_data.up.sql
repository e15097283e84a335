-- A few rows so that the view has something to show.
INSERT INTO users (email, name) VALUES
    ('ada@example.com',   'Ada Lovelace'),
    ('grace@example.com', 'Grace Hopper');

-- INSERT ... SELECT: two posts per user, the first one published.
INSERT INTO posts (author_id, title, body, status, published_at)
SELECT u.id,
       format('%s, part %s', u.name, n),
       'Hello from ' || u.name,
       CASE WHEN n = 1 THEN 'published' ELSE 'draft' END::post_status,
       CASE WHEN n = 1 THEN timestamptz '2024-01-15 09:00+00' END
FROM users u
CROSS JOIN generate_series(1, 2) AS n
WHERE u.email LIKE '%@example.com';
