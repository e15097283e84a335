-- checksum: SHA-256 of the exact text, drift detection for applied migrations
DROP EXTENSION pgmig; CREATE EXTENSION pgmig;
SELECT mig.checksum('');
SELECT mig.checksum('SELECT 1;');
-- no normalisation: whitespace and line endings count; UTF-8 bytes
SELECT mig.checksum('SELECT 1;') <> mig.checksum('SELECT 1; ') AS trailing_space,
       mig.checksum(E'SELECT 1;\n') <> mig.checksum(E'SELECT 1;\r\n') AS crlf,
       mig.checksum('é') = encode(sha256('\xc3a9'::bytea), 'hex') AS utf8_bytes;
-- the same digest as PostgreSQL's sha256() at every length around the SHA-256 block and padding
-- boundaries, and around 4 kB, where pgmig switches from its own code to OpenSSL's
SELECT count(*) AS lengths, bool_and(mig.checksum(t) = encode(sha256(convert_to(t, 'UTF8')), 'hex')) AS same
FROM (SELECT repeat('x', n) || repeat('é', n % 3) AS t
      FROM generate_series(0, 300) n UNION ALL
      SELECT repeat('y', n) FROM generate_series(4030, 4160) n) s;
SELECT version, checksum FROM mig.upload('1', 'one', 'CREATE TABLE ck_t ();', 'DROP TABLE ck_t;');
SELECT version, action FROM mig.apply();
SELECT version, checksum, down_checksum FROM mig.status();
SELECT checksum FROM mig.log;
-- changing an applied up script: PM001 naming both checksums
SELECT * FROM mig.upload('1', 'one', 'CREATE TABLE ck_t (); -- edited', 'DROP TABLE ck_t;');
\echo :LAST_ERROR_SQLSTATE
-- changing an applied down script: PM001 too (replace does not help)
SELECT * FROM mig.upload('1', 'one', 'CREATE TABLE ck_t ();', 'DROP TABLE IF EXISTS ck_t;', '{"replace": true}');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM mig.upload('1', 'one', 'CREATE TABLE ck_t ();');
\echo :LAST_ERROR_SQLSTATE
-- unchanged is fine
SELECT version, action FROM mig.upload('1', 'one', 'CREATE TABLE ck_t ();', 'DROP TABLE ck_t;');
-- after rollback the migration is pending and may be replaced
SELECT version, action FROM mig.rollback();
SELECT version, action, checksum FROM mig.upload('1', 'one', 'CREATE TABLE ck_t (); -- edited', 'DROP TABLE ck_t;', '{"replace": true}');
