-- rollback: steps, to a version, last batch; checks before running anything
DROP EXTENSION pgmig; CREATE EXTENSION pgmig;
SELECT version, action FROM mig.upload('1', 'a', 'CREATE TABLE rb_a ();', 'DROP TABLE rb_a;');
SELECT version, action FROM mig.upload('2', 'b', 'CREATE TABLE rb_b ();', 'DROP TABLE rb_b;');
SELECT version, name, action, batch FROM mig.apply();
SELECT version, action FROM mig.upload('3', 'c', 'CREATE TABLE rb_c ();', 'DROP TABLE rb_c;');
SELECT version, action FROM mig.upload('4', 'd', 'CREATE TABLE rb_d ();', '');
SELECT version, action FROM mig.upload('5', 'e', 'CREATE TABLE rb_e ();', 'DROP TABLE rb_e;');
SELECT version, name, action, batch FROM mig.apply();
-- default: one step
SELECT version, name, action, batch FROM mig.rollback();
SELECT to_regclass('rb_e') IS NULL AS e_gone;
-- an empty down script is a valid no-op down
SELECT version, name, action, batch FROM mig.rollback(1);
SELECT to_regclass('rb_d') IS NOT NULL AS d_kept_by_empty_down;
DROP TABLE rb_d;
-- last batch (what is left of batch 2)
SELECT version, name, action, batch FROM mig.rollback_batch();
SELECT version, state, batch FROM mig.status();
-- reapply, then roll back to a version
SELECT version, name, action, batch FROM mig.apply();
SELECT version, name, action, batch FROM mig.rollback_to('2');
SELECT version, state FROM mig.status();
-- unknown version: PM006; '0' means everything
SELECT * FROM mig.rollback_to('7');
\echo :LAST_ERROR_SQLSTATE
SELECT version, name, action FROM mig.rollback_to('0');
SELECT version, state FROM mig.status();
-- a missing down script: PM003 naming the versions, nothing rolled back
SELECT version, action FROM mig.apply('6', 'no_down', 'CREATE TABLE rb_f ();');
SELECT version, action FROM mig.apply('7', 'no_down_either', 'CREATE TABLE rb_g ();');
SELECT version, action FROM mig.apply('8', 'with_down', 'CREATE TABLE rb_h ();', 'DROP TABLE rb_h;');
SELECT * FROM mig.rollback(3);
\echo :LAST_ERROR_SQLSTATE
SELECT to_regclass('rb_h') IS NOT NULL AS h_kept;
-- a failing down script: its error with context; nothing recorded
SELECT version, action FROM mig.apply('9', 'bad_down', 'CREATE TABLE rb_i ();', E'DROP TABLE rb_i;\nDROP TABLE rb_i;');
SELECT * FROM mig.rollback();
\echo :LAST_ERROR_SQLSTATE
SELECT version, state FROM mig.status() WHERE version = '9';
-- negative steps; zero steps
SELECT * FROM mig.rollback(-1);
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM mig.rollback(0);
-- the log records rollbacks with the migration's batch
SELECT action, version, batch FROM mig.log WHERE action = 'rollback' ORDER BY id;
