-- A URL slug for every post: add the column, backfill existing rows, then enforce it.
ALTER TABLE posts ADD COLUMN slug text;

UPDATE posts
SET slug = trim(BOTH '-' FROM regexp_replace(lower(title), '[^a-z0-9]+', '-', 'g')) || '-' || id
WHERE slug IS NULL;

ALTER TABLE posts ALTER COLUMN slug SET NOT NULL;
ALTER TABLE posts ADD CONSTRAINT posts_slug_key UNIQUE (slug);
