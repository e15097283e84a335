-- apply_basic: staged batch apply, one-shot apply, targets, batches, history, log
DROP EXTENSION pgmig; CREATE EXTENSION pgmig;
SELECT version, action FROM mig.upload('3', 'add_col', 'ALTER TABLE ab_t ADD COLUMN c int;', 'ALTER TABLE ab_t DROP COLUMN c;');
SELECT version, action FROM mig.upload('1', 'create_ab_t', 'CREATE TABLE ab_t (a int);', 'DROP TABLE ab_t;');
SELECT version, action FROM mig.upload('2', 'add_b', E'ALTER TABLE ab_t ADD COLUMN b int;\nINSERT INTO ab_t VALUES (1, 2);', 'ALTER TABLE ab_t DROP COLUMN b;');
SELECT version, action FROM mig.upload('10', 'ten', 'INSERT INTO ab_t (a) VALUES (10);', 'DELETE FROM ab_t WHERE a = 10;');
-- unknown target: PM006
SELECT * FROM mig.apply('4');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM mig.apply('x');
\echo :LAST_ERROR_SQLSTATE
-- apply up to 2 (version order, not upload order); durations are not shown (they vary)
SELECT version, name, action, batch, duration >= '0'::interval AS timed FROM mig.apply('2');
SELECT * FROM ab_t;
-- the rest: 3 before 10 (numeric order)
SELECT version, name, action, batch FROM mig.apply();
-- nothing pending: zero rows
SELECT version, name, action, batch FROM mig.apply();
SELECT a, b, c FROM ab_t ORDER BY a;
SELECT version, name, state, batch, applied_by = current_user AS by_me, duration IS NOT NULL AS has_duration
FROM mig.status();
SELECT action, version, name, batch, role = current_user AS by_me, duration IS NOT NULL AS has_duration
FROM mig.log ORDER BY id;
-- one-shot apply
SELECT version, name, action, batch FROM mig.apply('20', 'oneshot', 'CREATE TABLE ab_one (x int);', 'DROP TABLE ab_one;');
-- again with the same script: skipped
SELECT version, name, action, batch FROM mig.apply('20', 'oneshot', 'CREATE TABLE ab_one (x int);', 'DROP TABLE ab_one;');
-- again with a different script: PM001 naming both checksums
SELECT version, name, action, batch FROM mig.apply('20', 'oneshot', 'CREATE TABLE ab_one (x bigint);', 'DROP TABLE ab_one;');
\echo :LAST_ERROR_SQLSTATE
-- one-shot does not apply other pending migrations
SELECT version, action FROM mig.upload('30', 'pending', 'CREATE TABLE ab_30 ();');
SELECT version, name, action, batch FROM mig.apply('25', 'oneshot2', 'CREATE TABLE ab_25 ();');
SELECT version, state, batch FROM mig.status() WHERE version IN ('25', '30');
-- empty and comment-only migrations apply as no-ops
SELECT version, name, action FROM mig.apply('31', 'empty', '');
SELECT version, name, action FROM mig.apply('32', 'comment', '-- nothing');
-- wrapped script: body runs in the caller's transaction (no COMMIT is executed)
BEGIN;
SELECT version, name, action FROM mig.apply('33', 'wrapped', E'BEGIN;\nCREATE TABLE ab_wrapped ();\nCOMMIT;');
ROLLBACK;
SELECT to_regclass('ab_wrapped') IS NULL AS rolled_back;
SELECT version, state FROM mig.status() WHERE version = '33';
-- a migration's own SET persists in the session (no function-level SET on mig.apply)
SELECT version, action FROM mig.apply('34', 'set_guc', 'SET work_mem = ''7MB''');
SHOW work_mem;
RESET work_mem;
-- the same migration text may create functions and use them in later statements
SELECT version, action FROM mig.apply('35', 'fn', E'CREATE FUNCTION ab_f() RETURNS int LANGUAGE sql AS ''SELECT 35'';\nCREATE TABLE ab_35 AS SELECT ab_f() AS v;');
SELECT v FROM ab_35;
-- large batches (16 and more) run after pgmig drops its prepared internal queries (spi.hpp); the
-- same session goes on working: apply, roll back and apply again, with status and plan between
SELECT count(*) AS uploaded FROM mig.upload_many(
    ARRAY(SELECT (100 + i)::text FROM generate_series(1, 20) i),
    ARRAY(SELECT 'big_' || i FROM generate_series(1, 20) i),
    ARRAY(SELECT format('CREATE TABLE ab_big_%s ();', i) FROM generate_series(1, 20) i),
    ARRAY(SELECT format('DROP TABLE ab_big_%s;', i) FROM generate_series(1, 20) i));
SELECT count(*) FILTER (WHERE name LIKE 'big_%') AS applied FROM mig.apply();
SELECT count(*) AS rolled_back FROM mig.rollback(20);
SELECT count(*) AS pending FROM mig.plan();
SELECT count(*) AS applied_again FROM mig.apply();
SELECT count(*) AS tables FROM pg_tables WHERE tablename LIKE 'ab_big_%';
SELECT state, count(*) FROM mig.status() WHERE version::int > 100 GROUP BY state;
