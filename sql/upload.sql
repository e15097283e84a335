-- upload: staging, idempotence, refusals
DROP EXTENSION pgmig; CREATE EXTENSION pgmig;
SELECT * FROM mig.upload('1', 'create_t1', 'CREATE TABLE up_t1 (id int);', 'DROP TABLE up_t1;');
-- same again: unchanged
SELECT * FROM mig.upload('1', 'create_t1', 'CREATE TABLE up_t1 (id int);', 'DROP TABLE up_t1;');
-- 0001 is the same version as 1 and the name differs: PM002
SELECT * FROM mig.upload('0001', 'other_name', 'SELECT 1');
\echo :LAST_ERROR_SQLSTATE
-- different script for a pending migration: PM010 unless replace
SELECT * FROM mig.upload('1', 'create_t1', 'CREATE TABLE up_t1 (id bigint);', 'DROP TABLE up_t1;');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM mig.upload('1', 'create_t1', 'CREATE TABLE up_t1 (id int);', NULL);
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM mig.upload('1', 'create_t1', 'CREATE TABLE up_t1 (id bigint);', 'DROP TABLE up_t1;', '{"replace": true}');
-- checksum is the SHA-256 of the text
SELECT up_checksum = encode(sha256(convert_to(up_sql, 'UTF8')), 'hex') AS sha256_ok,
       down_checksum = mig.checksum(down_sql) AS down_ok, mig.checksum(NULL) IS NULL AS null_ok
FROM mig.migration;
-- nothing ran
SELECT to_regclass('up_t1') IS NULL AS not_created;
-- empty and comment-only scripts are valid no-ops
SELECT * FROM mig.upload('2', 'empty', '');
SELECT * FROM mig.upload('3', 'comments', E'-- nothing here\n/* CREATE INDEX CONCURRENTLY later */\n');
-- non-transactional statements are detected by the parser
SELECT version, name, action, transactional, statements
FROM mig.upload('4', 'concurrently', E'CREATE INDEX CONCURRENTLY up_i ON up_t1 (id);');
SELECT version, name, action, transactional, statements
FROM mig.upload('5', 'dbmate_option', 'CREATE TABLE up_t5 ()', NULL, '{"transaction": false}');
-- BEGIN/COMMIT wrapper: stored as is, body runs transactionally, WARNING
SELECT version, name, action, transactional, statements
FROM mig.upload('6', 'wrapped', E'BEGIN;\nCREATE TABLE up_t6 (id int);\nCOMMIT;\n', E'BEGIN; DROP TABLE up_t6; COMMIT;');
SELECT up_sql, up_stmts, down_stmts FROM mig.migration WHERE version = '6';
-- other transaction control: non-transactional
SELECT version, transactional FROM mig.upload('7', 'mid_commit', E'CREATE TABLE up_t7 ();\nCOMMIT;\nCREATE TABLE up_t7b ();');
-- COPY FROM STDIN: PM008
SELECT * FROM mig.upload('8', 'copy', E'CREATE TABLE up_t8 (a int);\nCOPY up_t8 FROM STDIN;');
\echo :LAST_ERROR_SQLSTATE
-- enum labels end the transaction (mig.plan shows it)
SELECT version, transactional FROM mig.upload('9', 'enum', E'ALTER TYPE some_enum ADD VALUE ''x'';');
SELECT version, ends_transaction FROM mig.migration WHERE ends_transaction;
-- syntax error: 42601 with line and column of the script
SELECT * FROM mig.upload('10', 'syntax', E'CREATE TABLE up_t10 (id int);\nCREATE TABEL oops (id int);', NULL, '{"file": "10_syntax.up.sql"}');
\echo :LAST_ERROR_SQLSTATE
-- a syntax error in the down script names the down file (strict: refused at upload; else stored, sql/broken_down.sql)
SELECT * FROM mig.upload('10', 'syntax', 'SELECT 1', E'\n\n  DROP TABLEX up_t10;', '{"down_file": "10_syntax.down.sql", "strict": true}');
\echo :LAST_ERROR_SQLSTATE
-- options must be an object
SELECT * FROM mig.upload('11', 'opts', 'SELECT 1', NULL, '[1]');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM mig.upload('11', 'opts', 'SELECT 1', NULL, '{"transaction": "maybe"}');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM mig.upload('11', NULL, 'SELECT 1');
\echo :LAST_ERROR_SQLSTATE
-- unknown option keys are kept; uploaded_by is recorded
SELECT * FROM mig.upload('11', 'opts', 'SELECT 1', NULL, '{"custom": [1, 2]}');
SELECT version, options, uploaded_by = current_user AS by_me FROM mig.migration WHERE version = '11';
SELECT version, name, state, transactional, statements FROM mig.status();
-- scripts of 64 kB or more: the scanner alone splits plain DDL/DML (faster than the grammar)
SELECT version, action, transactional, statements
FROM mig.upload('20', 'big', 'CREATE TABLE up_big20 (id int, t text);' || repeat(E'\nINSERT INTO up_big20 VALUES (1, ''a;b'');', 30000));
SELECT m.statements = (SELECT count(*) FROM mig.split(m.up_sql)) AS same_count,
       array_length(m.up_stmts, 1) AS offsets
FROM mig.migration m WHERE version = '20';
-- a grammar error in such a script is reported when it is applied (with line and column)
SELECT version, action, statements
FROM mig.upload('21', 'big_typo', repeat(E'INSERT INTO up_big VALUES (1, ''x'');\n', 30000) || 'INSERT INTO up_big VALUES (1, ''x'') oops;');
CREATE TABLE up_big (id int, t text);
SELECT * FROM mig.apply('21', 'big_typo', repeat(E'INSERT INTO up_big VALUES (1, ''x'');\n', 30000) || 'INSERT INTO up_big VALUES (1, ''x'') oops;');
\echo :LAST_ERROR_SQLSTATE
-- anything that might not be plain (here TYPE, CONCURRENTLY) goes through the full parser
SELECT version, action, statements
FROM mig.upload('22', 'big_type', repeat(E'INSERT INTO up_big VALUES (1, ''x'');\n', 30000) || 'INSERT INTO up_big (type) VALUES (1) oops;');
\echo :LAST_ERROR_SQLSTATE
SELECT version, action, transactional, statements
FROM mig.upload('23', 'big_concurrently', repeat(E'INSERT INTO up_big VALUES (1, ''x'');\n', 30000) || 'CREATE INDEX CONCURRENTLY up_big_i ON up_big (id);');
DROP TABLE up_big;
-- mig.upload_many: element i of each array is one mig.upload; every script is checked first
SELECT count(*) AS before FROM mig.migration \gset
SELECT * FROM mig.upload_many(ARRAY['30', '31', '32'], ARRAY['many_a', 'many_b', 'many_c'],
    ARRAY['CREATE TABLE up_m30 (id int);', 'SELECT 1; SELECT 2;', 'CREATE INDEX CONCURRENTLY up_m_i ON up_m30 (id);'],
    ARRAY['DROP TABLE up_m30;', NULL, NULL],
    ARRAY['{"file": "m/30.sql"}', NULL, '{}']::jsonb[]);
SELECT version, name, down_sql, options, statements, up_stmts FROM mig.migration
WHERE version IN ('30', '31', '32') ORDER BY vkey;
-- the same again: unchanged; a changed pending one needs replace
SELECT version, action FROM mig.upload_many(ARRAY['30', '31'], ARRAY['many_a', 'many_b'],
    ARRAY['CREATE TABLE up_m30 (id int);', 'SELECT 1; SELECT 2;'], ARRAY['DROP TABLE up_m30;', NULL]);
SELECT version, action FROM mig.upload_many(ARRAY['31'], ARRAY['many_b'], ARRAY['SELECT 3;']);
\echo :LAST_ERROR_SQLSTATE
SELECT version, action, statements FROM mig.upload_many(ARRAY['31'], ARRAY['many_b'], ARRAY['SELECT 3;'],
    options => ARRAY['{"replace": true}'::jsonb]);
-- bad input changes nothing: a syntax error, an invalid version, equal versions, NULLs, lengths
SELECT count(*) AS before FROM mig.migration \gset
SELECT * FROM mig.upload_many(ARRAY['40', '41'], ARRAY['ok', 'typo'], ARRAY['SELECT 1;', E'SELECT 1;\nSELEC 2;']);
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM mig.upload_many(ARRAY['40', 'v41'], ARRAY['ok', 'bad'], ARRAY['SELECT 1;', 'SELECT 2;']);
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM mig.upload_many(ARRAY['40', '040'], ARRAY['ok', 'other'], ARRAY['SELECT 1;', 'SELECT 2;']);
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM mig.upload_many(ARRAY['40', NULL], ARRAY['ok', 'x'], ARRAY['SELECT 1;', 'SELECT 2;']);
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM mig.upload_many(ARRAY['40', '41'], ARRAY['ok'], ARRAY['SELECT 1;', 'SELECT 2;']);
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM mig.upload_many(ARRAY[['40']], ARRAY[['ok']], ARRAY[['SELECT 1;']]);
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) = :before AS nothing_stored FROM mig.migration;
SELECT * FROM mig.upload_many('{}', '{}', '{}');
-- a version repeated within one batch, the same migration both times: stored once; mixed with
-- one stored already and a new one, in any order
SELECT version, action FROM mig.upload_many(ARRAY['52', '050', '51', '30', '50'],
    ARRAY['rep', 'twice', 'new', 'many_a', 'twice'],
    ARRAY['SELECT 52;', 'SELECT 50;', 'SELECT 51;', 'CREATE TABLE up_m30 (id int);', 'SELECT 50;'],
    ARRAY[NULL, NULL, NULL, 'DROP TABLE up_m30;', NULL]);
SELECT version, name FROM mig.migration WHERE version IN ('50', '050', '51', '52') ORDER BY vkey;
-- ends_transaction: the up script adds an enum label; reported for new and unchanged uploads
SELECT version, action, transactional, ends_transaction FROM mig.upload_many(ARRAY['60', '61'],
    ARRAY['enum_type', 'enum_label'],
    ARRAY['CREATE TYPE up_mood AS ENUM (''sad'');', 'ALTER TYPE up_mood ADD VALUE ''happy'';']);
SELECT version, action, ends_transaction FROM mig.upload('61', 'enum_label', 'ALTER TYPE up_mood ADD VALUE ''happy'';');
-- files / down_files: stored in options as "file" / "down_file" (and win over the same keys
-- in options); the arrays must have the others' length
SELECT version, action FROM mig.upload_many(ARRAY['70', '71', '72'], ARRAY['f1', 'f2', 'f3'],
    ARRAY['SELECT 70;', 'SELECT 71;', 'SELECT 72;'], ARRAY['SELECT -70;', NULL, NULL],
    ARRAY[NULL, '{"transaction": false, "file": "old.sql"}', NULL]::jsonb[],
    ARRAY['m/70.up.sql', 'm/71.up.sql', NULL], ARRAY['m/70.down.sql', NULL, NULL]);
SELECT version, options, transactional FROM mig.migration WHERE version IN ('70', '71', '72') ORDER BY vkey;
SELECT * FROM mig.upload_many(ARRAY['73'], ARRAY['f4'], ARRAY['SELECT 73;'], files => ARRAY['a', 'b']);
\echo :LAST_ERROR_SQLSTATE
-- a bad script uploaded with files: the error names its file
SELECT * FROM mig.upload_many(ARRAY['74'], ARRAY['f5'], ARRAY[E'SELECT 1;\nSELEC 2;'], files => ARRAY['m/74.up.sql']);
