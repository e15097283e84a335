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
-- Scripts of 64 kB or more are split by pgmig's own lexer (fast_split.hpp) when they are plain
-- DDL/DML: the statements must be exactly the parser's, whatever hides a semicolon.
CREATE TABLE fs_t (a int, b text, c text, d text, "e;" text);
SELECT string_agg(format(
    $f$INSERT INTO fs_t (a, b, c, d, "e;") VALUES (%s, 'a;b''c', $x$ ;'$x$, E'\';\\', 'u') /* ; /* ; */ */ -- ;
;$f$, i), E'\n') AS big
FROM generate_series(1, 800) i \gset
SELECT length(:'big') >= 65536 AS big_enough,
       (SELECT count(*) FROM mig.split(:'big')) AS parser_statements;
BEGIN;
SELECT version, action, transactional, statements FROM mig.upload('9001', 'fast split', :'big');
SELECT count(*) FROM mig.apply('9001', 'fast split', :'big'); -- exactly this one
SELECT count(*), count(DISTINCT a), min(b), min(c), min(d) FROM fs_t;
ROLLBACK;
-- standard_conforming_strings off: backslashes escape in '' strings, so the parser decides
SELECT repeat('INSERT INTO fs_t (b) VALUES (''x\'';y''); ', 3000) AS big2 \gset
SET standard_conforming_strings = off;
SET escape_string_warning = off;
SELECT (SELECT count(*) FROM mig.split(:'big2')) AS parser_statements;
BEGIN;
SELECT version, action, statements FROM mig.upload('9002', 'escapes', :'big2');
SELECT count(*) FROM mig.apply('9002', 'escapes', :'big2');
SELECT count(*), min(b) FROM fs_t;
ROLLBACK;
RESET standard_conforming_strings;
RESET escape_string_warning;
-- not plain (CONCURRENTLY, BEGIN ATOMIC, ...): the parser decides, classification included
SELECT repeat('INSERT INTO fs_t (a) VALUES (1); ', 3000) || 'CREATE INDEX CONCURRENTLY fs_i ON fs_t (a);' AS big3 \gset
BEGIN;
SELECT version, action, transactional, statements FROM mig.upload('9003', 'concurrently', :'big3');
ROLLBACK;
DROP TABLE fs_t;
