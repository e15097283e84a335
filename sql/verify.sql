-- verify: the catalog fingerprint (mig.fingerprint, mig.fingerprint_hash) and mig.verify
-- (docs/safety.md, "Proven rollbacks")
SET client_min_messages = warning;

-- the fingerprint names objects, never by OID; schema mig and system schemas are left out
CREATE SCHEMA app;
CREATE TYPE app.mood AS ENUM ('sad', 'ok', 'happy');
CREATE TABLE app.person (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name varchar(40) NOT NULL DEFAULT 'x',
    mood app.mood,
    CHECK (name <> '')
);
CREATE INDEX person_name_idx ON app.person (name);
CREATE VIEW app.names AS SELECT name FROM app.person;
CREATE FUNCTION app.greet(p app.person) RETURNS text LANGUAGE sql AS 'SELECT ''hi '' || p.name';
COMMENT ON TABLE app.person IS 'people';
SELECT kind, identity, definition FROM mig.fingerprint() ORDER BY kind, identity;
SELECT count(*) FROM mig.fingerprint() WHERE identity LIKE 'mig.%' OR identity LIKE '%pg_catalog.%';

-- dropped and created again: the same fingerprint
CREATE TEMP TABLE fp AS SELECT mig.fingerprint_hash() AS h;
DROP SCHEMA app CASCADE;
SELECT mig.fingerprint_hash() = (SELECT h FROM fp) AS same_without_app;
CREATE SCHEMA app;
CREATE TYPE app.mood AS ENUM ('sad', 'ok', 'happy');
CREATE TABLE app.person (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name varchar(40) NOT NULL DEFAULT 'x',
    mood app.mood,
    CHECK (name <> '')
);
CREATE INDEX person_name_idx ON app.person (name);
CREATE VIEW app.names AS SELECT name FROM app.person;
CREATE FUNCTION app.greet(p app.person) RETURNS text LANGUAGE sql AS 'SELECT ''hi '' || p.name';
COMMENT ON TABLE app.person IS 'people';
SELECT mig.fingerprint_hash() = (SELECT h FROM fp) AS same_after_recreate;

-- a column dropped and added back is the same; a grant revoked again is the default ACL again
ALTER TABLE app.person ADD COLUMN extra int;
ALTER TABLE app.person DROP COLUMN extra;
GRANT SELECT ON app.person TO PUBLIC;
REVOKE SELECT ON app.person FROM PUBLIC;
SELECT mig.fingerprint_hash() = (SELECT h FROM fp) AS same_after_add_drop;

-- each change shows
BEGIN;
ALTER TABLE app.person ALTER COLUMN name SET DEFAULT 'y';
SELECT mig.fingerprint_hash() = (SELECT h FROM fp) AS same_default_changed;
ROLLBACK;
BEGIN;
DROP INDEX app.person_name_idx;
SELECT mig.fingerprint_hash() = (SELECT h FROM fp) AS same_index_dropped;
ROLLBACK;
BEGIN;
CREATE OR REPLACE FUNCTION app.greet(p app.person) RETURNS text LANGUAGE sql AS 'SELECT ''hello '' || p.name';
SELECT mig.fingerprint_hash() = (SELECT h FROM fp) AS same_function_changed;
ROLLBACK;
BEGIN;
GRANT SELECT ON app.person TO PUBLIC;
SELECT mig.fingerprint_hash() = (SELECT h FROM fp) AS same_granted;
ROLLBACK;
BEGIN;
ALTER TYPE app.mood ADD VALUE 'meh';
SELECT mig.fingerprint_hash() = (SELECT h FROM fp) AS same_enum_label_added;
ROLLBACK;
