-- hostile: malformed arguments and migrations that turn on pgmig itself
DROP EXTENSION pgmig; CREATE EXTENSION pgmig;
-- hx_try(sql): runs sql, returns 'ok' or 'SQLSTATE: message' (message cut to 80 characters)
CREATE FUNCTION hx_try(sql text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE st text; msg text;
BEGIN
    EXECUTE sql;
    RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT;
    RETURN st || ': ' || left(msg, 80);
END $$;
-- what pgmig has stored: compared before and after every refused call (a function, not a
-- view, so that DROP EXTENSION pgmig still works)
CREATE FUNCTION hx_counts(OUT migrations bigint, OUT applied bigint, OUT log_rows bigint,
                          OUT last_batch int) LANGUAGE sql AS $$
SELECT (SELECT count(*) FROM mig.migration), (SELECT count(*) FROM mig.applied),
       (SELECT count(*) FROM mig.log), (SELECT coalesce(max(last_batch), 0) FROM mig.state)
$$;
SELECT version, action FROM mig.upload('5', 'five', 'CREATE TABLE hx_five ();', 'DROP TABLE hx_five;');
SELECT version, action, batch FROM mig.apply();
SELECT * FROM hx_counts();

-- 1. malformed versions, every entry point: PM005 (NULL: 22004, or NULL for the STRICT
--    version_key, or "everything" for apply(target)), and nothing changes
CREATE TEMP TABLE hx_bad (v text, ord int);
INSERT INTO hx_bad VALUES ('', 1), (' ', 2), ('1..2', 3), ('.1', 4), ('1.', 5), ('v1', 6),
    ('١٢', 7), ('１', 8), ('1e3', 9), ('+1', 10), (E'1\n', 11), ('-', 12), ('1.-.2', 13),
    ('0x10', 14), (NULL, 15);
CREATE TEMP TABLE hx_call (f text, tmpl text, ord int);
INSERT INTO hx_call VALUES
    ('version_key', 'SELECT mig.version_key(%s)', 1),
    ('upload', 'SELECT * FROM mig.upload(%s, ''bad'', ''CREATE TABLE hx_bad_made ()'')', 2),
    ('apply one-shot', 'SELECT * FROM mig.apply(%s, ''bad'', ''CREATE TABLE hx_bad_made ()'')', 3),
    ('apply(target)', 'SELECT * FROM mig.apply(%s::text)', 4),
    ('rollback_to', 'SELECT * FROM mig.rollback_to(%s)', 5),
    ('plan', 'SELECT * FROM mig.plan(%s)', 6),
    ('baseline', 'SELECT * FROM mig.baseline(%s)', 7);
SELECT b.ord, coalesce(quote_literal(b.v), 'NULL') AS version, c.f,
       hx_try(format(c.tmpl, quote_nullable(b.v))) AS result
FROM hx_bad b CROSS JOIN hx_call c
WHERE NOT (b.v IS NULL AND c.f = 'baseline')
ORDER BY b.ord, c.ord;
SELECT * FROM hx_counts();
SELECT to_regclass('hx_bad_made') IS NULL AS nothing_made;
-- the error itself, with its detail
\set VERBOSITY verbose
SELECT * FROM mig.upload('1..2', 'bad', 'SELECT 1');
SELECT * FROM mig.rollback_to('١٢');
\set VERBOSITY default
-- '-' is dropped wherever it stands, so these are version 1, not errors
SELECT v, mig.version_key(v) FROM (VALUES ('1-'), ('--1'), ('-1-'), ('1--0'), ('-1.2-')) t(v);
SELECT version, action FROM mig.upload('1', 'one', 'SELECT 1');
SELECT * FROM mig.upload('--1', 'other', 'SELECT 1');
\echo :LAST_ERROR_SQLSTATE
SELECT version, name, action FROM mig.upload('1-', 'one', 'SELECT 1');
-- a 1,000-digit version is a version: stored, ordered and compared at full length
SELECT length(version) AS digits, action
FROM mig.upload(repeat('9', 1000), 'long', 'CREATE TABLE hx_long ();', 'DROP TABLE hx_long;');
SELECT length(version) AS digits, action
FROM mig.upload(repeat('9', 999), 'shorter', 'SELECT 1', 'SELECT 1');
SELECT mig.version_key(repeat('9', 1000)) > mig.version_key(repeat('9', 999)) AS longer_is_later,
       mig.version_key('000' || repeat('9', 1000)) = mig.version_key(repeat('9', 1000)) AS zeros_ignored;
SELECT length(version) AS digits, name, action, batch FROM mig.apply(repeat('9', 1000));
SELECT length(version) AS digits, name, state FROM mig.status();
SELECT length(version) AS digits, name, action FROM mig.rollback_to(repeat('9', 999));
SELECT length(version) AS digits, name, action FROM mig.rollback_to('1');
SELECT length(version) AS digits, name, state FROM mig.status();
-- NULLs in the other arguments
SELECT * FROM mig.upload('7', NULL, 'SELECT 1');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM mig.apply('7', 'seven', NULL);
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM mig.rollback(NULL);
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM mig.apply_repeatable(NULL, 'SELECT 1');
\echo :LAST_ERROR_SQLSTATE
DROP EXTENSION pgmig; CREATE EXTENSION pgmig;

-- 2. names with control characters and newlines are stored as given
SELECT version, action FROM mig.upload('1', E'line\nbreak', 'SELECT 1');
SELECT version, action FROM mig.upload('2', E'tab\tbell\x07esc\x1b[31m', 'SELECT 1');
SELECT version, action FROM mig.upload('3', '', 'SELECT 1');
SELECT version, name = E'line\nbreak' AS nl, name = E'tab\tbell\x07esc\x1b[31m' AS ctl,
       length(name) AS len FROM mig.status();
-- and named as given in the error context
SELECT * FROM mig.apply('4', E'bad\nname', E'SELECT 1;\nSELECT * FROM hx_no_such_table;');
\echo :LAST_ERROR_SQLSTATE
DROP EXTENSION pgmig; CREATE EXTENSION pgmig;

-- 3. options that are not an object, or have wrong types: 22023, nothing stored
SELECT o, hx_try(format('SELECT * FROM mig.upload(''1'', ''one'', ''SELECT 1'', NULL, %L)', o)) AS upload,
       hx_try(format('SELECT * FROM mig.apply(''1'', ''one'', ''SELECT 1'', NULL, %L)', o)) AS apply,
       hx_try(format('SELECT * FROM mig.apply_repeatable(''r'', ''SELECT 1'', %L)', o)) AS repeatable
FROM (VALUES ('[]'), ('"{}"'), ('null'), ('42'), ('true'), ('{"replace": 1}'),
             ('{"replace": "perhaps"}'), ('{"transaction": [true]}'),
             ('{"transaction": {"a": 1}}')) t(o);
SELECT * FROM hx_counts();
-- accepted: SQL NULL (as '{}'), JSON null values (the default), strings parse_bool knows,
-- non-string file names (ignored), unknown keys (kept)
SELECT version, action, transactional FROM mig.upload('1', 'one', 'SELECT 1', NULL, NULL);
SELECT version, action, transactional FROM mig.upload('2', 'two', 'SELECT 1', NULL, '{"transaction": null, "replace": null}');
SELECT version, action, transactional FROM mig.upload('3', 'three', 'SELECT 1', NULL, '{"transaction": "off"}');
SELECT version, action, transactional FROM mig.upload('4', 'four', 'SELECT * FROM hx_nope', NULL, '{"file": 42, "x": [1]}');
SELECT version, options FROM mig.migration ORDER BY vkey;
SELECT * FROM mig.apply('4');
\echo :LAST_ERROR_SQLSTATE
DROP EXTENSION pgmig; CREATE EXTENSION pgmig;

-- 4. migrations that call pgmig from inside: refused with PM011 (a migration that applies, rolls
--    back, uploads or baselines from inside a batch would change what the batch iterates over:
--    a down script run twice, a pending script replaced after it ran); nothing is recorded
CREATE TABLE hx_counter (n int);
INSERT INTO hx_counter VALUES (0);
-- an up script that applies another migration one-shot
SELECT version, name, action, batch
FROM mig.apply('2', 'outer', $$SELECT * FROM mig.apply('3', 'inner', 'UPDATE hx_counter SET n = n + 1');$$);
\echo :LAST_ERROR_SQLSTATE
SELECT version, state, batch FROM mig.status();
SELECT action, version, batch FROM mig.log ORDER BY id;
SELECT n FROM hx_counter;
-- an up script that rolls back an earlier migration
SELECT version, name, action, batch
FROM mig.apply('1', 'one', 'UPDATE hx_counter SET n = n + 1', 'UPDATE hx_counter SET n = n - 1');
SELECT version, name, action, batch
FROM mig.apply('2', 'undo_one', 'SELECT count(*) FROM mig.rollback();');
\echo :LAST_ERROR_SQLSTATE
-- a down script that rolls back (its own rollback would run the next down twice)
SELECT version, name, action, batch
FROM mig.apply('2', 'two', 'UPDATE hx_counter SET n = n + 1', 'UPDATE hx_counter SET n = n - 1');
SELECT version, action FROM mig.upload('0.5', 'down_rolls_back', 'SELECT 1', 'SELECT count(*) FROM mig.rollback();');
SELECT version, name, action FROM mig.apply('0.5', 'down_rolls_back', 'SELECT 1', 'SELECT count(*) FROM mig.rollback();');
SELECT version, name, action FROM mig.rollback(3);
\echo :LAST_ERROR_SQLSTATE
SELECT version, state, batch FROM mig.status();
SELECT n FROM hx_counter;
-- a down script that applies what is pending
SELECT version, action FROM mig.upload('3', 'pending', 'UPDATE hx_counter SET n = n + 10', 'UPDATE hx_counter SET n = n - 10');
SELECT version, name, action, batch
FROM mig.apply('0.7', 'down_applies', 'SELECT 1', 'SELECT count(*) FROM mig.apply(''3'');');
SELECT version, name, action FROM mig.rollback_batch();
\echo :LAST_ERROR_SQLSTATE
-- an up script that replaces a pending migration of its own batch (which would then run the
-- old script while the new one is stored)
SELECT version, action FROM mig.upload('4', 'replacer', $$SELECT version FROM mig.upload('5', 'victim', 'UPDATE hx_counter SET n = n + 100', NULL, '{"replace": true}');$$);
SELECT version, action FROM mig.upload('5', 'victim', 'UPDATE hx_counter SET n = n + 1000');
SELECT version, name, action FROM mig.apply();
\echo :LAST_ERROR_SQLSTATE
-- an up script that uploads, or baselines, or takes the lock
SELECT version, name, action FROM mig.apply('6', 'stager', $$SELECT version FROM mig.upload('7', 'staged', 'SELECT 1');$$);
\echo :LAST_ERROR_SQLSTATE
SELECT version, name, action FROM mig.apply('6', 'baseliner', $$SELECT count(*) FROM mig.baseline('1');$$);
\echo :LAST_ERROR_SQLSTATE
SELECT version, name, action FROM mig.apply('6', 'locker', 'SELECT mig.lock()');
\echo :LAST_ERROR_SQLSTATE
-- a repeatable migration that applies
SELECT version, name, action FROM mig.apply_repeatable('hx_r', 'SELECT count(*) FROM mig.apply();');
\echo :LAST_ERROR_SQLSTATE
-- history is what ran: nothing from the refused calls
SELECT version, state, batch FROM mig.status();
SELECT action, version, batch FROM mig.log ORDER BY id;
SELECT n FROM hx_counter;
-- reading is fine from inside a migration
SELECT version, name, action FROM mig.apply('8', 'reader', 'SELECT count(*) FROM mig.status(); SELECT count(*) FROM mig.plan();');
DROP EXTENSION pgmig; CREATE EXTENSION pgmig;
DROP TABLE hx_counter;

-- 5. migrations that change the session: pgmig's bookkeeping stays right, and what the
--    migration set stays in the caller's session (docs/security.md)
CREATE ROLE regress_hostile_dep;
SELECT mig.grant_deployer('regress_hostile_dep');
GRANT CREATE ON SCHEMA public TO regress_hostile_dep;
-- SET ROLE: objects belong to that role; the role stays set after mig.apply
SELECT version, name, action, batch
FROM mig.apply('1', 'set_role', 'SET ROLE regress_hostile_dep; CREATE TABLE hx_owned (x int);');
SELECT current_user = 'regress_hostile_dep' AS role_still_set, session_user = current_user AS same;
RESET ROLE;
SELECT tableowner FROM pg_tables WHERE tablename = 'hx_owned';
SELECT version, state, batch FROM mig.status();
-- ... but the history and the log name the caller, not the role the migration switched to
SELECT (SELECT applied_by FROM mig.applied) = session_user AS applied_by_caller,
       (SELECT role FROM mig.log WHERE version = '1') = session_user AS logged_as_caller;
-- a role without any right on mig.* cannot make the bookkeeping fail
CREATE ROLE regress_hostile_nobody;
SELECT version, name, action, batch FROM mig.apply('1.5', 'to_nobody', 'SET ROLE regress_hostile_nobody;');
SELECT current_user = 'regress_hostile_nobody' AS role_still_set;
RESET ROLE;
DROP ROLE regress_hostile_nobody;
-- a migration's SET application_name stays in the session but does not reach the audit log
SET application_name = 'hx_caller';
SELECT version, name, action, batch FROM mig.apply('1.6', 'spoof', $$SET application_name = 'spoofed';$$);
SHOW application_name;
SELECT application_name, role = session_user AS caller FROM mig.log WHERE version = '1.6';
RESET application_name;
-- SET LOCAL ROLE: until the caller's transaction ends
BEGIN;
SELECT version, name, action, batch FROM mig.apply('2', 'set_local_role', 'SET LOCAL ROLE regress_hostile_dep;');
SELECT current_user = 'regress_hostile_dep' AS role_in_transaction;
COMMIT;
SELECT current_user = session_user AS role_after_commit;
-- SET SESSION AUTHORIZATION: stays, until RESET
SELECT version, name, action, batch FROM mig.apply('3', 'session_auth', 'SET SESSION AUTHORIZATION regress_hostile_dep;');
SELECT session_user = 'regress_hostile_dep' AS session_user_changed, current_user = session_user AS same;
RESET SESSION AUTHORIZATION;
SELECT session_user = current_user AND current_user <> 'regress_hostile_dep' AS back;
-- RESET ALL: the caller's own settings are reset too
SET work_mem = '7MB';
SET search_path = public, pg_catalog;
SELECT version, name, action, batch FROM mig.apply('4', 'reset_all', 'RESET ALL;');
SELECT current_setting('work_mem') <> '7MB' AS work_mem_reset,
       current_setting('search_path') <> 'public, pg_catalog' AS search_path_reset;
-- search_path changed by SET and set_config(): bookkeeping is not redirected to look-alikes
CREATE SCHEMA hx_evil;
CREATE TABLE hx_evil.applied (vkey numeric[], batch int);
CREATE TABLE hx_evil.log (action text, version text);
CREATE TABLE hx_evil.state (last_batch int);
SELECT version, name, action, batch
FROM mig.apply('5', 'set_path', 'SET search_path = hx_evil, pg_catalog; CREATE TABLE made_in_evil ();');
SHOW search_path;
RESET search_path;
SELECT version, action FROM mig.upload('6', 'set_config', $$SELECT set_config('search_path', 'hx_evil, pg_temp, pg_catalog', false);$$);
SELECT version, action FROM mig.upload('7', 'after_set_config', 'CREATE TABLE after_set_config ();');
SELECT version, name, action, batch FROM mig.apply();
SHOW search_path;
RESET search_path;
BEGIN;
SELECT version, name, action, batch
FROM mig.apply('8', 'set_config_local', $$SELECT set_config('search_path', 'hx_evil', true);$$);
SHOW search_path;
COMMIT;
SELECT current_setting('search_path') <> 'hx_evil' AS path_back_after_commit;
SELECT to_regclass('hx_evil.made_in_evil') IS NOT NULL AS made_in_evil,
       to_regclass('hx_evil.after_set_config') IS NOT NULL AS next_one_in_evil_too;
SELECT (SELECT count(*) FROM hx_evil.applied) + (SELECT count(*) FROM hx_evil.log)
     + (SELECT count(*) FROM hx_evil.state) AS lookalike_rows;
SELECT version, state, batch FROM mig.status();
SELECT action, version, batch FROM mig.log ORDER BY id;
-- SET TRANSACTION READ ONLY: pgmig cannot record it, so nothing is applied
SELECT hx_try($$SELECT * FROM mig.apply('9', 'read_only', 'SET TRANSACTION READ ONLY;')$$);
SELECT * FROM hx_counts();
DROP SCHEMA hx_evil CASCADE;
DROP TABLE hx_owned;
REVOKE CREATE ON SCHEMA public FROM regress_hostile_dep;
DROP EXTENSION pgmig; CREATE EXTENSION pgmig;
DROP ROLE regress_hostile_dep;

-- 6. migrations that attack mig.* itself
CREATE PROCEDURE hx_commit() LANGUAGE plpgsql AS $$ BEGIN COMMIT; END $$;
SELECT version, name, action, batch FROM mig.apply('1', 'base', 'SELECT 1', 'SELECT 1');
SELECT * FROM hx_counts();
SELECT s, hx_try(format('SELECT * FROM mig.apply(''2'', %L, %L)', 'attack', s)) AS result
FROM (VALUES ('TRUNCATE mig.log;'), ('DELETE FROM mig.log;'), ('UPDATE mig.log SET version = ''x'';'),
             ('DROP TABLE mig.applied;'), ('DROP TABLE mig.applied CASCADE;'),
             ('DROP TABLE mig.state;'), ('DROP SCHEMA mig CASCADE;'),
             ('DROP FUNCTION mig.status();'), ('DROP EXTENSION pgmig;'),
             ('DELETE FROM mig.migration WHERE version = ''2'';'),
             ('ALTER TABLE mig.applied ADD COLUMN hx int NOT NULL;'),
             ('ALTER TABLE mig.applied DROP COLUMN checksum;'),
             ('ALTER TABLE mig.log RENAME TO log_old; CREATE TABLE mig.log (x int);'),
             ('DISCARD ALL;'), ('CALL hx_commit();'),
             ('DO $$ BEGIN COMMIT; END $$;'), ('PREPARE TRANSACTION ''hx'';')) t(s);
-- nothing changed, and pgmig still works
SELECT * FROM hx_counts();
SELECT version, state FROM mig.status();
SELECT action, version FROM mig.log ORDER BY id;
SELECT relname FROM pg_class WHERE relnamespace = 'mig'::regnamespace AND relkind = 'r' ORDER BY 1;
-- what a deployer may do to the tables (docs/security.md) is not prevented: deleting
-- history rows makes a migration pending again; the next batch number can be moved
SELECT version, name, action, batch FROM mig.apply('2', 'forget', 'DELETE FROM mig.applied;');
SELECT version, state, batch FROM mig.status();
SELECT version, name, action, batch FROM mig.apply('3', 'jump', 'UPDATE mig.state SET last_batch = 100;');
SELECT version, name, action, batch FROM mig.apply();
SELECT version, state, batch FROM mig.status();
-- a lock on mig.state or DISCARD PLANS inside a migration does not disturb the bookkeeping
SELECT version, name, action, batch FROM mig.apply('4', 'lock_state', 'LOCK TABLE mig.state IN ACCESS EXCLUSIVE MODE;');
SELECT version, name, action, batch FROM mig.apply('5', 'discard_plans', 'DISCARD PLANS;');
SELECT version, name, action, batch FROM mig.apply('6', 'after_discard', 'SELECT 1;');
SELECT action, version, batch FROM mig.log ORDER BY id;
DROP EXTENSION pgmig; CREATE EXTENSION pgmig;

-- 7. empty, comment-only and ';'-only scripts are valid no-op migrations (and downs)
SELECT version, action, transactional, statements FROM mig.upload('1', 'empty', '', '');
SELECT version, action, transactional, statements FROM mig.upload('2', 'comments', E'-- nothing here\n/* block /* nested */ comment */\n', E'-- down\n');
SELECT version, action, transactional, statements FROM mig.upload('3', 'semicolons', ';;; ;', ';');
SELECT version, action, transactional, statements FROM mig.upload('4', 'whitespace', E' \n\t\r\n ', E'\n');
SELECT version, action, transactional, statements FROM mig.upload('5', 'comment_semis', E'-- a;\n; /* ; */ ;\n-- b', E'/* */');
SELECT version, name, action, batch FROM mig.apply();
SELECT version, state, statements, has_down FROM mig.status();
SELECT count(*) FROM mig.split(E';\n-- x\n;/**/');
SELECT version, name, action FROM mig.rollback_to('0');
SELECT * FROM hx_counts();
-- unterminated comments, strings and dollar quotes are syntax errors with line and column
SELECT * FROM mig.apply('6', 'open_comment', E'SELECT 1;\n/* never closed');
SELECT * FROM mig.apply('6', 'open_string', E'SELECT 1;\nSELECT ''abc');
SELECT * FROM mig.apply('6', 'open_dollar', E'SELECT 1;\n  SELECT $$abc');
DROP EXTENSION pgmig; CREATE EXTENSION pgmig;

-- 8. a 1.2 MB script whose last statement has a syntax error: the error names line and column
CREATE TABLE hx_big (id int, s text);
SELECT repeat(E'INSERT INTO hx_big VALUES (1, ''xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx'');\n', 11000) AS body \gset
SELECT length(:'body') AS bytes;
-- plain INSERTs: split by the scanner at upload, the grammar error comes at apply
SELECT version, action, transactional, statements
FROM mig.upload('1', 'big_syntax', :'body' || E'INSERT INTO hx_big VALUES (2, ''y'');\n  INSERT INTO hx_big VALUS (3);\n');
SELECT version, name, action FROM mig.apply();
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM mig.apply('2', 'big_oneshot', :'body' || E'INSERT INTO hx_big VALUES (2, ''y'')\n  SELEC 1;');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM mig.apply('3', 'big_lexical', :'body' || E'SELECT ''unterminated;\n');
\echo :LAST_ERROR_SQLSTATE
-- a keyword that needs the full parser: refused at upload already
SELECT * FROM mig.upload('4', 'big_full_parse', 'CREATE TYPE hx_t AS (a int);' || :'body' || E'SELECT ) 1;');
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) FROM hx_big;
SELECT version, state FROM mig.status();
SELECT * FROM hx_counts();
DROP TABLE hx_big;
DROP FUNCTION hx_counts();
DROP PROCEDURE hx_commit();
DROP FUNCTION hx_try(text);
DROP EXTENSION pgmig; CREATE EXTENSION pgmig;
-- 9. mig.baseline(NULL) is refused like rollback_to(NULL); a version group of more than 131072
--    digits (numeric's limit) is an invalid version (PM005), and the message shows only its start
SELECT * FROM mig.baseline(NULL);
\echo :LAST_ERROR_SQLSTATE
SELECT mig.version_key(repeat('9', 131073));
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM mig.upload(repeat('7', 131073), 'huge', 'SELECT 1');
\echo :LAST_ERROR_SQLSTATE
SELECT length(mig.version_key('1.' || repeat('9', 131072))) > 131072 AS longest_group_ok;
SELECT count(*) AS log_rows FROM mig.log;
-- 10. the caller is recorded by rollbacks and repeatable migrations too, whatever their SQL set
SET application_name = 'hx_caller';
SELECT version, action FROM mig.apply('20', 'down_spoofs', 'SELECT 1', $$SET application_name = 'spoofed_down';$$);
SELECT version, action FROM mig.rollback(1);
SHOW application_name;
SET application_name = 'hx_caller';
SELECT name, action FROM mig.apply_repeatable('hx_rep', $$SET application_name = 'spoofed_rep';$$);
SELECT action, coalesce(version, name) AS what, application_name, role = session_user AS caller
FROM mig.log ORDER BY id;
RESET application_name;
