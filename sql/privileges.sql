-- privileges: non-deployers can do nothing; deployers run only what they uploaded or vouched for
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
-- one statement makes a role a deployer: EXECUTE on the API, SELECT on the tables, no DML
SELECT mig.grant_deployer('regress_deployer');
SELECT mig.grant_deployer('regress_deployer2');
SELECT has_function_privilege('regress_deployer', 'mig.apply(text, boolean)', 'EXECUTE') AS apply,
       has_function_privilege('regress_deployer', 'mig.grant_deployer(name)', 'EXECUTE') AS grant_fn,
       has_function_privilege('regress_deployer', 'mig._debug_raise(text)', 'EXECUTE') AS debug_fn,
       has_function_privilege('regress_deployer', 'mig._record_statement(name, text, int, text, interval, boolean)', 'EXECUTE') AS internal_fn,
       has_table_privilege('regress_deployer', 'mig.migration', 'SELECT') AS read_sql;
SELECT c.relname, p.privilege_type
FROM pg_class c, aclexplode(c.relacl) p
WHERE c.relnamespace = 'mig'::regnamespace AND p.grantee = 'regress_deployer'::regrole
ORDER BY 1, 2;
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
SELECT version, state, applied_by, uploaded_by FROM mig.status();
SELECT tableowner FROM pg_tables WHERE tablename = 'pr_05';
SELECT action, version, role FROM mig.log ORDER BY id;
-- a migration that needs privileges the deployer lacks fails with the usual error
\set VERBOSITY terse
SELECT * FROM mig.apply('0.6', 'needs_superuser', 'CREATE EXTENSION IF NOT EXISTS pg_stat_statements_nonexistent_xyz;');
\echo :LAST_ERROR_SQLSTATE
\set VERBOSITY default
SELECT * FROM mig.apply('0.7', 'alter_system', 'ALTER TABLE mig.state ADD COLUMN x int;');
\echo :LAST_ERROR_SQLSTATE
-- ... bookkeeping as the owner never lends the migration the owner's rights: a migration that
-- writes pgmig's tables itself fails
SELECT * FROM mig.apply('0.75', 'forger', 'INSERT INTO mig.log (action, role) VALUES (''apply'', ''postgres'');');
\echo :LAST_ERROR_SQLSTATE
-- a deployer cannot rewrite the audit log
UPDATE mig.log SET role = 'someone_else';
\echo :LAST_ERROR_SQLSTATE
-- another deployer: not a member of regress_deployer, so it cannot run its upload either
SET ROLE regress_deployer2;
SELECT version, action FROM mig.upload('0.8', 'second', 'CREATE TABLE pr_08 ();', 'DROP TABLE pr_08;');
SELECT * FROM mig.rollback();
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;
-- membership is enough
GRANT regress_deployer TO regress_deployer2;
SET ROLE regress_deployer2;
SELECT version, name, action FROM mig.rollback();
SELECT version, name, action FROM mig.apply('0.8');
RESET ROLE;
-- a superuser is no exception: 0.8 was uploaded by regress_deployer2; nothing is rolled back
SELECT version, name, action FROM mig.rollback();
\echo :LAST_ERROR_SQLSTATE
SELECT version, state FROM mig.status();
-- vouching with the same text's checksums makes it the caller's (once; logged)
SELECT * FROM mig.vouch(ARRAY['0.8'], ARRAY[mig.checksum('CREATE TABLE pr_08 ();')], ARRAY[mig.checksum('DROP TABLE pr_08;')]);
SELECT * FROM mig.vouch(ARRAY['0.8'], ARRAY[mig.checksum('CREATE TABLE pr_08 ();')], ARRAY[mig.checksum('DROP TABLE pr_08;')]);
SELECT version, name, action FROM mig.rollback();
-- other checksums vouch for nothing
SELECT * FROM mig.vouch(ARRAY['0.5'], ARRAY[mig.checksum('CREATE TABLE other ();')], ARRAY[mig.checksum('DROP TABLE pr_05;')]);
SELECT version, name, action FROM mig.rollback(1);
\echo :LAST_ERROR_SQLSTATE
-- trust_uploads: the caller runs it as it is (after review)
SELECT version, name, action FROM mig.rollback(1, trust_uploads => true);
SET ROLE regress_deployer;
SELECT version, name, action FROM mig.apply();
\echo :LAST_ERROR_SQLSTATE
SELECT version, name, action FROM mig.apply(trust_uploads => true);
RESET ROLE;
-- pgmig.trust_uploaders (superuser-set) lets others run anything
SET pgmig.trust_uploaders = on;
SET ROLE regress_deployer2;
SELECT version, name, action FROM mig.rollback(1);
RESET ROLE;
RESET pgmig.trust_uploaders;
SELECT version, state, applied_by, uploaded_by FROM mig.status();
SELECT action, version, role, message FROM mig.log WHERE action IN ('vouch', 'rollback') ORDER BY id;
-- revoke_deployer undoes grant_deployer
REVOKE regress_deployer FROM regress_deployer2;
SELECT mig.revoke_deployer('regress_deployer2');
SET ROLE regress_deployer2;
SELECT * FROM mig.status();
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;
-- cleanup
SELECT mig.revoke_deployer('regress_deployer');
DROP TABLE IF EXISTS pr_05, pr_08, pr_1;
REVOKE CREATE ON SCHEMA public FROM regress_deployer, regress_deployer2;
DROP EXTENSION pgmig; CREATE EXTENSION pgmig;
DROP ROLE regress_nobody, regress_deployer, regress_deployer2;
