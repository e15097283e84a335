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
