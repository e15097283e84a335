-- dry_run: the lock report (mig.dry_run): locks, sizes, rewrites and flags per statement, all
-- rolled back; non-transactional migrations end it; errors end it with the error
DROP EXTENSION pgmig; CREATE EXTENSION pgmig;
CREATE TABLE dr_customers (id int PRIMARY KEY);
INSERT INTO dr_customers SELECT g FROM generate_series(1, 100) g;
CREATE TABLE dr_orders (id int PRIMARY KEY, customer_id int, amount int, note text);
INSERT INTO dr_orders SELECT g, g % 100 + 1, g, 'n' FROM generate_series(1, 1000) g;
CREATE TABLE dr_empty (id int);
CREATE TABLE dr_trunc AS SELECT g AS x FROM generate_series(1, 10) g;
CREATE TABLE dr_drop AS SELECT g AS x FROM generate_series(1, 10) g;
ANALYZE dr_customers, dr_orders, dr_empty;
SELECT version, action FROM mig.upload_many(
    ARRAY['1', '2', '3', '4', '5', '6', '6.1', '7', '8'],
    ARRAY['harmless', 'rewrite', 'fk', 'index', 'not_null', 'safe', 'truncate_drop', 'concurrently', 'after'],
    ARRAY[E'CREATE TABLE dr_new (id int PRIMARY KEY);\nINSERT INTO dr_new SELECT g FROM generate_series(1, 3) g;',
          'ALTER TABLE dr_orders ALTER COLUMN amount TYPE bigint;',
          'ALTER TABLE dr_orders ADD CONSTRAINT dr_orders_customer_fk FOREIGN KEY (customer_id) REFERENCES dr_customers (id);',
          E'-- an index\nCREATE INDEX dr_orders_amount_idx ON dr_orders (amount);',
          'ALTER TABLE dr_orders ALTER COLUMN note SET NOT NULL;',
          E'ALTER TABLE dr_customers ADD CONSTRAINT dr_customers_id_check CHECK (id > 0) NOT VALID;\nALTER TABLE dr_empty ADD COLUMN x int NOT NULL;\nCREATE INDEX dr_empty_x_idx ON dr_empty (x);',
          E'TRUNCATE dr_trunc;\nDROP TABLE dr_drop;',
          'CREATE INDEX CONCURRENTLY dr_orders_note_idx ON dr_orders (note);',
          'CREATE TABLE dr_after ();']);
-- what the table holds, and the history, before
CREATE TABLE dr_before AS
SELECT (SELECT count(*) FROM mig.log) AS log_rows, (SELECT max(generation) FROM mig.state) AS generation,
       pg_relation_filenode('dr_orders') AS orders_node;
-- the report: one row per statement and relation it locked; sizes and rows from before it
SELECT version, stmt_no, line, tag, executed, rows_affected, relation, lock_mode, existed,
       rel_size > 0 AS has_data, rel_rows, rewrote, flags, duration >= '0' AS timed, note
FROM mig.dry_run() ORDER BY mig.version_key(version), stmt_no, relation;
-- every flag has its safer pattern
SELECT DISTINCT f, h FROM mig.dry_run(), unnest(flags, hints) AS u(f, h) ORDER BY f;
-- the statement column: whitespace as one space
SELECT DISTINCT version, statement FROM mig.dry_run() WHERE version IN ('1', '4') ORDER BY 1, 2;
-- nothing changed: no new table, no rewrite, the history as it was, nothing applied
SELECT to_regclass('dr_new') AS dr_new, to_regclass('dr_orders_amount_idx') AS idx,
       (SELECT count(*) FROM mig.log) = log_rows AS same_log,
       (SELECT max(generation) FROM mig.state) = generation AS same_generation,
       pg_relation_filenode('dr_orders') = orders_node AS same_node,
       (SELECT count(*) FROM dr_trunc) AS trunc_rows, to_regclass('dr_drop') AS dr_drop
FROM dr_before;
SELECT format_type(atttypid, atttypmod), attnotnull FROM pg_attribute
WHERE attrelid = 'dr_orders'::regclass AND attname IN ('amount', 'note') ORDER BY attname;
SELECT version, state FROM mig.status() ORDER BY version;
-- a target: up to 2 only
SELECT DISTINCT version FROM mig.dry_run('2') ORDER BY 1;
SELECT * FROM mig.dry_run('99');
\echo :LAST_ERROR_SQLSTATE
-- inside the caller's transaction, which continues
BEGIN;
SELECT count(*) > 0 FROM mig.dry_run('3');
-- its locks went with its subtransaction: the caller's transaction holds none on the tables
SELECT count(*) FROM pg_locks WHERE pid = pg_backend_pid()
  AND relation IN ('dr_orders'::regclass, 'dr_customers'::regclass, 'mig.state'::regclass);
SELECT to_regclass('dr_new');
SELECT count(*) FROM mig.applied;
COMMIT;
-- an enum label: the migrations after it do not run
SELECT version, action FROM mig.apply('6.1');
SELECT mig.discard('7'), mig.discard('8');
CREATE TYPE dr_mood AS ENUM ('sad');
SELECT version, action FROM mig.upload_many(ARRAY['9', '10'], ARRAY['label', 'uses_it'],
    ARRAY['ALTER TYPE dr_mood ADD VALUE ''happy'';', 'CREATE TABLE dr_happy (m dr_mood DEFAULT ''happy'');']);
SELECT version, stmt_no, executed, note FROM mig.dry_run() ORDER BY mig.version_key(version);
SELECT enum_range(NULL::dr_mood);
-- an error ends the report with the error (migration, line and column), everything rolled back
SELECT mig.discard('9'), mig.discard('10');
SELECT version, action FROM mig.upload_many(ARRAY['11', '12'], ARRAY['fine', 'broken'],
    ARRAY['CREATE TABLE dr_fine ();', E'SELECT 1;\nSELECT * FROM dr_no_such_table;']);
SELECT * FROM mig.dry_run();
\echo :LAST_ERROR_SQLSTATE
SELECT to_regclass('dr_fine');
-- another role's upload runs only when trusted (PM007), as with mig.apply
CREATE ROLE regress_dr_other;
SELECT mig.grant_deployer('regress_dr_other');
SELECT mig.discard('12');
SET ROLE regress_dr_other;
SELECT version, action FROM mig.upload('13', 'theirs', 'CREATE TABLE dr_theirs ();');
RESET ROLE;
SELECT * FROM mig.dry_run();
\echo :LAST_ERROR_SQLSTATE
SELECT version, stmt_no, tag, relation, lock_mode FROM mig.dry_run(trust_uploads => true) ORDER BY version;
-- migration SQL cannot call pgmig's writers (PM011)
SELECT mig.discard('13');
SELECT version, action FROM mig.upload('14', 'nested', 'SELECT * FROM mig.apply();');
SELECT * FROM mig.dry_run();
\echo :LAST_ERROR_SQLSTATE
DROP TABLE dr_before, dr_orders, dr_customers, dr_empty, dr_trunc;
DROP TYPE dr_mood;
DROP EXTENSION pgmig; CREATE EXTENSION pgmig;
DROP OWNED BY regress_dr_other;
DROP ROLE regress_dr_other;
