-- privileges: non-deployers can do nothing; deployers work; uploads by other roles need trust
DROP EXTENSION pgmig; CREATE EXTENSION pgmig;
CREATE ROLE regress_nobody;
CREATE ROLE regress_deployer;
CREATE ROLE regress_deployer2;
GRANT CREATE ON SCHEMA public TO regress_deployer, regress_deployer2;
SELECT version, action FROM mig.upload('1', 'by_superuser', 'CREATE TABLE pr_1 ();', 'DROP TABLE pr_1;');
-- a non-deployer can neither apply, roll back, upload, nor read stored SQL
SET ROLE regress_nobody;
SELECT * FROM mig.apply();
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM mig.rollback();
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM mig.upload('2', 'x', 'SELECT 1');
\echo :LAST_ERROR_SQLSTATE
SELECT up_sql FROM mig.migration;
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM mig.status();
\echo :LAST_ERROR_SQLSTATE
SELECT mig.grant_deployer('regress_nobody');
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;
-- one statement makes a role a deployer
SELECT mig.grant_deployer('regress_deployer');
SELECT mig.grant_deployer('regress_deployer2');
SELECT has_function_privilege('regress_deployer', 'mig.apply(text)', 'EXECUTE') AS apply,
       has_function_privilege('regress_deployer', 'mig.grant_deployer(name)', 'EXECUTE') AS grant_fn,
       has_function_privilege('regress_deployer', 'mig._debug_raise(text)', 'EXECUTE') AS debug_fn,
       has_table_privilege('regress_deployer', 'mig.log', 'INSERT') AS log_insert,
       has_table_privilege('regress_deployer', 'mig.log', 'UPDATE') AS log_update,
       has_table_privilege('regress_deployer', 'mig.log', 'DELETE') AS log_delete,
       has_table_privilege('regress_deployer', 'mig.migration', 'SELECT') AS read_sql;
SET ROLE regress_deployer;
-- a deployer may not apply what another role uploaded (PM007): nothing runs
SELECT * FROM mig.apply();
\echo :LAST_ERROR_SQLSTATE
-- ... nor change that setting
SET pgmig.trust_uploaders = on;
\echo :LAST_ERROR_SQLSTATE
-- its own uploads work, run with its own privileges, and are recorded as its
SELECT version, action FROM mig.upload('0.5', 'by_deployer', 'CREATE TABLE pr_05 ();', 'DROP TABLE pr_05;');
SELECT version, name, action FROM mig.apply('0.5');
SELECT version, state, applied_by FROM mig.status();
SELECT tableowner FROM pg_tables WHERE tablename = 'pr_05';
-- a migration that needs privileges the deployer lacks fails with the usual error
SELECT * FROM mig.apply('0.6', 'needs_superuser', 'CREATE EXTENSION IF NOT EXISTS pg_stat_statements_nonexistent_xyz;');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM mig.apply('0.7', 'alter_system', 'ALTER TABLE mig.state ADD COLUMN x int;');
\echo :LAST_ERROR_SQLSTATE
-- a deployer cannot rewrite the audit log
UPDATE mig.log SET role = 'someone_else';
\echo :LAST_ERROR_SQLSTATE
-- another deployer: not a member of regress_deployer, so it cannot run its upload either
SET ROLE regress_deployer2;
SELECT version, action FROM mig.upload('0.8', 'second', 'CREATE TABLE pr_08 ();');
SELECT * FROM mig.rollback();
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;
-- membership is enough
GRANT regress_deployer TO regress_deployer2;
SET ROLE regress_deployer2;
SELECT version, name, action FROM mig.rollback();
SELECT version, name, action FROM mig.apply('0.8');
RESET ROLE;
-- a superuser may apply anything; pgmig.trust_uploaders lets others do it too
SET pgmig.trust_uploaders = on;
SELECT version, name, action FROM mig.apply();
RESET pgmig.trust_uploaders;
SELECT version, state, applied_by FROM mig.status();
-- revoke_deployer undoes grant_deployer
REVOKE regress_deployer FROM regress_deployer2;
SELECT mig.revoke_deployer('regress_deployer2');
SET ROLE regress_deployer2;
SELECT * FROM mig.status();
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;
-- cleanup
SELECT mig.revoke_deployer('regress_deployer');
DROP TABLE pr_05, pr_08, pr_1;
REVOKE CREATE ON SCHEMA public FROM regress_deployer, regress_deployer2;
DROP EXTENSION pgmig; CREATE EXTENSION pgmig;
DROP ROLE regress_nobody, regress_deployer, regress_deployer2;
