-- install: the extension (created by pg_regress --load-extension), its objects, ACLs, dump config
\dx pgmig
\dx+ pgmig
-- tables: nothing for PUBLIC
SELECT c.relname, c.relkind, c.relacl
FROM pg_class c WHERE c.relnamespace = 'mig'::regnamespace AND c.relkind IN ('r', 'S')
ORDER BY c.relname;
-- functions: EXECUTE revoked from PUBLIC; apply/rollback have no SET clause and are invoker-rights
SELECT p.oid::regprocedure AS function, p.proacl, p.prosecdef, p.proconfig, p.provolatile
FROM pg_proc p WHERE p.pronamespace = 'mig'::regnamespace
ORDER BY p.oid::regprocedure::text;
SELECT nspacl FROM pg_namespace WHERE nspname = 'mig';
-- every table and sequence holding data is dumped by pg_dump (pg_extension_config_dump)
SELECT unnest(extconfig)::regclass AS dumped FROM pg_extension WHERE extname = 'pgmig' ORDER BY 1::text;
-- every function and table has a comment
SELECT p.oid::regprocedure FROM pg_proc p
WHERE p.pronamespace = 'mig'::regnamespace AND obj_description(p.oid, 'pg_proc') IS NULL;
SELECT c.relname FROM pg_class c
WHERE c.relnamespace = 'mig'::regnamespace AND c.relkind = 'r' AND obj_description(c.oid, 'pg_class') IS NULL;
-- up_sql is compressed with lz4
SELECT attname, attcompression FROM pg_attribute
WHERE attrelid = 'mig.migration'::regclass AND attname IN ('up_sql', 'down_sql') ORDER BY attname;
-- a pre-existing schema mig aborts installation
DROP EXTENSION pgmig;
CREATE SCHEMA mig;
CREATE EXTENSION pgmig;
\echo :LAST_ERROR_SQLSTATE
DROP SCHEMA mig;
CREATE EXTENSION pgmig;
-- the pgmig GUC prefix is reserved
SET pgmig.no_such_setting = 1;
SHOW pgmig.trust_uploaders;
-- mig.log is append-only
INSERT INTO mig.log (action, role, message) VALUES ('apply', CURRENT_USER, 'test row');
UPDATE mig.log SET message = 'changed';
\echo :LAST_ERROR_SQLSTATE
DELETE FROM mig.log;
TRUNCATE mig.log;
SELECT action, message FROM mig.log;
