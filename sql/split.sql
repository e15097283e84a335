-- split: statements as the server's parser sees them
SELECT * FROM mig.split('');
SELECT * FROM mig.split('-- only a comment');
SELECT * FROM mig.split(E'-- create things\nCREATE TABLE a (id int);\n\n/* multi\n   line */ INSERT INTO a VALUES (1);  SELECT 1');
-- comments mentioning statements are not statements; semicolons in strings and bodies do not split
SELECT stmt_no, sql, line, col, transactional, tag FROM mig.split(E'-- CREATE INDEX CONCURRENTLY later; VACUUM;\nSELECT '';'' AS semi;\nCREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$ SELECT 1; $$;\nDO $$ BEGIN PERFORM 1; END $$;');
-- statements that cannot run in a transaction block
SELECT stmt_no, transactional, tag FROM mig.split($$
CREATE INDEX CONCURRENTLY i1 ON t (a);
CREATE INDEX i2 ON t (a);
DROP INDEX CONCURRENTLY i1;
DROP INDEX i2;
REINDEX INDEX CONCURRENTLY i3;
REINDEX (CONCURRENTLY) TABLE t;
REINDEX TABLE t;
REINDEX SCHEMA s;
VACUUM t;
ANALYZE t;
CREATE DATABASE d;
DROP DATABASE d;
CREATE TABLESPACE ts LOCATION '/nowhere';
DROP TABLESPACE ts;
ALTER SYSTEM SET work_mem = '1MB';
CREATE SUBSCRIPTION sub CONNECTION 'dbname=x' PUBLICATION p;
ALTER TYPE e ADD VALUE 'x';
BEGIN;
START TRANSACTION;
SAVEPOINT s;
RELEASE s;
ROLLBACK;
COMMIT;
END;
COPY t FROM STDIN;
$$);
-- multi-byte characters: location and col count characters
SELECT stmt_no, sql, location, line, col FROM mig.split(E'SELECT ''žluťoučký'';  SELECT 2;\n\tSELECT 3');
-- syntax error: 42601 with line and column
SELECT * FROM mig.split(E'SELECT 1;\nSELECT 2;\n   SELEC 3;');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM mig.split(E'SELECT ''unterminated');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM mig.split(NULL);
