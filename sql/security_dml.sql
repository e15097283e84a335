-- security_dml: a deployer holds EXECUTE and SELECT, never DML: every direct write to pgmig's
-- tables is refused and changes nothing (docs/security.md, threat model rows 1-3)
DROP EXTENSION pgmig; CREATE EXTENSION pgmig;
CREATE ROLE regress_dml_deployer;
SELECT mig.grant_deployer('regress_dml_deployer');
SELECT version, action FROM mig.apply('1', 'one', 'SELECT 1', 'SELECT 1');
SELECT version, action FROM mig.upload('2', 'two', 'SELECT 2');
SELECT version, name, action FROM mig.apply_repeatable('r', 'SELECT 3');
CREATE TEMP TABLE before AS
SELECT (SELECT string_agg(version || state || checksum || coalesce(uploaded_by, ''), ',' ORDER BY version) FROM mig.status()) AS status,
       (SELECT string_agg(id || action || role, ',' ORDER BY id) FROM mig.log) AS log,
       (SELECT row(s.*)::text FROM mig.state s) AS state;
GRANT SELECT ON before TO regress_dml_deployer;
SET ROLE regress_dml_deployer;
\set VERBOSITY terse
-- rewrite another role's stored script, or its checksum
UPDATE mig.migration SET up_sql = 'ALTER ROLE regress_dml_deployer SUPERUSER' WHERE version = '2';
UPDATE mig.migration SET up_checksum = 'x';
INSERT INTO mig.migration SELECT * FROM mig.migration WHERE false;
DELETE FROM mig.migration WHERE version = '2';
-- mark a pending migration applied without running it, or forget an applied one
INSERT INTO mig.applied (vkey, batch, applied_by, checksum, method)
SELECT vkey, 1, 'postgres', up_checksum, 'run' FROM mig.migration WHERE version = '2';
UPDATE mig.applied SET complete = true;
DELETE FROM mig.applied;
-- a repeatable made to look applied, the baseline moved
INSERT INTO mig.repeatable (name, up_sql, checksum, batch, applied_by) VALUES ('x', 'SELECT 1', 'x', 1, 'postgres');
UPDATE mig.repeatable SET checksum = 'x';
UPDATE mig.state SET baseline = mig.version_key('99');
DELETE FROM mig.state;
-- the audit log: forged rows (any role, any time), ids claimed in advance
INSERT INTO mig.log (action, role) VALUES ('apply', 'postgres');
INSERT INTO mig.log (id, at, action, role) OVERRIDING SYSTEM VALUE VALUES (1000, now() - interval '1 year', 'apply', 'postgres');
SELECT nextval('mig.log_id_seq');
SELECT setval('mig.log_id_seq', 1000000);
TRUNCATE mig.log;
TRUNCATE mig.migration, mig.applied, mig.state, mig.repeatable;
-- the view of pending migrations is read-only too
DELETE FROM mig.pending;
\set VERBOSITY default
-- nothing changed
SELECT (SELECT string_agg(version || state || checksum || coalesce(uploaded_by, ''), ',' ORDER BY version) FROM mig.status()) = b.status AS status_same,
       (SELECT string_agg(id || action || role, ',' ORDER BY id) FROM mig.log) = b.log AS log_same,
       (SELECT row(s.*)::text FROM mig.state s) = b.state AS state_same
FROM before b;
-- what a deployer may do: read
SELECT count(*) > 0 AS reads_history FROM mig.applied;
SELECT version FROM mig.pending;
RESET ROLE;
SELECT mig.revoke_deployer('regress_dml_deployer');
DROP TABLE before;
DROP ROLE regress_dml_deployer;
