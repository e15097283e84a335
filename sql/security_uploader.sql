-- security_uploader: nobody runs another role's SQL without vouching for it, superusers
-- included (PM007): a deployer's planted migration is not run by the next superuser deploy
DROP EXTENSION pgmig; CREATE EXTENSION pgmig;
CREATE ROLE regress_planter;
CREATE ROLE regress_victim_deployer;
SELECT mig.grant_deployer('regress_planter');
SELECT mig.grant_deployer('regress_victim_deployer');
SELECT version, action FROM mig.upload('1', 'superuser_one', 'CREATE TABLE su_1 ();', 'DROP TABLE su_1;');
-- the planter stages an escalation as a pending migration
SET ROLE regress_planter;
SELECT version, action FROM mig.upload('2', 'harmless', 'ALTER ROLE regress_planter SUPERUSER', 'SELECT 1');
RESET ROLE;
-- the superuser's next deploy runs nothing of it, nor anything else of the batch
SELECT * FROM mig.apply();
\echo :LAST_ERROR_SQLSTATE
SELECT rolsuper FROM pg_roles WHERE rolname = 'regress_planter';
SELECT version, state FROM mig.status();
-- the planted migration's plan shows who uploaded it
SELECT version, uploaded_by FROM mig.pending ORDER BY version;
-- up to the superuser's own migration is fine
SELECT version, action FROM mig.apply('1');
-- another deployer cannot run it either, nor its down script once applied by its author
SET ROLE regress_victim_deployer;
SELECT * FROM mig.apply();
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;
-- the one-shot mig.apply(version, name, up_sql) with other text is refused (PM010), nothing runs
SELECT * FROM mig.apply('2', 'harmless', 'CREATE TABLE su_2 ();');
\echo :LAST_ERROR_SQLSTATE
SELECT rolsuper FROM pg_roles WHERE rolname = 'regress_planter';
-- vouching with the checksums of other text changes nothing
SELECT * FROM mig.vouch(ARRAY['2'], ARRAY[mig.checksum('CREATE TABLE su_2 ();')], ARRAY[mig.checksum('SELECT 1')]);
SELECT version, uploaded_by FROM mig.status() WHERE version = '2';
-- NULL arguments are refused
SELECT * FROM mig.vouch(NULL, ARRAY['x'], ARRAY['y']);
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM mig.vouch(ARRAY['2'], ARRAY['x'], ARRAY['y', 'z']);
\echo :LAST_ERROR_SQLSTATE
-- a stored script changed behind pgmig's back (only its owner can) is not run: PM012
UPDATE mig.migration SET up_sql = 'SELECT 2' WHERE version = '2';
SELECT * FROM mig.apply(trust_uploads => true);
\echo :LAST_ERROR_SQLSTATE
SELECT rolsuper FROM pg_roles WHERE rolname = 'regress_planter';
RESET ROLE;
DROP TABLE su_1;
DROP EXTENSION pgmig; CREATE EXTENSION pgmig;
DROP ROLE regress_planter, regress_victim_deployer;
