-- references: every mig.applied row names a mig.migration row, whoever writes the tables
-- (PostgreSQL's own foreign key)
DROP EXTENSION pgmig; CREATE EXTENSION pgmig;
SELECT count(*) AS uploaded FROM mig.upload_many(ARRAY['1', '2', '3'], ARRAY['one', 'two', 'three'],
    ARRAY['CREATE TABLE rf_1 ();', 'CREATE TABLE rf_2 ();', 'CREATE TABLE rf_3 ();'],
    ARRAY['DROP TABLE rf_1;', 'DROP TABLE rf_2;', 'DROP TABLE rf_3;']);
SELECT version, action FROM mig.apply('2');
-- an applied migration cannot be deleted, re-keyed or truncated away
DELETE FROM mig.migration WHERE version = '2';
\echo :LAST_ERROR_SQLSTATE
DELETE FROM mig.migration;
\echo :LAST_ERROR_SQLSTATE
UPDATE mig.migration SET vkey = mig.version_key('20') WHERE version = '1';
\echo :LAST_ERROR_SQLSTATE
TRUNCATE mig.migration;
\echo :LAST_ERROR_SQLSTATE
-- a pending one can, and an update that keeps the key is fine
DELETE FROM mig.migration WHERE version = '3';
UPDATE mig.migration SET name = 'first' WHERE version = '1';
-- history naming a migration that does not exist is refused, one bad row among good ones too
SELECT version, action FROM mig.upload('5', 'five', 'SELECT 5;');
INSERT INTO mig.applied (vkey, batch, applied_by, checksum, method) VALUES (mig.version_key('9'), 1, CURRENT_USER, 'x', 'run');
\echo :LAST_ERROR_SQLSTATE
INSERT INTO mig.applied (vkey, batch, applied_by, checksum, method)
SELECT mig.version_key(v), 1, CURRENT_USER, 'x', 'run' FROM unnest(ARRAY['5', '9']) v;
\echo :LAST_ERROR_SQLSTATE
UPDATE mig.applied SET vkey = mig.version_key('7') WHERE vkey = mig.version_key('1');
\echo :LAST_ERROR_SQLSTATE
SELECT version, name, state FROM mig.status();
-- rolled back, a migration's row can go; both tables can be truncated together
SELECT version, action FROM mig.rollback(2);
DELETE FROM mig.migration WHERE version = '2';
TRUNCATE mig.applied, mig.migration;
SELECT count(*) AS migrations FROM mig.migration;
-- how it is checked: the foreign key's own triggers, all enabled, and nothing else
SELECT t.tgname ~ '^RI_ConstraintTrigger' AS fk_trigger, t.tgenabled, t.tgfoid::regproc,
       c.relname
FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
WHERE c.relnamespace = 'mig'::regnamespace AND c.relname IN ('applied', 'migration')
ORDER BY c.relname, t.tgfoid::regproc::text, t.tgname;
