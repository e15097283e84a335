-- plan_baseline: mig.plan (what apply would do) and mig.baseline (adopt an existing database)
DROP EXTENSION pgmig; CREATE EXTENSION pgmig;
SELECT * FROM mig.plan();
SELECT version, action FROM mig.upload('1', 'one', 'CREATE TABLE pb_1 ();', 'DROP TABLE pb_1;');
SELECT version, action FROM mig.upload('2', 'two', 'CREATE TABLE pb_2 ();', 'DROP TABLE pb_2;');
SELECT version, action FROM mig.upload('3', 'enum', 'CREATE TYPE pb_e AS ENUM (''a''); ALTER TYPE pb_e ADD VALUE ''b'';');
SELECT version, action FROM mig.upload('4', 'concurrent', 'CREATE INDEX CONCURRENTLY pb_i ON pb_1 ((1)); VACUUM pb_1;');
SELECT * FROM mig.plan();
SELECT * FROM mig.plan('2');
SELECT * FROM mig.plan('9');
\echo :LAST_ERROR_SQLSTATE
-- plan changes nothing
SELECT count(*) FROM mig.applied;
-- baseline: an existing database already has 1 and 2
CREATE TABLE pb_1 (); CREATE TABLE pb_2 ();
SELECT * FROM mig.baseline('2');
SELECT version, state, batch FROM mig.status();
SELECT version, action FROM mig.plan();
-- a migration uploaded later at or below the baseline is never run
SELECT version, action FROM mig.upload('1.5', 'late', 'SELECT 1/0');
SELECT version, state FROM mig.status() WHERE version = '1.5';
SELECT version, action FROM mig.plan();
SELECT version, name, action FROM mig.apply('3');
SELECT version, state FROM mig.status();
SELECT action, version, batch, message FROM mig.log ORDER BY id;
-- baseline with an invalid version
SELECT * FROM mig.baseline('abc');
\echo :LAST_ERROR_SQLSTATE
-- rolling back a baselined migration runs its down script, and the baseline moves below it:
-- it is pending again (status agrees with the database) and apply runs it
DROP EXTENSION pgmig; CREATE EXTENSION pgmig;
DROP TABLE pb_1, pb_2;
CREATE TABLE pb_1 (); CREATE TABLE pb_2 ();
SELECT version, action FROM mig.upload('1', 'one', 'CREATE TABLE pb_1 ();', 'DROP TABLE pb_1;');
SELECT version, action FROM mig.upload('2', 'two', 'CREATE TABLE pb_2 ();', 'DROP TABLE pb_2;');
SELECT version, name, action FROM mig.baseline('2');
SELECT version, action FROM mig.upload('1.5', 'late', 'SELECT 1;');
SELECT version, name, action FROM mig.rollback(1);
SELECT version, state FROM mig.status();
SELECT to_regclass('pb_2') IS NULL AS pb_2_dropped;
SELECT version, action FROM mig.plan();
SELECT version, name, action FROM mig.apply();
SELECT version, state FROM mig.status();
-- everything: no baseline is left; 1.5 (at or below it, never run) is pending too
SELECT version, name, action FROM mig.rollback_to('0');
SELECT version, state FROM mig.status();
SELECT baseline IS NULL AS no_baseline FROM mig.state;
-- the same when the baselined migration's down script runs statement by statement (outside a
-- transaction block, as pgmig down runs a non-transactional one): its last recorded statement
-- moves the baseline below it
SELECT version, action FROM mig.upload('3', 'index', 'CREATE INDEX CONCURRENTLY pb_i3 ON pb_3 ((1));',
    'DROP INDEX CONCURRENTLY pb_i3;');
CREATE TABLE pb_3 (); CREATE INDEX pb_i3 ON pb_3 ((1));
SELECT version, name, action FROM mig.baseline('3');
SELECT * FROM mig.statements('3', 'down');
DROP INDEX pb_i3;
SELECT mig.record_statement('3', 1, 'down');
SELECT version, state FROM mig.status();
SELECT version, action FROM mig.plan();
-- adopt: exactly the versions another tool applied (out of order too), without running them
DROP EXTENSION pgmig; CREATE EXTENSION pgmig;
SELECT count(*) FROM mig.upload_many(ARRAY['1', '2', '3', '4'], ARRAY['a', 'b', 'c', 'd'],
    ARRAY['CREATE TABLE ad_1 ();', 'CREATE TABLE ad_2 ();', 'CREATE TABLE ad_3 ();', 'CREATE TABLE ad_4 ();'],
    ARRAY['DROP TABLE ad_1;', 'DROP TABLE ad_2;', 'DROP TABLE ad_3;', 'DROP TABLE ad_4;']);
CREATE TABLE ad_1 (); CREATE TABLE ad_3 ();
SELECT * FROM mig.adopt(ARRAY['1', '3'], 'golang-migrate');
SELECT version, state FROM mig.status();
SELECT action, version, message FROM mig.log WHERE action = 'adopt' ORDER BY id;
-- unknown versions are refused, naming them; NULLs are refused; adopting again does nothing
SELECT * FROM mig.adopt(ARRAY['1', '9', '10'], 'dbmate');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM mig.adopt(NULL, 'dbmate');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM mig.adopt(ARRAY['1', '3'], 'golang-migrate');
-- what is left runs; the adopted ones roll back with their stored down scripts
SELECT version, action FROM mig.apply();
SELECT version, action FROM mig.rollback_to('0');
SELECT count(*) AS tables_left FROM pg_tables WHERE tablename LIKE 'ad\_%';
-- a repeatable another tool ran (Flyway's R__): recorded with its script, not run; the same
-- script is then skipped by apply_repeatable; adopting it again does nothing
SELECT * FROM mig.adopt_repeatable('ad_view', 'CREATE VIEW ad_v AS SELECT 1 AS one', 'flyway');
SELECT count(*) AS view_created FROM pg_views WHERE viewname = 'ad_v';
SELECT name, state, kind FROM mig.status() WHERE kind = 'repeatable';
SELECT action, name, message FROM mig.log WHERE action = 'adopt' AND version IS NULL;
SELECT action FROM mig.apply_repeatable('ad_view', 'CREATE VIEW ad_v AS SELECT 1 AS one');
SELECT * FROM mig.adopt_repeatable('ad_view', 'CREATE VIEW ad_v AS SELECT 2 AS two', 'flyway');
SELECT * FROM mig.adopt_repeatable(NULL, 'SELECT 1', 'flyway');
\echo :LAST_ERROR_SQLSTATE
