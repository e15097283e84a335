-- status: every state, columns, order, repeatable migrations
DROP EXTENSION pgmig; CREATE EXTENSION pgmig;
SELECT * FROM mig.status();
SELECT version, action FROM mig.apply('1', 'applied', 'CREATE TABLE st_a ();', 'DROP TABLE st_a;');
SELECT version, action FROM mig.upload('1.10', 'pending_110', 'SELECT 1');
SELECT version, action FROM mig.upload('1.2', 'pending_12', 'SELECT 1');
SELECT version, action FROM mig.upload('20150100000001000000', 'twenty_digits', 'SELECT 1');
SELECT version, action FROM mig.upload('30', 'nontx', 'VACUUM');
SELECT mig.record_statement('30', 1) IS NOT NULL AS recorded;
SELECT version, name, state, batch, applied_by = current_user AS by_me, duration IS NOT NULL AS has_duration,
       length(checksum) AS ck_len, down_checksum IS NOT NULL AS has_down_ck, has_down, transactional,
       statements, statements_done, kind
FROM mig.status();
-- repeatable migrations come after all versioned ones
SELECT version, name, action, batch FROM mig.apply_repeatable('views', 'CREATE VIEW st_v AS SELECT 1 AS x;');
SELECT version, name, action, batch FROM mig.apply_repeatable('views', 'CREATE VIEW st_v AS SELECT 1 AS x;');
SELECT version, name, action, batch FROM mig.apply_repeatable('views', 'CREATE OR REPLACE VIEW st_v AS SELECT 2 AS x;');
SELECT x FROM st_v;
SELECT version, name, state, batch, kind FROM mig.status();
SELECT action, version, name FROM mig.log WHERE version IS NULL ORDER BY id;
-- 10,000 migrations: every one listed, in version order (how fast is measured by make bench, W6)
INSERT INTO mig.migration (vkey, version, name, up_sql, up_checksum, transactional, statements, uploaded_by)
SELECT mig.version_key((1000 + g)::text), (1000 + g)::text, 'bulk' || g, 'SELECT 1', mig.checksum('SELECT 1'), true, 1, CURRENT_USER
FROM generate_series(1, 10000) g;
INSERT INTO mig.applied (vkey, batch, applied_by, checksum, method)
SELECT mig.version_key((1000 + g)::text), 99, CURRENT_USER, mig.checksum('SELECT 1'), 'run' FROM generate_series(1, 10000) g;
SELECT count(*) AS rows, count(*) FILTER (WHERE state = 'applied') AS applied,
       bool_and(v_prev IS NULL OR v_prev::numeric < version::numeric) AS in_order
FROM (SELECT version, state, lag(version) OVER () AS v_prev FROM mig.status() WHERE version ~ '^[0-9]+$') s;
