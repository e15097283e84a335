-- transactions: everything happens in the caller's transaction; pgmig never commits
DROP EXTENSION pgmig; CREATE EXTENSION pgmig;
SELECT version, action FROM mig.upload('1', 'one', 'CREATE TABLE tx_t (id int);', 'DROP TABLE tx_t;');
BEGIN;
SELECT version, action, batch FROM mig.apply();
SELECT version, state FROM mig.status();
ROLLBACK;
-- no trace: not applied, no table, no log row, batch number not consumed
SELECT version, state FROM mig.status();
SELECT to_regclass('tx_t') IS NULL AS no_table;
SELECT count(*) AS log_rows FROM mig.log;
-- upload + apply in one transaction, rolled back: not even uploaded
BEGIN;
SELECT version, action FROM mig.apply('2', 'two', 'CREATE TABLE tx_two ();');
ROLLBACK;
SELECT count(*) AS migrations FROM mig.migration WHERE version = '2';
-- a savepoint around a failing apply: the outer transaction continues
BEGIN;
SELECT version, action, batch FROM mig.apply();
SAVEPOINT s;
SELECT version, action FROM mig.apply('3', 'bad', 'SELECT 1/0');
ROLLBACK TO SAVEPOINT s;
SELECT version, action, batch FROM mig.apply('4', 'four', 'CREATE TABLE tx_four ();', 'DROP TABLE tx_four;');
COMMIT;
SELECT version, state, batch FROM mig.status();
-- rollback inside a transaction, then ROLLBACK: still applied
BEGIN;
SELECT version, action FROM mig.rollback(2);
SELECT to_regclass('tx_t') IS NULL AS dropped_inside;
ROLLBACK;
SELECT version, state FROM mig.status();
SELECT to_regclass('tx_t') IS NOT NULL AS still_there;
-- while migrations run, pgmig's own relations use none of the backend's fast-path lock slots
-- (a SHARE lock moved their weak locks to the shared lock table; see docs/performance.md)
SELECT version, action FROM mig.upload('5', 'locks', $$CREATE TABLE tx_locks AS
  SELECT c.relname::text AS rel, l.mode, l.fastpath FROM pg_locks l
  JOIN pg_class c ON c.oid = l.relation
  WHERE l.pid = pg_backend_pid() AND c.relnamespace = 'mig'::regnamespace$$);
BEGIN;
SELECT count(*) AS read_before FROM mig.status();
SELECT version, action FROM mig.apply();
SELECT count(*) FILTER (WHERE fastpath) AS fast_path_slots,
       bool_or(rel = 'migration' AND mode = 'ShareLock') AS migration_share_locked,
       bool_or(rel = 'applied_pkey' AND mode = 'ShareLock') AS index_share_locked
FROM tx_locks;
ROLLBACK;
