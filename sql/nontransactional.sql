-- nontransactional: statements, record_statement, resume, partial, failed, down
DROP EXTENSION pgmig; CREATE EXTENSION pgmig;
CREATE TABLE nt_t (a int);
SELECT version, name, action, transactional, statements FROM mig.upload('1', 'concurrent',
  E'CREATE INDEX CONCURRENTLY nt_i1 ON nt_t (a);\n-- second\nCREATE INDEX CONCURRENTLY nt_i2 ON nt_t (a, a);\nVACUUM nt_t;',
  E'DROP INDEX CONCURRENTLY nt_i2;\nDROP INDEX CONCURRENTLY nt_i1;');
SELECT * FROM mig.statements('1');
SELECT * FROM mig.plan();
-- the client runs each statement outside a transaction block and records it
CREATE INDEX CONCURRENTLY nt_i1 ON nt_t (a);
SELECT mig.record_statement('1', 1, 'up', '1 second');
SELECT version, state, batch, statements, statements_done FROM mig.status();
SELECT stmt_no, done FROM mig.statements('1');
SELECT version, action, statements, statements_done FROM mig.plan();
-- mig.apply refuses a partial migration
SELECT * FROM mig.apply();
\echo :LAST_ERROR_SQLSTATE
-- the second statement fails: logged, state failed
SELECT mig.record_failure('1', 2, '42P07', 'relation "nt_i2" already exists');
SELECT version, state, statements_done FROM mig.status();
-- resume after the last statement that succeeded
CREATE INDEX CONCURRENTLY nt_i2 ON nt_t (a, a);
SELECT mig.record_statement('1', 2, 'up', '2 seconds');
SELECT version, state, statements_done FROM mig.status();
VACUUM nt_t;
SELECT mig.record_statement('1', 3);
SELECT version, state, batch, statements_done, duration FROM mig.status();
-- recording again is refused; out-of-range statements too
SELECT mig.record_statement('1', 3);
\echo :LAST_ERROR_SQLSTATE
SELECT mig.record_statement('1', 4);
\echo :LAST_ERROR_SQLSTATE
SELECT mig.record_statement('99', 1);
\echo :LAST_ERROR_SQLSTATE
-- mig.rollback refuses a non-transactional down
SELECT * FROM mig.rollback();
\echo :LAST_ERROR_SQLSTATE
-- down, statement by statement
SELECT * FROM mig.statements('1', 'down');
DROP INDEX CONCURRENTLY nt_i2;
SELECT mig.record_statement('1', 1, 'down');
SELECT version, state FROM mig.status();
DROP INDEX CONCURRENTLY nt_i1;
SELECT mig.record_statement('1', 2, 'down');
SELECT version, state, statements_done FROM mig.status();
SELECT action, version, batch, duration, sqlstate, message FROM mig.log ORDER BY id;
-- a migration whose first statement fails before any success
SELECT version, transactional FROM mig.upload('2', 'vacuum_missing', 'VACUUM nt_missing;');
SELECT mig.record_failure('2', 1, '42P01', 'relation "nt_missing" does not exist');
SELECT version, state, statements_done FROM mig.status() WHERE version = '2';
SELECT version, action, statements_done FROM mig.plan();
SELECT mig.record_statement('2', 1, 'sideways');
\echo :LAST_ERROR_SQLSTATE
-- rolling back a migration whose first statement failed undoes nothing (nothing of it ran):
-- it is pending again, whether it has a down script or not
SELECT version, transactional FROM mig.upload('3', 'index_missing',
    'CREATE INDEX CONCURRENTLY nt_i3 ON nt_missing (a); CREATE TABLE nt_never (a int);',
    'DROP TABLE nt_never; DROP INDEX CONCURRENTLY IF EXISTS nt_i3;');
SELECT mig.record_failure('3', 1, '42P01', 'relation "nt_missing" does not exist');
SELECT version, state, statements_done FROM mig.status() WHERE version >= '2' ORDER BY version;
SELECT version, name, action FROM mig.rollback(2);
SELECT version, state, statements_done FROM mig.status() WHERE version >= '2' ORDER BY version;
SELECT action, version, message FROM mig.log WHERE version >= '2' ORDER BY id;
