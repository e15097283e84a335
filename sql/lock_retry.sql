-- lock_retry: with pgmig.lock_retries and a lock_timeout, each statement runs in a
-- subtransaction of its own; one that fails with lock_not_available (55P03) is rolled back
-- alone and tried again after a back-off; earlier statements run once (docs/safety.md).
-- One session cannot hold a lock against itself: the lock timeouts here are raised by a
-- function, counted by a sequence (nextval is not rolled back with the statement). The
-- isolation specs lock_retry_wait and lock_retry_give_up use a real second session.
DROP EXTENSION pgmig; CREATE EXTENSION pgmig;
\set VERBOSITY terse
SHOW pgmig.lock_retries;
SHOW pgmig.lock_wait_max;
SET pgmig.lock_retries = -1;
SET pgmig.lock_wait_max = '2s';
SHOW pgmig.lock_wait_max;
RESET pgmig.lock_wait_max;
CREATE SEQUENCE lr_attempts;
CREATE TABLE lr_once (n int);
CREATE FUNCTION lr_flaky(fail_times int) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF nextval('lr_attempts') <= fail_times THEN
        RAISE EXCEPTION 'canceling statement due to lock timeout'
            USING ERRCODE = 'lock_not_available';
    END IF;
END $$;
-- statement 3 times out twice: two WARNINGs, two mig.log rows; statements 1, 2 and 4 run once
SELECT version, action FROM mig.upload('1', 'flaky', 'INSERT INTO lr_once VALUES (1);
CREATE TABLE lr_made (id int);
SELECT lr_flaky(2);
INSERT INTO lr_once VALUES (2);', 'SELECT lr_flaky(1);
DROP TABLE lr_made;
DELETE FROM lr_once;');
BEGIN;
SET LOCAL lock_timeout = '1s';
SET LOCAL pgmig.lock_retries = 3;
SELECT version, action FROM mig.apply();
COMMIT;
SELECT n, count(*) FROM lr_once GROUP BY n ORDER BY n;
SELECT last_value AS attempts FROM lr_attempts;
SELECT action, version, name, sqlstate, message, duration IS NOT NULL AS timed
FROM mig.log WHERE action = 'lock_retry' ORDER BY id;
SELECT count(*) AS chain_breaks FROM mig.log_verify();
-- a rollback runs its down script the same way
SELECT setval('lr_attempts', 1, false);
BEGIN;
SET LOCAL lock_timeout = '1s';
SET LOCAL pgmig.lock_retries = 3;
SELECT version, action FROM mig.rollback(1);
COMMIT;
SELECT count(*) AS rows_left, to_regclass('lr_made') IS NULL AS dropped FROM lr_once;
-- giving up after pgmig.lock_retries: the 55P03 stays, the transaction is the caller's to roll back
SELECT setval('lr_attempts', 1, false);
BEGIN;
SET LOCAL lock_timeout = '1s';
SET LOCAL pgmig.lock_retries = 2;
SELECT version, action FROM mig.apply('2', 'stuck', 'INSERT INTO lr_once VALUES (3);
SELECT lr_flaky(100);');
ROLLBACK;
SELECT last_value AS attempts FROM lr_attempts;
-- the detail says how many attempts, how long, and the bounds
SELECT setval('lr_attempts', 1, false);
DO $$
DECLARE d text; s text;
BEGIN
    SET LOCAL lock_timeout = '1s';
    SET LOCAL pgmig.lock_retries = 1;
    PERFORM mig.apply('2', 'stuck', 'INSERT INTO lr_once VALUES (3);
SELECT lr_flaky(100);');
EXCEPTION WHEN lock_not_available THEN
    GET STACKED DIAGNOSTICS d = PG_EXCEPTION_DETAIL, s = RETURNED_SQLSTATE;
    RAISE NOTICE '% %', s, regexp_replace(d, 'in [0-9.]+ s', 'in N s');
END $$;
-- giving up after pgmig.lock_wait_max: the first back-off (at least 50 ms) would pass it
SELECT setval('lr_attempts', 1, false);
DO $$
DECLARE d text;
BEGIN
    SET LOCAL lock_timeout = '1s';
    SET LOCAL pgmig.lock_retries = 100;
    SET LOCAL pgmig.lock_wait_max = '10ms';
    PERFORM mig.apply('2', 'stuck', 'INSERT INTO lr_once VALUES (3);
SELECT lr_flaky(100);');
EXCEPTION WHEN lock_not_available THEN
    GET STACKED DIAGNOSTICS d = PG_EXCEPTION_DETAIL;
    RAISE NOTICE '%', regexp_replace(d, 'in [0-9.]+ s', 'in N s');
END $$;
SELECT last_value AS attempts FROM lr_attempts;
-- no retries (the default): no subtransaction, the first lock timeout fails the migration
SELECT setval('lr_attempts', 1, false);
BEGIN;
SET LOCAL lock_timeout = '1s';
SELECT version, action FROM mig.apply('2', 'stuck', 'SELECT lr_flaky(1);');
ROLLBACK;
-- other errors are not retried, and keep their line and column
\set VERBOSITY default
BEGIN;
SET LOCAL lock_timeout = '1s';
SET LOCAL pgmig.lock_retries = 3;
SELECT version, action FROM mig.apply('2', 'broken', 'SELECT 1;
SELECT 1/0;');
ROLLBACK;
\set VERBOSITY terse
-- settings a statement makes hold for the next ones, as without subtransactions
BEGIN;
SET LOCAL lock_timeout = '1s';
SET LOCAL pgmig.lock_retries = 3;
SELECT version, action FROM mig.apply('2', 'settings', 'SET LOCAL work_mem = ''7MB'';
INSERT INTO lr_once SELECT 7 WHERE current_setting(''work_mem'') = ''7MB'';');
SHOW work_mem;
COMMIT;
SELECT n FROM lr_once;
-- the directive: the script's own lock_timeout while it runs (and retries with it)
SELECT setval('lr_attempts', 1, false);
SET pgmig.lock_retries = 2;
SELECT version, action FROM mig.apply('3', 'directive', '-- a comment first
  -- pgmig:lock-timeout=2min
CREATE TABLE lr_dir (t text);
INSERT INTO lr_dir SELECT current_setting(''lock_timeout'');
SELECT lr_flaky(1);');
SELECT t FROM lr_dir;
SHOW lock_timeout;
RESET pgmig.lock_retries;
-- not among the first comments: not a directive
SELECT version, action FROM mig.apply('4', 'late', 'CREATE TABLE lr_late (t text);
-- pgmig:lock-timeout=1min
INSERT INTO lr_late SELECT current_setting(''lock_timeout'');');
SELECT t FROM lr_late;
SELECT version, action FROM mig.apply('5', 'bad directive', '-- pgmig:lock-timeout=soon
SELECT 1;');
SELECT action, version FROM mig.log WHERE action = 'lock_retry' ORDER BY id;
-- mig.lock_blockers: who holds locks on what a statement names (NULL: nobody else; in one
-- session, nobody); a name that does not exist is no relation
SELECT mig.lock_blockers('ALTER TABLE lr_once ADD COLUMN x int') IS NULL AS nobody,
       mig.lock_blockers('INSERT INTO no_such_table SELECT 1') IS NULL AS no_relation;
