-- apply_errors: errors keep their SQLSTATE/message/detail/hint and name migration, line, column
DROP EXTENSION pgmig; CREATE EXTENSION pgmig;
SELECT version, action FROM mig.upload('1', 'ok', 'CREATE TABLE ae_t (id int PRIMARY KEY);');
SELECT version, action FROM mig.upload('2', 'fails', E'INSERT INTO ae_t VALUES (1);\n\n  INSERT INTO ae_t VALUES (1);', NULL, '{"file": "002_fails.sql"}');
SELECT version, name, action FROM mig.apply();
\echo :LAST_ERROR_SQLSTATE
-- nothing was applied: the whole batch rolled back with the statement
SELECT version, state FROM mig.status();
SELECT to_regclass('ae_t') IS NULL AS not_created;
-- error during planning (constant folding): statement located by the parse-analysis hook
SELECT * FROM mig.apply('3', 'div', E'SELECT 1;\nSELECT 1/0;');
\echo :LAST_ERROR_SQLSTATE
-- undefined table: position inside the script
SELECT * FROM mig.apply('4', 'undefined', E'SELECT 1;\n  SELECT * FROM no_such_table;');
\echo :LAST_ERROR_SQLSTATE
-- multi-byte characters before the error: column counts characters
SELECT * FROM mig.apply('5', 'utf8', E'SELECT ''ééé'', * FROM no_such_table;');
-- RAISE with detail and hint from a DO block: all kept
SELECT * FROM mig.apply('6', 'raise', E'DO $$ BEGIN RAISE EXCEPTION ''custom failure'' USING DETAIL = ''the detail'', HINT = ''the hint'', ERRCODE = ''P0042''; END $$;');
\echo :LAST_ERROR_SQLSTATE
-- error inside a function called by the migration: function context kept, then the migration
SELECT * FROM mig.apply('7', 'nested', E'CREATE FUNCTION ae_boom() RETURNS int LANGUAGE plpgsql AS $$ BEGIN RETURN 1/0; END $$;\nSELECT ae_boom();');
\echo :LAST_ERROR_SQLSTATE
-- transaction control inside a transactional script cannot be run by mig.apply
SELECT * FROM mig.apply('8', 'savepoint', E'SAVEPOINT a;');
\echo :LAST_ERROR_SQLSTATE
-- a non-transactional migration in the range: PM004 before anything runs
SELECT version, action FROM mig.upload('10', 'first', 'CREATE TABLE ae_10 ();');
SELECT version, action FROM mig.upload('11', 'concurrent', 'CREATE INDEX CONCURRENTLY ae_i ON ae_10 ((1));');
SELECT version, name, action FROM mig.apply();
\echo :LAST_ERROR_SQLSTATE
SELECT to_regclass('ae_10') IS NULL AS nothing_ran;
-- the hint's advice works: apply up to the version before it (after fixing migration 2)
SELECT version, action FROM mig.upload('2', 'fails', 'INSERT INTO ae_t VALUES (1);', NULL, '{"replace": true}');
SELECT version, name, action FROM mig.apply('10');
SELECT version, state FROM mig.status();
-- a huge script: the error shows only the failing line, not the whole script
SELECT * FROM mig.apply('12', 'huge', repeat(E'SELECT 1;\n', 1000) || 'SELECT * FROM no_such_huge;');
\echo :LAST_ERROR_SQLSTATE
-- a script wrapped in its own BEGIN/COMMIT: the error's line and column are the file's, for one
-- statement and for several, up and down
SELECT * FROM mig.apply('13', 'wrapped', E'-- header\n\nBEGIN;\n\nCREATE TABLE ae_w();\nSELECT nosuch FROM ae_w;\n\nCOMMIT;\n');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM mig.apply('13', 'wrapped', E'BEGIN;\n  SELECT nosuch;\nCOMMIT;\n');
\echo :LAST_ERROR_SQLSTATE
SELECT version, action FROM mig.apply('14', 'wrapped_down', 'CREATE TABLE ae_wd();', E'-- down\nBEGIN;\nDROP TABLE ae_wd;\nDROP TABLE ae_no_such;\nCOMMIT;\n');
SELECT version, action FROM mig.rollback();
\echo :LAST_ERROR_SQLSTATE
