-- security_nontx: the non-transactional path (the client runs mig.statements' text, then
-- mig.record_statement) has the same rule: another role's statements are not handed out to
-- run, and a deployer cannot record another's migration as applied without running it
DROP EXTENSION pgmig; CREATE EXTENSION pgmig;
CREATE ROLE regress_nt_planter;
CREATE ROLE regress_nt_other;
SELECT mig.grant_deployer('regress_nt_planter');
SELECT mig.grant_deployer('regress_nt_other');
CREATE TABLE snt_t (id int);
GRANT ALL ON snt_t TO regress_nt_planter, regress_nt_other;
SET ROLE regress_nt_planter;
SELECT version, transactional, statements FROM mig.upload('1', 'cic',
    'CREATE INDEX CONCURRENTLY snt_i ON snt_t (id); ALTER ROLE regress_nt_planter SUPERUSER;',
    'DROP INDEX CONCURRENTLY snt_i;');
RESET ROLE;
-- the superuser is not handed the statements to run
SELECT stmt_no, sql FROM mig.statements('1');
\echo :LAST_ERROR_SQLSTATE
-- nor may anyone mark them done
SELECT mig.record_statement('1', 1);
\echo :LAST_ERROR_SQLSTATE
SET ROLE regress_nt_other;
SELECT mig.record_statement('1', 1);
\echo :LAST_ERROR_SQLSTATE
SELECT mig.record_statement('1', 2, 'up', NULL, false);
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;
SELECT version, state, statements_done FROM mig.status();
SELECT count(*) AS log_rows FROM mig.log;
-- the uploader can; with trust_uploads others can, after review
SET ROLE regress_nt_planter;
SELECT stmt_no, done FROM mig.statements('1');
RESET ROLE;
SELECT stmt_no, done FROM mig.statements('1', 'up', trust_uploads => true);
SELECT mig.record_statement('1', 1, 'up', '1 ms', trust_uploads => true);
SELECT version, state, statements_done FROM mig.status();
SELECT action, version, role, message FROM mig.log ORDER BY id;
-- NULLs are refused, bounds are checked
SELECT mig.record_statement(NULL, 1);
\echo :LAST_ERROR_SQLSTATE
SELECT mig.record_statement('1', NULL);
\echo :LAST_ERROR_SQLSTATE
SELECT mig.record_failure('1', 1, NULL, 'm');
\echo :LAST_ERROR_SQLSTATE
SELECT mig.record_failure('1', 99, '42P01', 'm');
\echo :LAST_ERROR_SQLSTATE
SELECT stmt_no FROM mig.statements(NULL);
\echo :LAST_ERROR_SQLSTATE
-- a failure message is cut at 2,000 bytes, on a character boundary
SELECT mig.record_failure('1', 2, '42P01', repeat('é', 1500));
SELECT octet_length(message) <= 2000 + 30 AS cut, message ~ 'é$' AS whole_chars
FROM mig.log WHERE action = 'fail';
DROP TABLE snt_t;
DROP EXTENSION pgmig; CREATE EXTENSION pgmig;
DROP ROLE regress_nt_planter, regress_nt_other;
