-- drift: DDL run outside pgmig is recorded in mig.drift (who, what, the statement); migration
-- SQL is not; pgmig.drift_capture = off records nothing; deployers can neither write nor erase
-- drift rows (docs/safety.md, "Drift: DDL outside pgmig")
DROP EXTENSION pgmig; CREATE EXTENSION pgmig;
-- the session that created the extension (a restore) records nothing
CREATE TABLE drift_in_install_session (id int);
SELECT count(*) FROM mig.drift;
\c
SELECT evtname, evtevent, evtenabled, evtfoid::regproc FROM pg_event_trigger WHERE evtname LIKE 'pgmig%' ORDER BY 1;
SELECT capture, last_deploy, since_deploy, total FROM mig.drift_status();
-- DDL outside pgmig: created, altered, dropped (the table, not its row type or index)
CREATE TABLE drift_t (id int PRIMARY KEY);
ALTER TABLE drift_t ADD COLUMN note text;
CREATE VIEW drift_v AS SELECT id FROM drift_t;
DROP VIEW drift_v;
DROP TABLE drift_t;
-- temporary objects are not drift, nor maintenance that changes no definition
CREATE TEMP TABLE drift_tmp (id int);
CREATE TEMP SEQUENCE drift_tmp_seq;
GRANT SELECT ON drift_tmp, drift_tmp_seq TO PUBLIC;
REVOKE SELECT ON drift_tmp FROM PUBLIC;
DROP TABLE drift_tmp;
SET pgmig.drift_capture = off;
CREATE MATERIALIZED VIEW drift_mv AS SELECT 1 AS one;
RESET pgmig.drift_capture;
REFRESH MATERIALIZED VIEW drift_mv;
REINDEX TABLE drift_mv;
SELECT id, role, session_role, event, command_tag, object_type, object_identity, statement
FROM mig.drift ORDER BY id;
SELECT capture, last_deploy IS NULL AS never_deployed, since_deploy, total FROM mig.drift_status();
-- migration SQL is not drift: apply, rollback, repeatable
SELECT version, action FROM mig.apply('1', 'one', 'CREATE TABLE drift_m (id int); CREATE INDEX ON drift_m (id)', 'DROP TABLE drift_m');
SELECT version, action FROM mig.rollback();
SELECT version, action FROM mig.apply();
SELECT name, action FROM mig.apply_repeatable('drift_r', 'CREATE OR REPLACE VIEW drift_rv AS SELECT 1 AS one');
SELECT count(*) FROM mig.drift;
-- ... and the drift before the deploy is no longer "since the last deploy"
SELECT capture, last_deploy IS NOT NULL AS deployed, since_deploy, total FROM mig.drift_status();
-- a statement of a non-transactional migration, sent as pgmig up sends it, is not drift;
-- the same marker before other text is
SELECT version, action FROM mig.upload('2', 'two', 'CREATE INDEX CONCURRENTLY drift_m_c ON drift_m (id);
CREATE TABLE drift_nt (id int);');
/* pgmig: 2 up statement 1 of 2 */ CREATE INDEX CONCURRENTLY drift_m_c ON drift_m (id);
SELECT mig.record_statement('2', 1);
/* pgmig: 2 up statement 2 of 2 */ CREATE TABLE drift_other (id int);
/* pgmig: 9x up statement 2 of 2 */ CREATE TABLE drift_other2 (id int);
SELECT command_tag, object_identity, statement FROM mig.drift WHERE id > 4 ORDER BY id;
-- capture off: a superuser's setting
SET pgmig.drift_capture = off;
CREATE TABLE drift_quiet (id int);
RESET pgmig.drift_capture;
SELECT count(*) FROM mig.drift WHERE object_identity = 'public.drift_quiet';
-- a deployer: its DDL is recorded under its name; it cannot turn capture off, nor write,
-- change or erase drift rows
CREATE ROLE regress_drift_deployer;
SELECT mig.grant_deployer('regress_drift_deployer');
GRANT CREATE ON SCHEMA public TO regress_drift_deployer;
SELECT count(*) FROM mig.drift WHERE command_tag = 'GRANT';
SET ROLE regress_drift_deployer;
\set VERBOSITY terse
SET pgmig.drift_capture = off;
CREATE TABLE drift_by_deployer (id int);
INSERT INTO mig.drift (role, session_role, event, command_tag) VALUES ('postgres', 'postgres', 'ddl', 'CREATE TABLE');
INSERT INTO mig.drift (id, role, session_role, event, command_tag) OVERRIDING SYSTEM VALUE VALUES (1000, 'x', 'x', 'ddl', 'x');
UPDATE mig.drift SET statement = 'nothing';
DELETE FROM mig.drift;
TRUNCATE mig.drift;
SELECT setval('mig.drift_id_seq', 1000);
DROP TABLE drift_by_deployer;
\set VERBOSITY default
SELECT role, session_role, event, command_tag, object_identity FROM mig.drift WHERE role = 'regress_drift_deployer' ORDER BY id;
RESET ROLE;
SELECT count(*) FROM mig.drift WHERE statement = 'nothing' OR command_tag = 'x';
-- disabled triggers: capture unavailable (mig.drift_check still compares the catalog)
ALTER EVENT TRIGGER pgmig_drift_ddl DISABLE;
SELECT capture FROM mig.drift_status();
ALTER EVENT TRIGGER pgmig_drift_ddl ENABLE;
SET pgmig.drift_capture = off;
SELECT capture FROM mig.drift_status();
RESET pgmig.drift_capture;
-- the fingerprint stored when a deploy ends finds changes without the triggers
SELECT count(*) FROM mig.drift_snapshot;
SELECT change, kind, identity FROM mig.drift_check();
ALTER EVENT TRIGGER pgmig_drift_ddl DISABLE;
ALTER EVENT TRIGGER pgmig_drift_drop DISABLE;
ALTER TABLE drift_m ADD COLUMN hidden text;
ALTER TABLE drift_m ALTER COLUMN id TYPE bigint;
DROP VIEW drift_rv;
ALTER EVENT TRIGGER pgmig_drift_ddl ENABLE;
ALTER EVENT TRIGGER pgmig_drift_drop ENABLE;
SELECT count(*) FROM mig.drift WHERE object_identity LIKE 'public.drift_m%' OR object_identity = 'public.drift_rv';
SELECT change, kind, identity, stored, live FROM mig.drift_check() WHERE identity NOT LIKE 'public.drift_other%';
-- a deployer cannot bless the catalog: no write on the snapshot
SET ROLE regress_drift_deployer;
\set VERBOSITY terse
UPDATE mig.drift_snapshot SET objects = '[]';
DELETE FROM mig.drift_snapshot;
\set VERBOSITY default
SELECT count(*) FROM mig.drift_check() WHERE identity LIKE 'public.drift_m%' OR identity = 'public.drift_rv';
RESET ROLE;
-- the next deploy stores the catalog as it is then
SELECT version, action FROM mig.apply('3', 'three', 'CREATE VIEW drift_rv AS SELECT 1 AS one');
SELECT count(*) FROM mig.drift_check();
SELECT hash = mig.fingerprint_hash() AS same_hash FROM mig.drift_snapshot;
-- another extension's event trigger does not stop pgmig from being dropped and created again
CREATE FUNCTION drift_other_trigger() RETURNS event_trigger LANGUAGE plpgsql AS $$
BEGIN RAISE NOTICE 'other trigger: %', tg_tag; END $$;
CREATE EVENT TRIGGER drift_other_ddl ON ddl_command_end EXECUTE FUNCTION drift_other_trigger();
CREATE EVENT TRIGGER drift_other_drop ON sql_drop EXECUTE FUNCTION drift_other_trigger();
DROP EXTENSION pgmig;
CREATE EXTENSION pgmig;
SELECT count(*) FROM mig.drift;
DROP EVENT TRIGGER drift_other_ddl;
DROP EVENT TRIGGER drift_other_drop;
DROP FUNCTION drift_other_trigger();
REVOKE CREATE ON SCHEMA public FROM regress_drift_deployer;
SELECT mig.revoke_deployer('regress_drift_deployer');
DROP ROLE regress_drift_deployer;
DROP VIEW drift_rv;
DROP MATERIALIZED VIEW drift_mv;
DROP TABLE drift_in_install_session, drift_m, drift_other, drift_other2, drift_quiet;
