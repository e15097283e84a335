-- verify: the catalog fingerprint (mig.fingerprint, mig.fingerprint_hash) and mig.verify
-- (docs/safety.md, "Proven rollbacks")
DROP EXTENSION pgmig; CREATE EXTENSION pgmig;
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
-- (earlier tests of the suite leave objects in public: only app's are shown)
SELECT kind, identity, definition FROM mig.fingerprint()
WHERE identity = 'app' OR identity LIKE 'app.%' OR identity LIKE '% app.%' ORDER BY kind, identity;
SELECT count(*) FROM mig.fingerprint() WHERE identity LIKE 'mig.%' OR identity LIKE '%pg_catalog.%';
-- an index a constraint owns is the constraint's, plus its own options (which the constraint's
-- row does not show)
CREATE TEMP TABLE fpo AS SELECT mig.fingerprint_hash() AS h;
ALTER INDEX app.person_pkey SET (fillfactor = 70);
SELECT definition FROM mig.fingerprint() WHERE identity = 'app.person_pkey';
SELECT mig.fingerprint_hash() = (SELECT h FROM fpo) AS same_with_fillfactor;
ALTER INDEX app.person_pkey RESET (fillfactor);
SELECT mig.fingerprint_hash() = (SELECT h FROM fpo) AS same_after_reset;

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

-- mig.verify: good downs pass, and nothing is left changed afterwards
DROP SCHEMA app CASCADE;
SELECT mig.fingerprint_hash() AS h0 \gset
SELECT action FROM mig.upload('1', 'person', 'CREATE TABLE person (id int PRIMARY KEY, name text DEFAULT ''x'');', 'DROP TABLE person;');
SELECT action FROM mig.upload('2', 'person_idx', 'CREATE INDEX person_name_idx ON person (name);', 'DROP INDEX person_name_idx;');
SELECT action FROM mig.upload('3', 'greet', 'CREATE FUNCTION greet(p person) RETURNS text LANGUAGE sql AS ''SELECT ''''hi '''' || p.name'';', 'DROP FUNCTION greet(person);');
SELECT * FROM mig.verify();
SELECT * FROM mig.verify(each => true);
SELECT mig.fingerprint_hash() = :'h0' AS unchanged, count(*) AS applied FROM mig.applied;
SELECT version, result FROM mig.verify('2');
SELECT version, result FROM mig.verify('3', '2');
SELECT version, result FROM mig.verify(from_version => '3');

-- each kind of down that does not restore the schema
SELECT action FROM mig.upload('4', 'left behind', 'CREATE TABLE pet (id int);', 'SELECT 1;');
SELECT version, name, result, phase, kind, identity, before, after FROM mig.verify();
SELECT mig.discard('4') IS NOT NULL;
SELECT action FROM mig.upload('4', 'default', 'ALTER TABLE person ALTER COLUMN name SET DEFAULT ''y'';', 'SELECT 1;');
SELECT version, name, result, phase, kind, identity, before, after FROM mig.verify(each => true);
SELECT mig.discard('4') IS NOT NULL;
SELECT action FROM mig.upload('4', 'missing index', 'SELECT 1;', 'DROP INDEX person_name_idx;');
SELECT version, name, result, phase, kind, identity, before, after FROM mig.verify();
SELECT mig.discard('4') IS NOT NULL;
SELECT action FROM mig.upload('4', 'function', 'CREATE OR REPLACE FUNCTION greet(p person) RETURNS text LANGUAGE sql AS ''SELECT ''''hello '''' || p.name'';', 'SELECT 1;');
-- (the range as a whole is restored: 3's down drops the function; each => true sees it)
SELECT version, name, result, phase, kind, identity FROM mig.verify();
SELECT version, name, result, phase, kind, identity FROM mig.verify(each => true);
SELECT mig.discard('4') IS NOT NULL;
SELECT action FROM mig.upload('4', 'grant', 'GRANT SELECT ON person TO PUBLIC;', 'SELECT 1;');
SELECT version, name, result, phase, kind, identity, before, after FROM mig.verify(each => true);
SELECT mig.discard('4') IS NOT NULL;
-- a down that fails, and an up that does something else the second time
SELECT action FROM mig.upload('4', 'down fails', 'CREATE TABLE pet (id int);', 'DROP TABLE nosuch;');
SELECT version, name, result, phase, detail FROM mig.verify();
SELECT mig.discard('4') IS NOT NULL;
SELECT action FROM mig.upload('4', 'up twice', $$
CREATE TEMP TABLE IF NOT EXISTS runs (n int);
INSERT INTO runs VALUES (1);
DO $do$ BEGIN EXECUTE format('CREATE TABLE pet%s (id int)', (SELECT count(*) FROM runs)); END $do$;
$$, 'DROP TABLE IF EXISTS pet1, pet2;');
SELECT version, name, result, phase, kind, identity, before, after FROM mig.verify();
SELECT version, name, result, phase, kind, identity, before, after FROM mig.verify(each => true);
SELECT mig.discard('4') IS NOT NULL;

-- not verifiable: no down script, non-transactional; the rest is not verified
SELECT action FROM mig.upload('4', 'no down', 'CREATE TABLE pet (id int);');
SELECT action FROM mig.upload('5', 'concurrently', 'CREATE INDEX CONCURRENTLY pet_idx ON pet (id);', 'DROP INDEX CONCURRENTLY pet_idx;');
SELECT * FROM mig.verify();
SELECT version, result, detail FROM mig.verify(from_version => '5');
SELECT mig.discard('5') IS NOT NULL, mig.discard('4') IS NOT NULL;

-- a failing up fails verify as it fails apply; nothing is left behind
SELECT action FROM mig.upload('4', 'broken', 'CREATE TABLE pet (id int); SELECT 1/0;', 'DROP TABLE pet;');
SELECT * FROM mig.verify();
SELECT mig.discard('4') IS NOT NULL;
SELECT mig.fingerprint_hash() = :'h0' AS unchanged;

-- arguments
SELECT * FROM mig.verify('9');
SELECT * FROM mig.verify('3', '4');
SELECT * FROM mig.verify('x');

-- another role's uploads run only when vouched or trusted (PM007)
CREATE ROLE verify_deployer;
SELECT mig.grant_deployer('verify_deployer');
GRANT CREATE ON SCHEMA public TO verify_deployer;
SET ROLE verify_deployer;
SELECT version, result FROM mig.verify();
SELECT version, result FROM mig.verify(trust_uploads => true);
RESET ROLE;
SELECT mig.revoke_deployer('verify_deployer');
REVOKE CREATE ON SCHEMA public FROM verify_deployer;
DROP ROLE verify_deployer;
SELECT mig.discard(v) IS NOT NULL FROM unnest(ARRAY['3', '2', '1']) v;

-- the other kinds of object: casts, operators, operator classes and families, collations, text
-- search configurations, foreign-data wrappers and servers, publications, aggregates
CREATE SCHEMA ext;
CREATE TYPE ext.pair AS (a int, b int);
CREATE FUNCTION ext.pair_text(ext.pair) RETURNS text LANGUAGE sql IMMUTABLE AS 'SELECT $1.a || '','' || $1.b';
CREATE CAST (ext.pair AS text) WITH FUNCTION ext.pair_text(ext.pair);
CREATE FUNCTION ext.pair_eq(ext.pair, ext.pair) RETURNS bool LANGUAGE sql IMMUTABLE AS 'SELECT $1.a = $2.a';
CREATE OPERATOR ext.=== (LEFTARG = ext.pair, RIGHTARG = ext.pair, FUNCTION = ext.pair_eq, COMMUTATOR = OPERATOR(ext.===));
CREATE OPERATOR FAMILY ext.pair_ops USING hash;
CREATE COLLATION ext.bytewise (provider = libc, locale = 'C');
CREATE TEXT SEARCH CONFIGURATION ext.plain (COPY = pg_catalog.simple);
CREATE FOREIGN DATA WRAPPER verify_fdw;
CREATE SERVER verify_server FOREIGN DATA WRAPPER verify_fdw OPTIONS (host 'db.example');
CREATE TABLE ext.feed (id int PRIMARY KEY);
SET client_min_messages = error; -- (not the warning of a wal_level below logical)
CREATE PUBLICATION verify_pub FOR TABLE ext.feed WITH (publish = 'insert');
SET client_min_messages = warning;
CREATE AGGREGATE ext.total(int) (SFUNC = int4pl, STYPE = int, INITCOND = '0');
SELECT kind, identity, definition FROM mig.fingerprint()
WHERE kind NOT IN ('schema', 'table', 'column', 'index', 'constraint', 'function', 'type', 'grant')
  AND (identity LIKE '%ext.%' OR identity LIKE 'verify%')
ORDER BY kind, identity;
-- a down that forgets some of them: verify names what it left behind
CREATE TABLE ext.person_like (id int PRIMARY KEY);
SELECT mig.fingerprint_hash() AS h1 \gset
SELECT action FROM mig.upload('6', 'kinds',
    $up$CREATE CAST (ext.pair AS int) WITH INOUT;
CREATE COLLATION ext.bytewise2 (provider = libc, locale = 'C');
CREATE SERVER verify_server2 FOREIGN DATA WRAPPER verify_fdw;
ALTER PUBLICATION verify_pub ADD TABLE ext.person_like;$up$,
    $down$DROP COLLATION ext.bytewise2;$down$);
SELECT version, result, phase, kind, identity, before, after FROM mig.verify() ORDER BY kind, identity;
SELECT mig.fingerprint_hash() = :'h1' AS unchanged;
SELECT mig.discard('6') IS NOT NULL;
DROP PUBLICATION verify_pub;
DROP SERVER verify_server;
DROP FOREIGN DATA WRAPPER verify_fdw;
DROP SCHEMA ext CASCADE;
