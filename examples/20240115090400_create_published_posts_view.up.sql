-- What the public site shows: published posts with their author.
CREATE VIEW published_posts AS
SELECT p.id,
       p.title,
       u.name AS author,
       p.published_at
FROM posts p
JOIN users u ON u.id = p.author_id
WHERE p.status = 'published';
