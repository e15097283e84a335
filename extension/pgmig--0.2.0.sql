/* pgmig 0.2.0: schema migrations stored and applied inside PostgreSQL.
 *
 * The control file sets schema = pg_catalog, so this script runs with
 * search_path = pg_catalog, pg_temp. Every object is created in schema mig and every
 * reference is qualified. Nothing is granted to PUBLIC; see docs/security.md.
 *
 * The tables are written only by the extension's owner: pgmig's C++ code switches to that
 * role for its own bookkeeping statements (never for migration SQL), so a deployer holds
 * EXECUTE on the functions and SELECT on the tables, and no table privilege that could forge
 * history (docs/security.md, "Threat model").
 */
\echo Use "CREATE EXTENSION pgmig" to load this file. \quit

CREATE SCHEMA mig;
COMMENT ON SCHEMA mig IS 'pgmig: stored migrations, their history and the audit log';
REVOKE ALL ON SCHEMA mig FROM PUBLIC;

-- ---------------------------------------------------------------------------------------
-- tables
-- ---------------------------------------------------------------------------------------

CREATE TABLE mig.migration (
    vkey               pg_catalog.bytea PRIMARY KEY,
    version            pg_catalog.text NOT NULL,
    name               pg_catalog.text NOT NULL,
    up_sql             pg_catalog.text NOT NULL,
    down_sql           pg_catalog.text,
    up_checksum        pg_catalog.text NOT NULL,
    down_checksum      pg_catalog.text,
    transactional      pg_catalog.bool NOT NULL,
    down_transactional pg_catalog.bool NOT NULL DEFAULT true,
    statements         pg_catalog.int4 NOT NULL,
    down_statements    pg_catalog.int4,
    ends_transaction   pg_catalog.bool NOT NULL DEFAULT false,
    up_stmts           pg_catalog.int4[],
    down_stmts         pg_catalog.int4[],
    options            pg_catalog.jsonb NOT NULL DEFAULT '{}',
    uploaded_by        pg_catalog.name NOT NULL,
    uploaded_at        pg_catalog.timestamptz NOT NULL DEFAULT pg_catalog.now(),
    down_error         pg_catalog.jsonb
);
ALTER TABLE mig.migration ALTER COLUMN up_sql SET COMPRESSION lz4;
ALTER TABLE mig.migration ALTER COLUMN down_sql SET COMPRESSION lz4;
ALTER TABLE mig.migration ALTER COLUMN up_stmts SET STORAGE EXTERNAL;
ALTER TABLE mig.migration ALTER COLUMN down_stmts SET STORAGE EXTERNAL;
COMMENT ON TABLE mig.migration IS 'uploaded (staged) versioned migrations: scripts, checksums, classification';
COMMENT ON COLUMN mig.migration.vkey IS 'sort and equality key of the version (mig.version_key)';
COMMENT ON COLUMN mig.migration.version IS 'version exactly as uploaded';
COMMENT ON COLUMN mig.migration.up_checksum IS 'lower-case hex SHA-256 of up_sql, verified before up_sql runs';
COMMENT ON COLUMN mig.migration.down_checksum IS 'lower-case hex SHA-256 of down_sql (verified before it runs), NULL if no down script';
COMMENT ON COLUMN mig.migration.up_stmts IS 'byte ranges (start, end, ...) of up_sql''s statements that run; NULL: up_sql runs whole (at most one statement, no BEGIN/COMMIT wrapper)';
COMMENT ON COLUMN mig.migration.down_stmts IS 'byte ranges of down_sql''s statements that run, as up_stmts';
COMMENT ON COLUMN mig.migration.ends_transaction IS 'the up script adds an enum label (ALTER TYPE ... ADD VALUE)';
COMMENT ON COLUMN mig.migration.down_error IS 'the down script does not parse: {sqlstate, message, line, column, file}; rolling back is refused (PM013)';
COMMENT ON COLUMN mig.migration.uploaded_by IS 'the role that uploaded the scripts, or last vouched for them (mig.vouch); others may not run them unless they vouch or trust';

CREATE TABLE mig.applied (
    vkey                  pg_catalog.bytea PRIMARY KEY REFERENCES mig.migration (vkey),
    batch                 pg_catalog.int4 NOT NULL,
    applied_at            pg_catalog.timestamptz NOT NULL DEFAULT pg_catalog.now(),
    applied_by            pg_catalog.name NOT NULL,
    duration              pg_catalog.interval,
    checksum              pg_catalog.text NOT NULL,
    method                pg_catalog.text NOT NULL CHECK (method OPERATOR(pg_catalog.=) ANY (ARRAY['run', 'baseline', 'adopt'])),
    statements_done       pg_catalog.int4,
    down_statements_done  pg_catalog.int4,
    complete              pg_catalog.bool NOT NULL DEFAULT true,
    failed                pg_catalog.bool NOT NULL DEFAULT false
);
CREATE INDEX applied_batch_idx ON mig.applied (batch);
COMMENT ON TABLE mig.applied IS 'applied (or baselined, or partially applied non-transactional) migrations';

CREATE TABLE mig.repeatable (
    name        pg_catalog.text PRIMARY KEY,
    up_sql      pg_catalog.text NOT NULL,
    checksum    pg_catalog.text NOT NULL,
    options     pg_catalog.jsonb NOT NULL DEFAULT '{}',
    batch       pg_catalog.int4 NOT NULL,
    applied_at  pg_catalog.timestamptz NOT NULL DEFAULT pg_catalog.now(),
    applied_by  pg_catalog.name NOT NULL,
    duration    pg_catalog.interval
);
ALTER TABLE mig.repeatable ALTER COLUMN up_sql SET COMPRESSION lz4;
COMMENT ON TABLE mig.repeatable IS 'repeatable (Flyway R__) migrations, last applied script per name';

CREATE TABLE mig.state (
    id          pg_catalog.bool PRIMARY KEY DEFAULT true CHECK (id),
    baseline    pg_catalog.bytea,
    generation  pg_catalog.int8 NOT NULL DEFAULT 0,
    last_batch  pg_catalog.int4 NOT NULL DEFAULT 0
);
COMMENT ON TABLE mig.state IS 'singleton: baseline, last batch number, deploy generation; its table lock is the deploy lock';

CREATE TABLE mig.log (
    id                pg_catalog.int8 GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at                pg_catalog.timestamptz NOT NULL DEFAULT pg_catalog.clock_timestamp(),
    action            pg_catalog.text NOT NULL,
    version           pg_catalog.text,
    name              pg_catalog.text,
    batch             pg_catalog.int4,
    duration          pg_catalog.interval,
    checksum          pg_catalog.text,
    role              pg_catalog.name NOT NULL,
    client_addr       pg_catalog.inet DEFAULT pg_catalog.inet_client_addr(),
    application_name  pg_catalog.text DEFAULT pg_catalog.current_setting('application_name'),
    sqlstate          pg_catalog.text,
    message           pg_catalog.text,
    hash              pg_catalog.text
);
COMMENT ON TABLE mig.log IS 'append-only audit log of apply, rollback, baseline, apply_statement, fail and vouch, written only by the extension';
COMMENT ON COLUMN mig.log.role IS 'the role that called pgmig (its current user when the call began)';
COMMENT ON COLUMN mig.log.hash IS 'SHA-256 over the previous row''s hash and this row (mig.log_row_hash): a hash chain that mig.log_verify() checks';

CREATE FUNCTION mig.log_refuse_change() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    RAISE EXCEPTION 'mig.log is append-only: % is not allowed', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$;
COMMENT ON FUNCTION mig.log_refuse_change() IS 'trigger: refuses UPDATE, DELETE and TRUNCATE on mig.log';
CREATE TRIGGER log_append_only BEFORE UPDATE OR DELETE ON mig.log
    FOR EACH ROW EXECUTE FUNCTION mig.log_refuse_change();
CREATE TRIGGER log_no_truncate BEFORE TRUNCATE ON mig.log
    FOR EACH STATEMENT EXECUTE FUNCTION mig.log_refuse_change();

CREATE FUNCTION mig.log_row_hash(prev text, r mig.log) RETURNS text
LANGUAGE c STABLE AS 'MODULE_PATHNAME', 'mig_log_row_hash';
COMMENT ON FUNCTION mig.log_row_hash(text, mig.log) IS 'the hash of a mig.log row after the previous row''s hash (NULL for the first row)';
CREATE FUNCTION mig._log_chain() RETURNS trigger
LANGUAGE c AS 'MODULE_PATHNAME', 'mig_log_chain';
COMMENT ON FUNCTION mig._log_chain() IS 'trigger: sets mig.log.hash, extending the chain';
CREATE TRIGGER log_chain BEFORE INSERT ON mig.log
    FOR EACH ROW EXECUTE FUNCTION mig._log_chain();

CREATE FUNCTION mig.log_verify(OUT id int8, OUT problem text)
RETURNS SETOF record
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    r mig.log;
    prev text;
BEGIN
    FOR r IN SELECT * FROM mig.log l ORDER BY l.id LOOP
        IF r.hash IS NULL THEN
            id := r.id;
            problem := 'the row has no hash';
            RETURN NEXT;
        ELSIF r.hash OPERATOR(pg_catalog.<>) mig.log_row_hash(prev, r) THEN
            id := r.id;
            problem := 'the chain breaks here: this row, or the row before it, was changed, removed or inserted outside pgmig';
            RETURN NEXT;
        END IF;
        prev := r.hash;
    END LOOP;
END
$$;
COMMENT ON FUNCTION mig.log_verify() IS 'where the hash chain of mig.log breaks (no rows: intact)';

SELECT pg_catalog.pg_extension_config_dump('mig.migration', '');
SELECT pg_catalog.pg_extension_config_dump('mig.applied', '');
SELECT pg_catalog.pg_extension_config_dump('mig.repeatable', '');
SELECT pg_catalog.pg_extension_config_dump('mig.state', '');
SELECT pg_catalog.pg_extension_config_dump('mig.log', '');
SELECT pg_catalog.pg_extension_config_dump('mig.log_id_seq', '');

-- "Pending", defined once: mig.apply runs these (in vkey order, up to its target) and mig.plan
-- shows them. A migration is pending when it has no history row, or a partial one (a
-- non-transactional migration that stopped part-way), and it is above the baseline.
CREATE VIEW mig.pending AS
SELECT m.vkey, m.version, m.name, m.transactional, m.statements, a.statements_done,
       m.ends_transaction, a.vkey IS NOT NULL AS started, m.uploaded_by, m.up_sql,
       m.up_checksum, m.up_stmts, m.options
FROM mig.migration m
LEFT JOIN mig.applied a ON a.vkey OPERATOR(pg_catalog.=) m.vkey
LEFT JOIN mig.state st ON true
WHERE (a.vkey IS NULL OR NOT a.complete)
  AND (st.baseline IS NULL OR m.vkey OPERATOR(pg_catalog.>) st.baseline);
COMMENT ON VIEW mig.pending IS 'the migrations mig.apply() would run, in no particular order (ORDER BY vkey)';

-- ---------------------------------------------------------------------------------------
-- C functions
-- ---------------------------------------------------------------------------------------

CREATE FUNCTION mig.version_key(version text) RETURNS pg_catalog.bytea
LANGUAGE c IMMUTABLE STRICT PARALLEL SAFE AS 'MODULE_PATHNAME', 'mig_version_key';
COMMENT ON FUNCTION mig.version_key(text) IS 'sort/equality key of a version string (PM005 if invalid)';

CREATE FUNCTION mig.checksum(script text) RETURNS text
LANGUAGE c IMMUTABLE PARALLEL SAFE AS 'MODULE_PATHNAME', 'mig_checksum';
COMMENT ON FUNCTION mig.checksum(text) IS 'lower-case hex SHA-256 of the script text (NULL for NULL)';

CREATE FUNCTION mig.split(sql text,
    OUT stmt_no int, OUT sql text, OUT location int, OUT line int, OUT col int,
    OUT transactional boolean, OUT tag text)
RETURNS SETOF record
LANGUAGE c STABLE STRICT SET search_path = pg_catalog, pg_temp
AS 'MODULE_PATHNAME', 'mig_split';
COMMENT ON FUNCTION mig.split(text) IS 'statements of a script as the server parser sees them';

CREATE FUNCTION mig.lock_blockers(sql text) RETURNS text
LANGUAGE c STABLE STRICT AS 'MODULE_PATHNAME', 'mig_lock_blockers';
COMMENT ON FUNCTION mig.lock_blockers(text) IS 'who holds granted locks on the relations a statement names, as the caller resolves them (docs/safety.md)';

CREATE FUNCTION mig.upload(version text, name text, up_sql text, down_sql text DEFAULT NULL,
    options jsonb DEFAULT '{}',
    OUT version text, OUT name text, OUT action text, OUT transactional boolean,
    OUT statements int, OUT checksum text, OUT ends_transaction boolean, OUT down_error jsonb)
RETURNS record
LANGUAGE c VOLATILE AS 'MODULE_PATHNAME', 'mig_upload';
COMMENT ON FUNCTION mig.upload(text, text, text, text, jsonb) IS 'stages one migration without applying it';

CREATE FUNCTION mig.upload_many(versions text[], names text[], up_sqls text[],
    down_sqls text[] DEFAULT NULL, options jsonb[] DEFAULT NULL,
    files text[] DEFAULT NULL, down_files text[] DEFAULT NULL,
    OUT version text, OUT name text, OUT action text, OUT transactional boolean,
    OUT statements int, OUT checksum text, OUT ends_transaction boolean, OUT down_error jsonb)
RETURNS SETOF record
LANGUAGE c VOLATILE AS 'MODULE_PATHNAME', 'mig_upload_many';
COMMENT ON FUNCTION mig.upload_many(text[], text[], text[], text[], jsonb[], text[], text[]) IS 'stages many migrations with one call (element i of each array is one mig.upload)';

CREATE FUNCTION mig.apply(version text, name text, up_sql text, down_sql text DEFAULT NULL,
    options jsonb DEFAULT '{}',
    OUT version text, OUT name text, OUT action text, OUT batch int, OUT duration interval)
RETURNS SETOF record
LANGUAGE c VOLATILE AS 'MODULE_PATHNAME', 'mig_apply_one';
COMMENT ON FUNCTION mig.apply(text, text, text, text, jsonb) IS 'uploads one migration and applies it now, in the caller''s transaction';

CREATE FUNCTION mig.apply(target text DEFAULT NULL, trust_uploads boolean DEFAULT false,
    OUT version text, OUT name text, OUT action text, OUT batch int, OUT duration interval)
RETURNS SETOF record
LANGUAGE c VOLATILE AS 'MODULE_PATHNAME', 'mig_apply';
COMMENT ON FUNCTION mig.apply(text, boolean) IS 'applies every pending migration up to target (all when NULL) as one batch, in the caller''s transaction; trust_uploads runs migrations other roles uploaded';

CREATE FUNCTION mig.apply_repeatable(name text, up_sql text, options jsonb DEFAULT '{}',
    OUT version text, OUT name text, OUT action text, OUT batch int, OUT duration interval)
RETURNS SETOF record
LANGUAGE c VOLATILE AS 'MODULE_PATHNAME', 'mig_apply_repeatable';
COMMENT ON FUNCTION mig.apply_repeatable(text, text, jsonb) IS 'runs a repeatable migration unless it was applied with the same checksum';

CREATE FUNCTION mig.rollback(steps int DEFAULT 1, trust_uploads boolean DEFAULT false,
    OUT version text, OUT name text, OUT action text, OUT batch int, OUT duration interval)
RETURNS SETOF record
LANGUAGE c VOLATILE AS 'MODULE_PATHNAME', 'mig_rollback';
COMMENT ON FUNCTION mig.rollback(int, boolean) IS 'runs the down scripts of the last steps applied migrations';

CREATE FUNCTION mig.rollback_to(version text, trust_uploads boolean DEFAULT false,
    OUT version text, OUT name text, OUT action text, OUT batch int, OUT duration interval)
RETURNS SETOF record
LANGUAGE c VOLATILE AS 'MODULE_PATHNAME', 'mig_rollback_to';
COMMENT ON FUNCTION mig.rollback_to(text, boolean) IS 'rolls back every applied migration with a version greater than the given one';

CREATE FUNCTION mig.rollback_batch(trust_uploads boolean DEFAULT false,
    OUT version text, OUT name text, OUT action text, OUT batch int, OUT duration interval)
RETURNS SETOF record
LANGUAGE c VOLATILE AS 'MODULE_PATHNAME', 'mig_rollback_batch';
COMMENT ON FUNCTION mig.rollback_batch(boolean) IS 'rolls back the last batch';

CREATE FUNCTION mig.lock(wait boolean DEFAULT true) RETURNS boolean
LANGUAGE c VOLATILE AS 'MODULE_PATHNAME', 'mig_lock';
COMMENT ON FUNCTION mig.lock(boolean) IS 'takes the transaction-scoped deploy lock (false if wait is false and it is taken)';

CREATE FUNCTION mig.baseline(version text,
    OUT version text, OUT name text, OUT action text, OUT batch int, OUT duration interval)
RETURNS SETOF record
LANGUAGE c VOLATILE AS 'MODULE_PATHNAME', 'mig_baseline';
COMMENT ON FUNCTION mig.baseline(text) IS 'marks every uploaded migration up to version as applied without running it';

CREATE FUNCTION mig.record_statement(version text, stmt_no int, direction text DEFAULT 'up',
    duration interval DEFAULT NULL, trust_uploads boolean DEFAULT false)
RETURNS text
LANGUAGE c VOLATILE AS 'MODULE_PATHNAME', 'mig_record_statement';
COMMENT ON FUNCTION mig.record_statement(text, int, text, interval, boolean) IS 'records that one statement of a non-transactional migration succeeded';

CREATE FUNCTION mig.record_failure(version text, stmt_no int, sqlstate text, message text,
    direction text DEFAULT 'up')
RETURNS void
LANGUAGE c VOLATILE AS 'MODULE_PATHNAME', 'mig_record_failure';
COMMENT ON FUNCTION mig.record_failure(text, int, text, text, text) IS 'logs a failed statement of a non-transactional migration';

CREATE FUNCTION mig.set_down(version text, down_sql text, up_checksum text) RETURNS text
LANGUAGE c VOLATILE AS 'MODULE_PATHNAME', 'mig_set_down';
COMMENT ON FUNCTION mig.set_down(text, text, text) IS 'adds or replaces the down script of a migration whose up script (up_checksum) the caller holds; returns the new down checksum';

CREATE FUNCTION mig.repair(version text, up_sql text, down_checksum text, force boolean DEFAULT false,
    OUT version text, OUT name text, OUT old_checksum text, OUT new_checksum text,
    OUT statements_changed boolean)
RETURNS SETOF record
LANGUAGE c VOLATILE AS 'MODULE_PATHNAME', 'mig_repair';
COMMENT ON FUNCTION mig.repair(text, text, text, boolean) IS 'replaces the up script of an applied migration after a reviewed edit of comments or whitespace (force: of its statements too); the caller holds its down script (down_checksum, NULL: none); logged with the old and new checksum';

CREATE FUNCTION mig.discard(version text,
    OUT version text, OUT name text, OUT checksum text, OUT uploaded_by name)
RETURNS SETOF record
LANGUAGE c VOLATILE AS 'MODULE_PATHNAME', 'mig_discard';
COMMENT ON FUNCTION mig.discard(text) IS 'removes a pending (never applied) migration from mig.migration, so that nothing runs it; logged';

CREATE FUNCTION mig.dry_run(target text DEFAULT NULL, trust_uploads boolean DEFAULT false,
    OUT version text, OUT name text, OUT stmt_no int, OUT line int, OUT tag text,
    OUT statement text, OUT executed boolean, OUT rows_affected bigint, OUT duration interval,
    OUT relation text, OUT lock_mode text, OUT existed boolean, OUT rel_size bigint,
    OUT rel_rows real, OUT rewrote boolean, OUT flags text[], OUT hints text[], OUT note text)
RETURNS SETOF record
LANGUAGE c VOLATILE AS 'MODULE_PATHNAME', 'mig_dry_run';
COMMENT ON FUNCTION mig.dry_run(text, boolean) IS 'the lock report: runs the pending migrations up to target statement by statement, reports the locks, sizes, rewrites and risky statements, and rolls everything back';

CREATE FUNCTION mig.adopt(versions text[], source text,
    OUT version text, OUT name text, OUT action text, OUT batch int, OUT duration interval)
RETURNS SETOF record
LANGUAGE c VOLATILE AS 'MODULE_PATHNAME', 'mig_adopt';
COMMENT ON FUNCTION mig.adopt(text[], text) IS 'records these uploaded migrations as applied by another tool (source), without running them';

CREATE FUNCTION mig.vouch(versions text[], up_checksums text[], down_checksums text[],
    OUT version text, OUT name text, OUT uploaded_by name)
RETURNS SETOF record
LANGUAGE c VOLATILE AS 'MODULE_PATHNAME', 'mig_vouch';
COMMENT ON FUNCTION mig.vouch(text[], text[], text[]) IS 'the caller holds these scripts (same checksums): stored migrations whose up and down checksums match become the caller''s to run; returns those that another role had uploaded';

CREATE FUNCTION mig._check_uploader(caller name, version text, name text, uploaded_by name,
    trust_uploads boolean)
RETURNS void
LANGUAGE c STABLE AS 'MODULE_PATHNAME', 'mig_check_uploader';
COMMENT ON FUNCTION mig._check_uploader(name, text, text, name, boolean) IS 'internal: PM007 unless caller may run what uploaded_by uploaded (the same role, a member of it, or trust_uploads)';

CREATE FUNCTION mig._debug_raise(kind text) RETURNS int
LANGUAGE c VOLATILE STRICT AS 'MODULE_PATHNAME', 'mig_debug_raise';
COMMENT ON FUNCTION mig._debug_raise(text) IS 'test-only (needs pgmig.debug_functions = on): raises errors across the C++/PG boundary';

-- ---------------------------------------------------------------------------------------
-- SQL functions
-- ---------------------------------------------------------------------------------------

CREATE FUNCTION mig.status(
    OUT version text, OUT name text, OUT state text, OUT batch int, OUT applied_at timestamptz,
    OUT applied_by name, OUT duration interval, OUT checksum text, OUT down_checksum text,
    OUT has_down boolean, OUT transactional boolean, OUT statements int,
    OUT statements_done int, OUT kind text, OUT uploaded_by name, OUT down_error jsonb)
RETURNS SETOF record
LANGUAGE sql STABLE
-- A SQL-standard body: its names and operators are bound when the function is created (no
-- search_path lookup when it runs, so no SET clause is needed), and a function without SET
-- clauses is inlined into the caller's query: SELECT * FROM mig.status() then reads both
-- primary keys in order (a merge join) and computes only the columns asked for, instead of
-- materialising every column of every row first (10,000 rows: 15 ms -> 5 ms in the server).
-- The plan costs ~1,400 for 10,000 rows, far below jit_above_cost.
BEGIN ATOMIC
(SELECT m.version, m.name,
        CASE WHEN a.vkey IS NULL THEN
                 CASE WHEN m.vkey OPERATOR(pg_catalog.<=) (SELECT st.baseline FROM mig.state st)
                      THEN 'baseline' ELSE 'pending' END
             WHEN a.failed THEN 'failed'
             WHEN NOT a.complete THEN 'partial'
             WHEN a.method OPERATOR(pg_catalog.=) 'baseline' THEN 'baseline'
             ELSE 'applied' END,
        a.batch, a.applied_at, a.applied_by, a.duration, m.up_checksum,
        m.down_checksum, m.down_checksum IS NOT NULL, m.transactional,
        m.statements, a.statements_done, 'versioned', m.uploaded_by, m.down_error
 FROM mig.migration m
 LEFT JOIN mig.applied a ON a.vkey OPERATOR(pg_catalog.=) m.vkey
 ORDER BY m.vkey)
UNION ALL
(SELECT NULL, r.name, 'applied', r.batch, r.applied_at, r.applied_by, r.duration,
        r.checksum, NULL, false, true, NULL, NULL, 'repeatable', NULL, NULL
 FROM mig.repeatable r
 ORDER BY r.name);
END;
COMMENT ON FUNCTION mig.status() IS 'one row per known migration, in version order';

CREATE FUNCTION mig.plan(target text DEFAULT NULL,
    OUT version text, OUT name text, OUT action text, OUT transactional boolean,
    OUT statements int, OUT statements_done int, OUT ends_transaction boolean)
RETURNS SETOF record
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    k pg_catalog.bytea;
BEGIN
    IF target IS NOT NULL THEN
        k := mig.version_key(target);
        IF NOT EXISTS (SELECT 1 FROM mig.migration m WHERE m.vkey OPERATOR(pg_catalog.=) k) THEN
            RAISE EXCEPTION 'unknown version "%"', target USING ERRCODE = 'PM006';
        END IF;
    END IF;
    RETURN QUERY
    SELECT p.version, p.name, CASE WHEN p.started THEN 'resume' ELSE 'apply' END,
           p.transactional, p.statements, p.statements_done, p.ends_transaction
    FROM mig.pending p
    WHERE k IS NULL OR p.vkey OPERATOR(pg_catalog.<=) k
    ORDER BY p.vkey;
END
$$;
COMMENT ON FUNCTION mig.plan(text) IS 'what mig.apply(target) would do, without doing it';

CREATE FUNCTION mig.statements(version text, direction text DEFAULT 'up',
    trust_uploads boolean DEFAULT false,
    OUT stmt_no int, OUT sql text, OUT line int, OUT col int, OUT done boolean)
RETURNS SETOF record
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    m mig.migration;
    a mig.applied;
    script text;
    n int;
BEGIN
    IF statements.version IS NULL OR direction IS NULL OR trust_uploads IS NULL THEN
        RAISE EXCEPTION 'the arguments of mig.statements must not be NULL' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    SELECT * INTO m FROM mig.migration x WHERE x.vkey OPERATOR(pg_catalog.=) mig.version_key(statements.version);
    IF NOT FOUND THEN
        RAISE EXCEPTION 'unknown version "%"', statements.version USING ERRCODE = 'PM006';
    END IF;
    -- the text handed out here is run by the caller: the same rule as mig.apply's
    PERFORM mig._check_uploader(CURRENT_USER, m.version, m.name, m.uploaded_by, trust_uploads);
    SELECT * INTO a FROM mig.applied x WHERE x.vkey OPERATOR(pg_catalog.=) m.vkey;
    IF direction OPERATOR(pg_catalog.=) 'up' THEN
        script := m.up_sql;
        IF mig.checksum(script) OPERATOR(pg_catalog.<>) m.up_checksum THEN
            RAISE EXCEPTION 'stored up script of migration % (%) does not match its checksum', m.version, m.name
                USING ERRCODE = 'PM012';
        END IF;
        n := CASE WHEN a.vkey IS NULL THEN 0 WHEN a.complete THEN m.statements
                  ELSE coalesce(a.statements_done, 0) END;
    ELSIF direction OPERATOR(pg_catalog.=) 'down' THEN
        IF m.down_sql IS NULL THEN
            RAISE EXCEPTION 'migration % (%) has no down script', m.version, m.name USING ERRCODE = 'PM003';
        END IF;
        IF m.down_error IS NOT NULL THEN
            RAISE EXCEPTION 'the down script of migration % (%) does not parse', m.version, m.name
                USING ERRCODE = 'PM013',
                      DETAIL = pg_catalog.format('%s:%s:%s: %s', coalesce(m.down_error OPERATOR(pg_catalog.->>) 'file', 'down script'),
                                                 m.down_error OPERATOR(pg_catalog.->>) 'line', m.down_error OPERATOR(pg_catalog.->>) 'column',
                                                 m.down_error OPERATOR(pg_catalog.->>) 'message'),
                      HINT = 'Fix the down file, then replace the stored script: pgmig repair --down VERSION, or mig.set_down(version, down_sql, up_checksum).';
        END IF;
        script := m.down_sql;
        IF mig.checksum(script) OPERATOR(pg_catalog.<>) m.down_checksum THEN
            RAISE EXCEPTION 'stored down script of migration % (%) does not match its checksum', m.version, m.name
                USING ERRCODE = 'PM012';
        END IF;
        n := coalesce(a.down_statements_done, 0);
    ELSE
        RAISE EXCEPTION 'direction must be ''up'' or ''down''' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    RETURN QUERY SELECT s.stmt_no, s.sql, s.line, s.col, s.stmt_no OPERATOR(pg_catalog.<=) n
                 FROM mig.split(script) s ORDER BY s.stmt_no;
END
$$;
COMMENT ON FUNCTION mig.statements(text, text, boolean) IS 'statements of a stored script and which of them are done (non-transactional migrations)';

CREATE FUNCTION mig.lock_holder(
    OUT pid int, OUT application_name text, OUT usename name, OUT xact_start timestamptz,
    OUT state text, OUT query text)
RETURNS SETOF record
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
SELECT a.pid, a.application_name, a.usename, a.xact_start, a.state, a.query
FROM pg_catalog.pg_locks l
JOIN pg_catalog.pg_stat_activity a ON a.pid OPERATOR(pg_catalog.=) l.pid
WHERE l.locktype OPERATOR(pg_catalog.=) 'relation'
  AND l.database OPERATOR(pg_catalog.=) (SELECT d.oid FROM pg_catalog.pg_database d
                                         WHERE d.datname OPERATOR(pg_catalog.=) pg_catalog.current_database())
  AND l.relation OPERATOR(pg_catalog.=) 'mig.state'::pg_catalog.regclass
  AND l.mode OPERATOR(pg_catalog.=) 'ExclusiveLock'
  AND l.granted
$$;
COMMENT ON FUNCTION mig.lock_holder() IS 'who holds the deploy lock now (zero rows if nobody)';

-- ---------------------------------------------------------------------------------------
-- catalog fingerprint (docs/safety.md, "Proven rollbacks")
-- ---------------------------------------------------------------------------------------
-- One row per user object outside schema mig and the system schemas, its identity made of
-- names only (never an OID), so an object dropped and created again compares equal; a column
-- is named, not numbered (a column dropped and added back is the same). Members of
-- extensions are left out: the extension's row (name, version) stands for them.

CREATE FUNCTION mig.fingerprint()
RETURNS TABLE (kind text, identity text, definition text)
-- jit off: the plan's cost passes jit_above_cost on a large catalog, and compiling it takes
-- longer than running it
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp SET jit = off AS $$
WITH ns AS (
    SELECT n.oid, n.nspname, n.nspowner, n.nspacl
    FROM pg_catalog.pg_namespace n
    WHERE n.nspname OPERATOR(pg_catalog.<>) ALL (ARRAY['mig', 'pg_catalog', 'information_schema', 'pg_toast']::pg_catalog.name[])
      AND NOT pg_catalog.starts_with(n.nspname, 'pg_temp_')
      AND NOT pg_catalog.starts_with(n.nspname, 'pg_toast_temp_')
), members AS (
    SELECT d.classid, d.objid FROM pg_catalog.pg_depend d WHERE d.deptype OPERATOR(pg_catalog.=) 'e'
), rel AS (
    SELECT c.oid, c.relname, c.relkind, c.relpersistence, c.reloptions, c.relowner, c.relacl,
           c.relrowsecurity, c.relforcerowsecurity, c.relreplident, c.relispartition, c.relam,
           pg_catalog.format('%I.%I', ns.nspname, c.relname) AS ident
    FROM pg_catalog.pg_class c JOIN ns ON ns.oid OPERATOR(pg_catalog.=) c.relnamespace
    WHERE c.relkind OPERATOR(pg_catalog.=) ANY (ARRAY['r', 'p', 'f', 'v', 'm', 'S']::"char"[])
      AND NOT EXISTS (SELECT 1 FROM members m WHERE m.classid OPERATOR(pg_catalog.=) 'pg_catalog.pg_class'::pg_catalog.regclass
                                                AND m.objid OPERATOR(pg_catalog.=) c.oid)
), fn AS (
    SELECT p.oid, p.proowner, p.proacl, p.prokind,
           pg_catalog.format('%I.%I(%s)', ns.nspname, p.proname, pg_catalog.pg_get_function_identity_arguments(p.oid)) AS ident
    FROM pg_catalog.pg_proc p JOIN ns ON ns.oid OPERATOR(pg_catalog.=) p.pronamespace
    WHERE NOT EXISTS (SELECT 1 FROM members m WHERE m.classid OPERATOR(pg_catalog.=) 'pg_catalog.pg_proc'::pg_catalog.regclass
                                                AND m.objid OPERATOR(pg_catalog.=) p.oid)
), typ AS (
    SELECT t.oid, t.typtype, t.typowner, t.typacl, t.typrelid, t.typbasetype, t.typtypmod,
           t.typnotnull, t.typdefault, t.typcollation,
           pg_catalog.format('%I.%I', ns.nspname, t.typname) AS ident
    FROM pg_catalog.pg_type t JOIN ns ON ns.oid OPERATOR(pg_catalog.=) t.typnamespace
    WHERE (t.typrelid OPERATOR(pg_catalog.=) 0
           OR (SELECT c.relkind FROM pg_catalog.pg_class c WHERE c.oid OPERATOR(pg_catalog.=) t.typrelid) OPERATOR(pg_catalog.=) 'c')
      AND NOT (t.typcategory OPERATOR(pg_catalog.=) 'A' AND t.typelem OPERATOR(pg_catalog.<>) 0
               AND EXISTS (SELECT 1 FROM pg_catalog.pg_type e WHERE e.oid OPERATOR(pg_catalog.=) t.typelem
                                                               AND e.typarray OPERATOR(pg_catalog.=) t.oid))
      AND t.typtype OPERATOR(pg_catalog.<>) 'm'
      AND NOT EXISTS (SELECT 1 FROM members m WHERE m.classid OPERATOR(pg_catalog.=) 'pg_catalog.pg_type'::pg_catalog.regclass
                                                AND m.objid OPERATOR(pg_catalog.=) t.oid)
), other(classid, objid, definition) AS (
    -- the other kinds of object a migration may create, for the rows below
    SELECT 'pg_catalog.pg_cast'::pg_catalog.regclass, c.oid,
           pg_catalog.format('function=%s context=%s method=%s', c.castfunc::pg_catalog.regprocedure, c.castcontext, c.castmethod)
    FROM pg_catalog.pg_cast c WHERE c.oid OPERATOR(pg_catalog.>=) 16384
    UNION ALL
    SELECT 'pg_catalog.pg_operator'::pg_catalog.regclass, p.oid,
           pg_catalog.format('result=%s function=%s commutator=%s negator=%s restrict=%s join=%s hashes=%s merges=%s owner=%s',
                             p.oprresult::pg_catalog.regtype, p.oprcode::pg_catalog.regproc, p.oprcom::pg_catalog.regoperator,
                             p.oprnegate::pg_catalog.regoperator, p.oprrest::pg_catalog.regproc, p.oprjoin::pg_catalog.regproc,
                             p.oprcanhash, p.oprcanmerge, p.oprowner::pg_catalog.regrole)
    FROM pg_catalog.pg_operator p JOIN ns ON ns.oid OPERATOR(pg_catalog.=) p.oprnamespace
    UNION ALL
    SELECT 'pg_catalog.pg_opfamily'::pg_catalog.regclass, f.oid,
           pg_catalog.format('method=%s owner=%s operators=%s functions=%s', a.amname, f.opfowner::pg_catalog.regrole,
                  (SELECT pg_catalog.string_agg(pg_catalog.format('%s %s %s', o.amopstrategy, o.amopopr::pg_catalog.regoperator,
                                                                  CASE WHEN o.amoppurpose OPERATOR(pg_catalog.=) 'o'
                                                                       THEN 'for order by ' OPERATOR(pg_catalog.||) o.amopsortfamily::pg_catalog.text END),
                                                ', ' ORDER BY o.amopstrategy, o.amopopr::pg_catalog.regoperator::pg_catalog.text COLLATE "C")
                   FROM pg_catalog.pg_amop o WHERE o.amopfamily OPERATOR(pg_catalog.=) f.oid),
                  (SELECT pg_catalog.string_agg(pg_catalog.format('%s %s(%s,%s)', r.amprocnum, r.amproc::pg_catalog.regprocedure,
                                                                  r.amproclefttype::pg_catalog.regtype, r.amprocrighttype::pg_catalog.regtype),
                                                ', ' ORDER BY r.amprocnum, r.amproc::pg_catalog.regprocedure::pg_catalog.text COLLATE "C")
                   FROM pg_catalog.pg_amproc r WHERE r.amprocfamily OPERATOR(pg_catalog.=) f.oid))
    FROM pg_catalog.pg_opfamily f JOIN ns ON ns.oid OPERATOR(pg_catalog.=) f.opfnamespace
    JOIN pg_catalog.pg_am a ON a.oid OPERATOR(pg_catalog.=) f.opfmethod
    UNION ALL
    SELECT 'pg_catalog.pg_opclass'::pg_catalog.regclass, c.oid,
           pg_catalog.format('method=%s type=%s default=%s family=%s storage=%s owner=%s', a.amname, c.opcintype::pg_catalog.regtype,
                             c.opcdefault, (pg_catalog.pg_identify_object('pg_catalog.pg_opfamily'::pg_catalog.regclass, c.opcfamily, 0)).identity,
                             c.opckeytype::pg_catalog.regtype, c.opcowner::pg_catalog.regrole)
    FROM pg_catalog.pg_opclass c JOIN ns ON ns.oid OPERATOR(pg_catalog.=) c.opcnamespace
    JOIN pg_catalog.pg_am a ON a.oid OPERATOR(pg_catalog.=) c.opcmethod
    UNION ALL
    SELECT 'pg_catalog.pg_collation'::pg_catalog.regclass, c.oid,
           pg_catalog.format('provider=%s deterministic=%s collate=%s ctype=%s icu_locale=%s encoding=%s owner=%s', c.collprovider,
                             c.collisdeterministic, c.collcollate, c.collctype, c.colliculocale, pg_catalog.pg_encoding_to_char(c.collencoding), c.collowner::pg_catalog.regrole)
    FROM pg_catalog.pg_collation c JOIN ns ON ns.oid OPERATOR(pg_catalog.=) c.collnamespace
    UNION ALL
    SELECT 'pg_catalog.pg_conversion'::pg_catalog.regclass, c.oid,
           pg_catalog.format('for=%s to=%s function=%s default=%s owner=%s', pg_catalog.pg_encoding_to_char(c.conforencoding),
                             pg_catalog.pg_encoding_to_char(c.contoencoding), c.conproc::pg_catalog.regproc, c.condefault, c.conowner::pg_catalog.regrole)
    FROM pg_catalog.pg_conversion c JOIN ns ON ns.oid OPERATOR(pg_catalog.=) c.connamespace
    UNION ALL
    SELECT 'pg_catalog.pg_ts_config'::pg_catalog.regclass, c.oid,
           pg_catalog.format('parser=%s owner=%s mapping=%s',
                             (pg_catalog.pg_identify_object('pg_catalog.pg_ts_parser'::pg_catalog.regclass, c.cfgparser, 0)).identity,
                             c.cfgowner::pg_catalog.regrole,
                             (SELECT pg_catalog.string_agg(pg_catalog.format('%s:%s', m.maptokentype, m.mapdict::pg_catalog.regdictionary), ','
                                                           ORDER BY m.maptokentype, m.mapseqno)
                              FROM pg_catalog.pg_ts_config_map m WHERE m.mapcfg OPERATOR(pg_catalog.=) c.oid))
    FROM pg_catalog.pg_ts_config c JOIN ns ON ns.oid OPERATOR(pg_catalog.=) c.cfgnamespace
    UNION ALL
    SELECT 'pg_catalog.pg_ts_dict'::pg_catalog.regclass, d.oid,
           pg_catalog.format('template=%s options=%s owner=%s',
                             (pg_catalog.pg_identify_object('pg_catalog.pg_ts_template'::pg_catalog.regclass, d.dicttemplate, 0)).identity,
                             d.dictinitoption, d.dictowner::pg_catalog.regrole)
    FROM pg_catalog.pg_ts_dict d JOIN ns ON ns.oid OPERATOR(pg_catalog.=) d.dictnamespace
    UNION ALL
    SELECT 'pg_catalog.pg_ts_parser'::pg_catalog.regclass, p.oid,
           pg_catalog.format('start=%s token=%s end=%s headline=%s types=%s', p.prsstart::pg_catalog.regproc, p.prstoken::pg_catalog.regproc,
                             p.prsend::pg_catalog.regproc, p.prsheadline::pg_catalog.regproc, p.prslextype::pg_catalog.regproc)
    FROM pg_catalog.pg_ts_parser p JOIN ns ON ns.oid OPERATOR(pg_catalog.=) p.prsnamespace
    UNION ALL
    SELECT 'pg_catalog.pg_ts_template'::pg_catalog.regclass, t.oid,
           pg_catalog.format('init=%s lexize=%s', t.tmplinit::pg_catalog.regproc, t.tmpllexize::pg_catalog.regproc)
    FROM pg_catalog.pg_ts_template t JOIN ns ON ns.oid OPERATOR(pg_catalog.=) t.tmplnamespace
    UNION ALL
    SELECT 'pg_catalog.pg_am'::pg_catalog.regclass, a.oid, pg_catalog.format('type=%s handler=%s', a.amtype, a.amhandler::pg_catalog.regproc)
    FROM pg_catalog.pg_am a WHERE a.oid OPERATOR(pg_catalog.>=) 16384
    UNION ALL
    SELECT 'pg_catalog.pg_language'::pg_catalog.regclass, l.oid,
           pg_catalog.format('trusted=%s handler=%s inline=%s validator=%s owner=%s acl=%s', l.lanpltrusted, l.lanplcallfoid::pg_catalog.regproc,
                             l.laninline::pg_catalog.regproc, l.lanvalidator::pg_catalog.regproc, l.lanowner::pg_catalog.regrole, l.lanacl::pg_catalog.text)
    FROM pg_catalog.pg_language l WHERE l.oid OPERATOR(pg_catalog.>=) 16384
    UNION ALL
    SELECT 'pg_catalog.pg_transform'::pg_catalog.regclass, t.oid,
           pg_catalog.format('from_sql=%s to_sql=%s', t.trffromsql::pg_catalog.regproc, t.trftosql::pg_catalog.regproc)
    FROM pg_catalog.pg_transform t WHERE t.oid OPERATOR(pg_catalog.>=) 16384
    UNION ALL
    SELECT 'pg_catalog.pg_foreign_data_wrapper'::pg_catalog.regclass, w.oid,
           pg_catalog.format('handler=%s validator=%s options=%s owner=%s acl=%s', w.fdwhandler::pg_catalog.regproc, w.fdwvalidator::pg_catalog.regproc,
                             w.fdwoptions::pg_catalog.text, w.fdwowner::pg_catalog.regrole, w.fdwacl::pg_catalog.text)
    FROM pg_catalog.pg_foreign_data_wrapper w WHERE w.oid OPERATOR(pg_catalog.>=) 16384
    UNION ALL
    -- (user mappings are left out: their options hold passwords)
    SELECT 'pg_catalog.pg_foreign_server'::pg_catalog.regclass, s.oid,
           pg_catalog.format('wrapper=%s type=%s version=%s options=%s owner=%s acl=%s',
                             (SELECT pg_catalog.quote_ident(w.fdwname) FROM pg_catalog.pg_foreign_data_wrapper w WHERE w.oid OPERATOR(pg_catalog.=) s.srvfdw),
                             s.srvtype, s.srvversion, s.srvoptions::pg_catalog.text, s.srvowner::pg_catalog.regrole, s.srvacl::pg_catalog.text)
    FROM pg_catalog.pg_foreign_server s WHERE s.oid OPERATOR(pg_catalog.>=) 16384
    UNION ALL
    SELECT 'pg_catalog.pg_publication'::pg_catalog.regclass, p.oid,
           pg_catalog.format('owner=%s all_tables=%s insert=%s update=%s delete=%s truncate=%s via_root=%s tables=%s schemas=%s',
                             p.pubowner::pg_catalog.regrole, p.puballtables, p.pubinsert, p.pubupdate, p.pubdelete, p.pubtruncate, p.pubviaroot,
                             (SELECT pg_catalog.string_agg(pg_catalog.concat_ws(' ', r.prrelid::pg_catalog.regclass::pg_catalog.text,
                                                                                'columns=' OPERATOR(pg_catalog.||) r.prattrs::pg_catalog.text,
                                                                                'where=' OPERATOR(pg_catalog.||) pg_catalog.pg_get_expr(r.prqual, r.prrelid)),
                                                           ',' ORDER BY r.prrelid::pg_catalog.regclass::pg_catalog.text COLLATE "C")
                              FROM pg_catalog.pg_publication_rel r WHERE r.prpubid OPERATOR(pg_catalog.=) p.oid),
                             (SELECT pg_catalog.string_agg(n.pnnspid::pg_catalog.regnamespace::pg_catalog.text, ',' ORDER BY 1)
                              FROM pg_catalog.pg_publication_namespace n WHERE n.pnpubid OPERATOR(pg_catalog.=) p.oid))
    FROM pg_catalog.pg_publication p
    UNION ALL
    -- an aggregate's row in pg_proc is a function's, above; this is its definition
    SELECT 'pg_catalog.pg_proc'::pg_catalog.regclass, g.aggfnoid,
           pg_catalog.format('aggregate kind=%s transition=%s state=%s final=%s combine=%s initial=%s sort_operator=%s moving=%s',
                             g.aggkind, g.aggtransfn::pg_catalog.regproc, g.aggtranstype::pg_catalog.regtype, g.aggfinalfn::pg_catalog.regproc,
                             g.aggcombinefn::pg_catalog.regproc, g.agginitval, g.aggsortop::pg_catalog.regoperator, g.aggmtransfn::pg_catalog.regproc)
    FROM pg_catalog.pg_aggregate g JOIN fn ON fn.oid OPERATOR(pg_catalog.=) g.aggfnoid
), acl(kind, ident, acl, dflt) AS (
    SELECT 'schema', pg_catalog.quote_ident(ns.nspname), ns.nspacl, pg_catalog.acldefault('n', ns.nspowner) FROM ns
    UNION ALL
    SELECT CASE rel.relkind WHEN 'S' THEN 'sequence' WHEN 'v' THEN 'view' WHEN 'm' THEN 'view' ELSE 'table' END,
           rel.ident, rel.relacl,
           pg_catalog.acldefault(CASE rel.relkind WHEN 'S' THEN 's'::"char" ELSE 'r'::"char" END, rel.relowner)
    FROM rel
    UNION ALL
    SELECT 'function', fn.ident, fn.proacl, pg_catalog.acldefault('f', fn.proowner) FROM fn
    UNION ALL
    SELECT 'type', typ.ident, typ.typacl, pg_catalog.acldefault('T', typ.typowner) FROM typ
)
-- schemas
SELECT 'schema', pg_catalog.quote_ident(ns.nspname), pg_catalog.format('owner=%s', ns.nspowner::pg_catalog.regrole)
FROM ns
UNION ALL
-- tables, views, materialized views, sequences: kind, persistence, options, owner
SELECT CASE WHEN rel.relkind OPERATOR(pg_catalog.=) ANY (ARRAY['v', 'm']::"char"[]) THEN 'view'
            WHEN rel.relkind OPERATOR(pg_catalog.=) 'S' THEN 'sequence' ELSE 'table' END,
       rel.ident,
       pg_catalog.concat_ws(' ', 'relkind=' OPERATOR(pg_catalog.||) rel.relkind::pg_catalog.text,
              'persistence=' OPERATOR(pg_catalog.||) rel.relpersistence::pg_catalog.text,
              'owner=' OPERATOR(pg_catalog.||) rel.relowner::pg_catalog.regrole::pg_catalog.text,
              'options=' OPERATOR(pg_catalog.||) rel.reloptions::pg_catalog.text,
              (SELECT 'am=' OPERATOR(pg_catalog.||) a.amname FROM pg_catalog.pg_am a WHERE a.oid OPERATOR(pg_catalog.=) rel.relam),
              CASE WHEN rel.relrowsecurity THEN 'row_security' END,
              CASE WHEN rel.relforcerowsecurity THEN 'force_row_security' END,
              CASE WHEN rel.relkind OPERATOR(pg_catalog.=) ANY (ARRAY['r', 'p', 'm']::"char"[])
                   THEN 'replica_identity=' OPERATOR(pg_catalog.||) rel.relreplident::pg_catalog.text END,
              CASE WHEN rel.relkind OPERATOR(pg_catalog.=) 'p' THEN 'partition_by=' OPERATOR(pg_catalog.||) pg_catalog.pg_get_partkeydef(rel.oid) END,
              CASE WHEN rel.relispartition THEN 'bound=' OPERATOR(pg_catalog.||) (SELECT pg_catalog.pg_get_expr(c.relpartbound, c.oid) FROM pg_catalog.pg_class c WHERE c.oid OPERATOR(pg_catalog.=) rel.oid) END,
              (SELECT 'inherits=' OPERATOR(pg_catalog.||) pg_catalog.string_agg(i.inhparent::pg_catalog.regclass::pg_catalog.text, ',' ORDER BY i.inhseqno)
               FROM pg_catalog.pg_inherits i WHERE i.inhrelid OPERATOR(pg_catalog.=) rel.oid),
              CASE WHEN rel.relkind OPERATOR(pg_catalog.=) ANY (ARRAY['v', 'm']::"char"[]) THEN 'query=' OPERATOR(pg_catalog.||) pg_catalog.pg_get_viewdef(rel.oid) END,
              (SELECT pg_catalog.format('type=%s start=%s increment=%s min=%s max=%s cache=%s cycle=%s',
                                        s.seqtypid::pg_catalog.regtype, s.seqstart, s.seqincrement, s.seqmin, s.seqmax, s.seqcache, s.seqcycle)
               FROM pg_catalog.pg_sequence s WHERE s.seqrelid OPERATOR(pg_catalog.=) rel.oid),
              (SELECT 'owned_by=' OPERATOR(pg_catalog.||) pg_catalog.format('%s.%I', d.refobjid::pg_catalog.regclass, a.attname)
               FROM pg_catalog.pg_depend d JOIN pg_catalog.pg_attribute a ON a.attrelid OPERATOR(pg_catalog.=) d.refobjid AND a.attnum OPERATOR(pg_catalog.=) d.refobjsubid
               WHERE rel.relkind OPERATOR(pg_catalog.=) 'S' AND d.classid OPERATOR(pg_catalog.=) 'pg_catalog.pg_class'::pg_catalog.regclass
                 AND d.objid OPERATOR(pg_catalog.=) rel.oid AND d.refobjsubid OPERATOR(pg_catalog.>) 0
                 AND d.deptype OPERATOR(pg_catalog.=) ANY (ARRAY['a', 'i']::"char"[])))
FROM rel
UNION ALL
-- columns of tables: type with typmod, default or generation expression, not null, collation, identity
SELECT 'column', pg_catalog.format('%s.%I', rel.ident, a.attname),
       pg_catalog.concat_ws(' ', pg_catalog.format_type(a.atttypid, a.atttypmod),
              CASE WHEN a.attcollation OPERATOR(pg_catalog.<>) t.typcollation
                   THEN 'collate ' OPERATOR(pg_catalog.||) (SELECT pg_catalog.format('%I.%I', cn.nspname, co.collname)
                                                           FROM pg_catalog.pg_collation co JOIN pg_catalog.pg_namespace cn ON cn.oid OPERATOR(pg_catalog.=) co.collnamespace
                                                           WHERE co.oid OPERATOR(pg_catalog.=) a.attcollation) END,
              CASE WHEN a.attnotnull THEN 'not null' END,
              CASE a.attidentity WHEN 'a' THEN 'generated always as identity' WHEN 'd' THEN 'generated by default as identity' END,
              CASE WHEN a.attgenerated OPERATOR(pg_catalog.=) 's' THEN 'generated always as' END,
              'default ' OPERATOR(pg_catalog.||) pg_catalog.pg_get_expr(ad.adbin, ad.adrelid))
FROM rel
JOIN pg_catalog.pg_attribute a ON a.attrelid OPERATOR(pg_catalog.=) rel.oid
JOIN pg_catalog.pg_type t ON t.oid OPERATOR(pg_catalog.=) a.atttypid
LEFT JOIN pg_catalog.pg_attrdef ad ON ad.adrelid OPERATOR(pg_catalog.=) a.attrelid AND ad.adnum OPERATOR(pg_catalog.=) a.attnum
WHERE rel.relkind OPERATOR(pg_catalog.=) ANY (ARRAY['r', 'p', 'f']::"char"[])
  AND a.attnum OPERATOR(pg_catalog.>) 0 AND NOT a.attisdropped
UNION ALL
-- indexes, with their tablespace; one that a primary key, unique or exclusion constraint owns
-- is described by the constraint's row (its columns, INCLUDE, NULLS NOT DISTINCT) and its
-- options here, which is cheaper than deparsing it again (docs/performance.md, "Drift")
SELECT 'index', pg_catalog.format('%I.%I', ns.nspname, c.relname),
       pg_catalog.concat_ws(' ',
              coalesce('constraint ' OPERATOR(pg_catalog.||) pg_catalog.quote_ident(co.conname)
                       OPERATOR(pg_catalog.||) coalesce(' options=' OPERATOR(pg_catalog.||) c.reloptions::pg_catalog.text, ''),
                       pg_catalog.pg_get_indexdef(c.oid)),
              (SELECT 'tablespace=' OPERATOR(pg_catalog.||) pg_catalog.quote_ident(t.spcname)
               FROM pg_catalog.pg_tablespace t WHERE t.oid OPERATOR(pg_catalog.=) c.reltablespace))
FROM pg_catalog.pg_class c JOIN ns ON ns.oid OPERATOR(pg_catalog.=) c.relnamespace
LEFT JOIN pg_catalog.pg_constraint co ON co.conindid OPERATOR(pg_catalog.=) c.oid
                                     AND co.contype OPERATOR(pg_catalog.=) ANY (ARRAY['p', 'u', 'x']::"char"[])
WHERE c.relkind OPERATOR(pg_catalog.=) ANY (ARRAY['i', 'I']::"char"[])
  AND NOT EXISTS (SELECT 1 FROM members m WHERE m.classid OPERATOR(pg_catalog.=) 'pg_catalog.pg_class'::pg_catalog.regclass
                                            AND m.objid OPERATOR(pg_catalog.=) c.oid)
UNION ALL
-- constraints of tables and domains
SELECT 'constraint', pg_catalog.format('%s.%I', coalesce(rel.ident, typ.ident), co.conname), pg_catalog.pg_get_constraintdef(co.oid)
FROM pg_catalog.pg_constraint co
LEFT JOIN rel ON rel.oid OPERATOR(pg_catalog.=) co.conrelid
LEFT JOIN typ ON typ.oid OPERATOR(pg_catalog.=) co.contypid
WHERE coalesce(rel.ident, typ.ident) IS NOT NULL
UNION ALL
-- functions and procedures: identity arguments, result, properties, md5 of the body
SELECT 'function', fn.ident,
       pg_catalog.concat_ws(' ', 'kind=' OPERATOR(pg_catalog.||) p.prokind::pg_catalog.text,
              'returns=' OPERATOR(pg_catalog.||) pg_catalog.pg_get_function_result(p.oid),
              'language=' OPERATOR(pg_catalog.||) l.lanname,
              'volatility=' OPERATOR(pg_catalog.||) p.provolatile::pg_catalog.text,
              'parallel=' OPERATOR(pg_catalog.||) p.proparallel::pg_catalog.text,
              CASE WHEN p.prosecdef THEN 'security_definer' END,
              CASE WHEN p.proisstrict THEN 'strict' END,
              CASE WHEN p.proleakproof THEN 'leakproof' END,
              'owner=' OPERATOR(pg_catalog.||) p.proowner::pg_catalog.regrole::pg_catalog.text,
              'config=' OPERATOR(pg_catalog.||) p.proconfig::pg_catalog.text,
              'body=' OPERATOR(pg_catalog.||) pg_catalog.md5(CASE WHEN p.prosqlbody IS NULL
                                                                  THEN pg_catalog.concat(p.prosrc, ' ', p.probin)
                                                                  ELSE pg_catalog.pg_get_function_sqlbody(p.oid) END))
FROM fn
JOIN pg_catalog.pg_proc p ON p.oid OPERATOR(pg_catalog.=) fn.oid
JOIN pg_catalog.pg_language l ON l.oid OPERATOR(pg_catalog.=) p.prolang
UNION ALL
-- types: enum labels in order, domains, composites, ranges
SELECT 'type', typ.ident,
       CASE typ.typtype
       WHEN 'e' THEN 'enum ' OPERATOR(pg_catalog.||)
                     (SELECT pg_catalog.string_agg(pg_catalog.quote_literal(e.enumlabel), ',' ORDER BY e.enumsortorder)
                      FROM pg_catalog.pg_enum e WHERE e.enumtypid OPERATOR(pg_catalog.=) typ.oid)
       WHEN 'd' THEN pg_catalog.concat_ws(' ', 'domain', pg_catalog.format_type(typ.typbasetype, typ.typtypmod),
                                          CASE WHEN typ.typnotnull THEN 'not null' END,
                                          'default ' OPERATOR(pg_catalog.||) typ.typdefault,
                                          'collation=' OPERATOR(pg_catalog.||) (SELECT co.collname FROM pg_catalog.pg_collation co
                                                                                WHERE co.oid OPERATOR(pg_catalog.=) typ.typcollation))
       WHEN 'c' THEN 'composite ' OPERATOR(pg_catalog.||)
                     (SELECT pg_catalog.string_agg(pg_catalog.format('%I %s', a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod)), ', ' ORDER BY a.attnum)
                      FROM pg_catalog.pg_attribute a WHERE a.attrelid OPERATOR(pg_catalog.=) typ.typrelid
                                                       AND a.attnum OPERATOR(pg_catalog.>) 0 AND NOT a.attisdropped)
       WHEN 'r' THEN 'range ' OPERATOR(pg_catalog.||)
                     (SELECT pg_catalog.format_type(r.rngsubtype, NULL) FROM pg_catalog.pg_range r WHERE r.rngtypid OPERATOR(pg_catalog.=) typ.oid)
       ELSE 'type ' OPERATOR(pg_catalog.||) typ.typtype::pg_catalog.text END
       OPERATOR(pg_catalog.||) ' owner=' OPERATOR(pg_catalog.||) typ.typowner::pg_catalog.regrole::pg_catalog.text
FROM typ
UNION ALL
-- triggers (not the internal ones of foreign keys)
SELECT 'trigger', pg_catalog.format('%s.%I', rel.ident, tg.tgname),
       pg_catalog.pg_get_triggerdef(tg.oid) OPERATOR(pg_catalog.||) ' enabled=' OPERATOR(pg_catalog.||) tg.tgenabled::pg_catalog.text
FROM pg_catalog.pg_trigger tg JOIN rel ON rel.oid OPERATOR(pg_catalog.=) tg.tgrelid
WHERE NOT tg.tgisinternal
UNION ALL
-- rules (not the _RETURN rule of a view)
SELECT 'rule', pg_catalog.format('%s.%I', rel.ident, ru.rulename), pg_catalog.pg_get_ruledef(ru.oid)
FROM pg_catalog.pg_rewrite ru JOIN rel ON rel.oid OPERATOR(pg_catalog.=) ru.ev_class
WHERE ru.rulename OPERATOR(pg_catalog.<>) '_RETURN'
UNION ALL
-- row-level security policies
SELECT 'policy', pg_catalog.format('%s.%I', rel.ident, po.polname),
       pg_catalog.concat_ws(' ', 'cmd=' OPERATOR(pg_catalog.||) po.polcmd::pg_catalog.text,
              CASE WHEN po.polpermissive THEN 'permissive' ELSE 'restrictive' END,
              'to=' OPERATOR(pg_catalog.||) (SELECT pg_catalog.string_agg(r.name, ',' ORDER BY r.name)
                                             FROM (SELECT CASE WHEN x OPERATOR(pg_catalog.=) 0 THEN 'public'
                                                               ELSE x::pg_catalog.regrole::pg_catalog.text END AS name
                                                   FROM pg_catalog.unnest(po.polroles) x) r),
              'using=' OPERATOR(pg_catalog.||) pg_catalog.pg_get_expr(po.polqual, po.polrelid),
              'check=' OPERATOR(pg_catalog.||) pg_catalog.pg_get_expr(po.polwithcheck, po.polrelid))
FROM pg_catalog.pg_policy po JOIN rel ON rel.oid OPERATOR(pg_catalog.=) po.polrelid
UNION ALL
-- extended statistics
SELECT 'statistics', pg_catalog.format('%I.%I', ns.nspname, se.stxname), pg_catalog.pg_get_statisticsobjdef(se.oid)
FROM pg_catalog.pg_statistic_ext se JOIN ns ON ns.oid OPERATOR(pg_catalog.=) se.stxnamespace
UNION ALL
-- grants: an object's ACL when it is not the default one (granted and revoked again is the default)
SELECT 'grant', acl.kind OPERATOR(pg_catalog.||) ' ' OPERATOR(pg_catalog.||) acl.ident, x.items
FROM acl,
     LATERAL (SELECT (SELECT pg_catalog.string_agg(i::pg_catalog.text, ',' ORDER BY i::pg_catalog.text) FROM pg_catalog.unnest(acl.acl) i) AS items,
                     (SELECT pg_catalog.string_agg(i::pg_catalog.text, ',' ORDER BY i::pg_catalog.text) FROM pg_catalog.unnest(acl.dflt) i) AS dflt) x
WHERE acl.acl IS NOT NULL AND x.items IS DISTINCT FROM x.dflt
UNION ALL
-- column grants
SELECT 'grant', pg_catalog.format('column %s.%I', rel.ident, a.attname),
       (SELECT pg_catalog.string_agg(i::pg_catalog.text, ',' ORDER BY i::pg_catalog.text) FROM pg_catalog.unnest(a.attacl) i)
FROM rel JOIN pg_catalog.pg_attribute a ON a.attrelid OPERATOR(pg_catalog.=) rel.oid
WHERE a.attacl IS NOT NULL AND pg_catalog.cardinality(a.attacl) OPERATOR(pg_catalog.>) 0
  AND a.attnum OPERATOR(pg_catalog.>) 0 AND NOT a.attisdropped
UNION ALL
-- default privileges (ALTER DEFAULT PRIVILEGES)
SELECT 'grant', pg_catalog.format('default %s %s %s', da.defaclrole::pg_catalog.regrole,
                                  coalesce((SELECT pg_catalog.quote_ident(n.nspname) FROM pg_catalog.pg_namespace n WHERE n.oid OPERATOR(pg_catalog.=) da.defaclnamespace), '*'),
                                  da.defaclobjtype),
       (SELECT pg_catalog.string_agg(i::pg_catalog.text, ',' ORDER BY i::pg_catalog.text) FROM pg_catalog.unnest(da.defaclacl) i)
FROM pg_catalog.pg_default_acl da
UNION ALL
-- extensions (their member objects are left out above)
SELECT 'extension', pg_catalog.quote_ident(e.extname),
       pg_catalog.format('version=%s schema=%I', e.extversion, n.nspname)
FROM pg_catalog.pg_extension e JOIN pg_catalog.pg_namespace n ON n.oid OPERATOR(pg_catalog.=) e.extnamespace
WHERE e.extname OPERATOR(pg_catalog.<>) 'pgmig'
UNION ALL
-- event triggers
SELECT 'event_trigger', pg_catalog.quote_ident(et.evtname),
       pg_catalog.concat_ws(' ', et.evtevent, et.evtfoid::pg_catalog.regproc, et.evtenabled, et.evttags)
FROM pg_catalog.pg_event_trigger et
WHERE NOT EXISTS (SELECT 1 FROM members m WHERE m.classid OPERATOR(pg_catalog.=) 'pg_catalog.pg_event_trigger'::pg_catalog.regclass
                                            AND m.objid OPERATOR(pg_catalog.=) et.oid)
UNION ALL
-- casts, operators, operator classes and families, collations, conversions, text search
-- objects, access methods, languages, transforms, foreign-data wrappers and servers,
-- publications, and aggregates: named by pg_identify_object (its type is the kind)
SELECT o.type, o.identity, other.definition
FROM other, LATERAL pg_catalog.pg_identify_object(other.classid, other.objid, 0) o
WHERE NOT EXISTS (SELECT 1 FROM members m WHERE m.classid OPERATOR(pg_catalog.=) other.classid
                                            AND m.objid OPERATOR(pg_catalog.=) other.objid)
UNION ALL
-- comments on all of the above
SELECT 'comment', o.type OPERATOR(pg_catalog.||) ' ' OPERATOR(pg_catalog.||) o.identity, d.description
FROM pg_catalog.pg_description d,
     LATERAL pg_catalog.pg_identify_object(d.classoid, d.objoid, d.objsubid) o
WHERE d.objoid OPERATOR(pg_catalog.>=) 16384
  AND NOT (d.classoid OPERATOR(pg_catalog.=) 'pg_catalog.pg_extension'::pg_catalog.regclass
           AND d.objoid OPERATOR(pg_catalog.=) (SELECT e.oid FROM pg_catalog.pg_extension e WHERE e.extname OPERATOR(pg_catalog.=) 'pgmig'))
  AND NOT EXISTS (SELECT 1 FROM members m WHERE m.classid OPERATOR(pg_catalog.=) d.classoid
                                            AND m.objid OPERATOR(pg_catalog.=) d.objoid)
  AND CASE WHEN d.classoid OPERATOR(pg_catalog.=) 'pg_catalog.pg_namespace'::pg_catalog.regclass
           THEN EXISTS (SELECT 1 FROM ns WHERE ns.oid OPERATOR(pg_catalog.=) d.objoid)
           WHEN d.classoid OPERATOR(pg_catalog.=) 'pg_catalog.pg_class'::pg_catalog.regclass
           THEN EXISTS (SELECT 1 FROM pg_catalog.pg_class c JOIN ns ON ns.oid OPERATOR(pg_catalog.=) c.relnamespace
                        WHERE c.oid OPERATOR(pg_catalog.=) d.objoid
                          AND NOT EXISTS (SELECT 1 FROM members m WHERE m.classid OPERATOR(pg_catalog.=) d.classoid
                                                                    AND m.objid OPERATOR(pg_catalog.=) c.oid))
           ELSE o.schema IS NULL OR EXISTS (SELECT 1 FROM ns WHERE ns.nspname OPERATOR(pg_catalog.=) o.schema) END
$$;
COMMENT ON FUNCTION mig.fingerprint() IS 'the user schema as rows (kind, identity, definition) of names, never OIDs: what mig.verify compares (schema mig, system schemas and members of extensions left out)';

CREATE FUNCTION mig.fingerprint_hash() RETURNS text
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp SET jit = off AS $$
SELECT pg_catalog.md5(coalesce(pg_catalog.string_agg(
           pg_catalog.concat_ws(E'\t', f.kind, f.identity, f.definition), E'\n'
           ORDER BY f.kind COLLATE "C", f.identity COLLATE "C", f.definition COLLATE "C"), ''))
FROM mig.fingerprint() f
$$;
COMMENT ON FUNCTION mig.fingerprint_hash() IS 'one hash of mig.fingerprint(): equal hashes, equal schemas';

CREATE FUNCTION mig.verify(target text DEFAULT NULL, from_version text DEFAULT NULL,
    each boolean DEFAULT false, trust_uploads boolean DEFAULT false,
    OUT version text, OUT name text, OUT result text, OUT phase text, OUT kind text,
    OUT identity text, OUT before text, OUT after text, OUT detail text)
RETURNS SETOF record
LANGUAGE c VOLATILE AS 'MODULE_PATHNAME', 'mig_verify';
COMMENT ON FUNCTION mig.verify(text, text, boolean, boolean) IS 'proves the down scripts of the pending migrations (from from_version, up to target; each: migration by migration) in a subtransaction it always rolls back: up, down restores the fingerprint, up again gives the same; one row per migration, and per object that differs';

-- ---------------------------------------------------------------------------------------
-- bookkeeping run as the extension's owner (internal: EXECUTE for nobody else)
-- ---------------------------------------------------------------------------------------
-- The C entry points mig.baseline, mig.record_statement, mig.record_failure and mig.vouch
-- check their arguments, take the deploy lock, and call these as the owner with the calling
-- role as `caller`: a deployer cannot call them, so cannot name another role as the caller.

CREATE FUNCTION mig._baseline(caller name, target text)
RETURNS TABLE (r_version text, r_name text, r_action text, r_batch int, r_duration interval)
LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    k pg_catalog.bytea := mig.version_key(target);
    b int;
BEGIN
    IF EXISTS (SELECT 1 FROM mig.applied a WHERE NOT a.complete) THEN
        RAISE EXCEPTION 'cannot baseline while a non-transactional migration is partially applied'
            USING ERRCODE = 'PM004';
    END IF;
    UPDATE mig.state s SET last_batch = s.last_batch OPERATOR(pg_catalog.+) 1,
           baseline = CASE WHEN s.baseline IS NULL OR s.baseline OPERATOR(pg_catalog.<) k
                           THEN k ELSE s.baseline END
    RETURNING s.last_batch INTO b;
    RETURN QUERY
    WITH todo AS (
        SELECT m.vkey, m.version, m.name, m.up_checksum
        FROM mig.migration m
        WHERE m.vkey OPERATOR(pg_catalog.<=) k
          AND NOT EXISTS (SELECT 1 FROM mig.applied a WHERE a.vkey OPERATOR(pg_catalog.=) m.vkey)
    ), ins AS (
        INSERT INTO mig.applied (vkey, batch, applied_by, duration, checksum, method)
        SELECT t.vkey, b, caller, NULL, t.up_checksum, 'baseline' FROM todo t
    ), lg AS (
        INSERT INTO mig.log (action, version, name, batch, checksum, role)
        SELECT 'baseline', t.version, t.name, b, t.up_checksum, caller FROM todo t ORDER BY t.vkey
    )
    SELECT t.version, t.name, 'baselined'::text, b, NULL::interval FROM todo t ORDER BY t.vkey;
    INSERT INTO mig.log (action, version, batch, role, message)
    VALUES ('baseline', target, b, caller, 'baseline set');
END
$$;
COMMENT ON FUNCTION mig._baseline(name, text) IS 'internal: mig.baseline''s bookkeeping, run as the extension owner';

CREATE FUNCTION mig._record_statement(caller name, version text, stmt_no int, direction text,
    duration interval, trust_uploads boolean)
RETURNS text
LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    m mig.migration;
    a mig.applied;
    b int;
    total int;
BEGIN
    SELECT * INTO m FROM mig.migration x WHERE x.vkey OPERATOR(pg_catalog.=) mig.version_key(_record_statement.version);
    IF NOT FOUND THEN
        RAISE EXCEPTION 'unknown version "%"', _record_statement.version USING ERRCODE = 'PM006';
    END IF;
    PERFORM mig._check_uploader(caller, m.version, m.name, m.uploaded_by, trust_uploads);
    SELECT * INTO a FROM mig.applied x WHERE x.vkey OPERATOR(pg_catalog.=) m.vkey;
    IF direction OPERATOR(pg_catalog.=) 'up' THEN
        total := m.statements;
        IF stmt_no OPERATOR(pg_catalog.<) 1 OR stmt_no OPERATOR(pg_catalog.>) total THEN
            RAISE EXCEPTION 'statement % out of range 1..% for migration %', stmt_no, total, m.version
                USING ERRCODE = 'invalid_parameter_value';
        END IF;
        IF a.vkey IS NOT NULL AND a.complete THEN
            RAISE EXCEPTION 'migration % (%) is already applied', m.version, m.name
                USING ERRCODE = 'invalid_parameter_value';
        END IF;
        IF a.vkey IS NULL THEN
            UPDATE mig.state s SET last_batch = s.last_batch OPERATOR(pg_catalog.+) 1 RETURNING s.last_batch INTO b;
            INSERT INTO mig.applied (vkey, batch, applied_by, duration, checksum, method, statements_done, complete, failed)
            VALUES (m.vkey, b, caller, _record_statement.duration, m.up_checksum, 'run', stmt_no,
                    stmt_no OPERATOR(pg_catalog.=) total, false);
        ELSE
            b := a.batch;
            UPDATE mig.applied x SET statements_done = stmt_no, failed = false,
                   complete = stmt_no OPERATOR(pg_catalog.=) total,
                   duration = coalesce(x.duration OPERATOR(pg_catalog.+) _record_statement.duration, x.duration, _record_statement.duration),
                   applied_at = pg_catalog.now(), applied_by = caller
            WHERE x.vkey OPERATOR(pg_catalog.=) m.vkey;
        END IF;
        INSERT INTO mig.log (action, version, name, batch, duration, checksum, role, message)
        VALUES ('apply_statement', m.version, m.name, b, _record_statement.duration, m.up_checksum, caller,
                pg_catalog.format('statement %s of %s', stmt_no, total));
        IF stmt_no OPERATOR(pg_catalog.=) total THEN
            INSERT INTO mig.log (action, version, name, batch, duration, checksum, role)
            SELECT 'apply', m.version, m.name, b, x.duration, m.up_checksum, caller
            FROM mig.applied x WHERE x.vkey OPERATOR(pg_catalog.=) m.vkey;
            RETURN 'applied';
        END IF;
        RETURN 'partial';
    ELSIF direction OPERATOR(pg_catalog.=) 'down' THEN
        IF m.down_sql IS NULL THEN
            RAISE EXCEPTION 'migration % (%) has no down script', m.version, m.name USING ERRCODE = 'PM003';
        END IF;
        IF a.vkey IS NULL THEN
            RAISE EXCEPTION 'migration % (%) is not applied', m.version, m.name
                USING ERRCODE = 'invalid_parameter_value';
        END IF;
        total := m.down_statements;
        IF stmt_no OPERATOR(pg_catalog.<) 1 OR stmt_no OPERATOR(pg_catalog.>) total THEN
            RAISE EXCEPTION 'statement % out of range 1..% for migration %', stmt_no, total, m.version
                USING ERRCODE = 'invalid_parameter_value';
        END IF;
        INSERT INTO mig.log (action, version, name, batch, duration, checksum, role, message)
        VALUES ('apply_statement', m.version, m.name, a.batch, _record_statement.duration, m.down_checksum, caller,
                pg_catalog.format('down statement %s of %s', stmt_no, total));
        IF stmt_no OPERATOR(pg_catalog.=) total THEN
            DELETE FROM mig.applied x WHERE x.vkey OPERATOR(pg_catalog.=) m.vkey;
            -- rolled back at or below the baseline: the baseline moves below it (pending again)
            UPDATE mig.state s SET baseline = (SELECT x.vkey FROM mig.migration x
                                               WHERE x.vkey OPERATOR(pg_catalog.<) m.vkey
                                               ORDER BY x.vkey DESC LIMIT 1)
            WHERE s.baseline OPERATOR(pg_catalog.>=) m.vkey;
            INSERT INTO mig.log (action, version, name, batch, checksum, role)
            VALUES ('rollback', m.version, m.name, a.batch, m.down_checksum, caller);
            RETURN 'pending';
        END IF;
        UPDATE mig.applied x SET down_statements_done = stmt_no, complete = false, failed = false
        WHERE x.vkey OPERATOR(pg_catalog.=) m.vkey;
        RETURN 'partial';
    END IF;
    RAISE EXCEPTION 'direction must be ''up'' or ''down''' USING ERRCODE = 'invalid_parameter_value';
END
$$;
COMMENT ON FUNCTION mig._record_statement(name, text, int, text, interval, boolean) IS 'internal: mig.record_statement''s bookkeeping, run as the extension owner';

CREATE FUNCTION mig._record_failure(caller name, version text, stmt_no int, sqlstate text,
    message text, direction text)
RETURNS void
LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    m mig.migration;
    b int;
BEGIN
    SELECT * INTO m FROM mig.migration x WHERE x.vkey OPERATOR(pg_catalog.=) mig.version_key(_record_failure.version);
    IF NOT FOUND THEN
        RAISE EXCEPTION 'unknown version "%"', _record_failure.version USING ERRCODE = 'PM006';
    END IF;
    IF direction OPERATOR(pg_catalog.<>) ALL (ARRAY['up', 'down']) THEN
        RAISE EXCEPTION 'direction must be ''up'' or ''down''' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF stmt_no OPERATOR(pg_catalog.<) 1 OR stmt_no OPERATOR(pg_catalog.>)
       (CASE WHEN direction OPERATOR(pg_catalog.=) 'up' THEN m.statements ELSE coalesce(m.down_statements, 0) END) THEN
        RAISE EXCEPTION 'statement % out of range for migration %', stmt_no, m.version
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    UPDATE mig.applied x SET failed = true WHERE x.vkey OPERATOR(pg_catalog.=) m.vkey AND NOT x.complete
    RETURNING x.batch INTO b;
    IF NOT FOUND AND direction OPERATOR(pg_catalog.=) 'up'
       AND NOT EXISTS (SELECT 1 FROM mig.applied x WHERE x.vkey OPERATOR(pg_catalog.=) m.vkey) THEN
        UPDATE mig.state s SET last_batch = s.last_batch OPERATOR(pg_catalog.+) 1 RETURNING s.last_batch INTO b;
        INSERT INTO mig.applied (vkey, batch, applied_by, checksum, method, statements_done, complete, failed)
        VALUES (m.vkey, b, caller, m.up_checksum, 'run', stmt_no OPERATOR(pg_catalog.-) 1, false, true);
    END IF;
    INSERT INTO mig.log (action, version, name, batch, checksum, role, sqlstate, message)
    VALUES ('fail', m.version, m.name, b,
            CASE WHEN direction OPERATOR(pg_catalog.=) 'up' THEN m.up_checksum ELSE m.down_checksum END,
            caller, _record_failure.sqlstate,
            pg_catalog.format('%s statement %s: %s', direction, stmt_no, _record_failure.message));
END
$$;
COMMENT ON FUNCTION mig._record_failure(name, text, int, text, text, text) IS 'internal: mig.record_failure''s bookkeeping, run as the extension owner';

CREATE FUNCTION mig._adopt(caller name, versions text[], source text)
RETURNS TABLE (r_version text, r_name text, r_action text, r_batch int, r_duration interval)
LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    b int;
    missing text;
BEGIN
    SELECT pg_catalog.string_agg(v.v, ', ') INTO missing
    FROM pg_catalog.unnest(versions) AS v(v)
    WHERE NOT EXISTS (SELECT 1 FROM mig.migration m
                      WHERE m.vkey OPERATOR(pg_catalog.=) mig.version_key(v.v));
    IF missing IS NOT NULL THEN
        RAISE EXCEPTION 'unknown version(s) %', missing USING ERRCODE = 'PM006',
            HINT = 'Upload the migrations first (pgmig adopt does).';
    END IF;
    IF EXISTS (SELECT 1 FROM mig.applied a WHERE NOT a.complete) THEN
        RAISE EXCEPTION 'cannot adopt while a non-transactional migration is partially applied'
            USING ERRCODE = 'PM004';
    END IF;
    UPDATE mig.state s SET last_batch = s.last_batch OPERATOR(pg_catalog.+) 1
    RETURNING s.last_batch INTO b;
    RETURN QUERY
    WITH todo AS (
        SELECT DISTINCT m.vkey, m.version, m.name, m.up_checksum
        FROM pg_catalog.unnest(versions) AS v(v)
        JOIN mig.migration m ON m.vkey OPERATOR(pg_catalog.=) mig.version_key(v.v)
        WHERE NOT EXISTS (SELECT 1 FROM mig.applied a WHERE a.vkey OPERATOR(pg_catalog.=) m.vkey)
    ), ins AS (
        INSERT INTO mig.applied (vkey, batch, applied_by, duration, checksum, method)
        SELECT t.vkey, b, caller, NULL, t.up_checksum, 'adopt' FROM todo t
    ), lg AS (
        INSERT INTO mig.log (action, version, name, batch, checksum, role, message)
        SELECT 'adopt', t.version, t.name, b, t.up_checksum, caller,
               pg_catalog.format('applied by %s', source)
        FROM todo t ORDER BY t.vkey
    )
    SELECT t.version, t.name, 'adopted'::text, b, NULL::interval FROM todo t ORDER BY t.vkey;
END
$$;
COMMENT ON FUNCTION mig._adopt(name, text[], text) IS 'internal: mig.adopt''s bookkeeping, run as the extension owner';

CREATE FUNCTION mig.adopt_repeatable(name text, up_sql text, source text,
    OUT version text, OUT name text, OUT action text, OUT batch int, OUT duration interval)
RETURNS SETOF record
LANGUAGE c VOLATILE AS 'MODULE_PATHNAME', 'mig_adopt_repeatable';
COMMENT ON FUNCTION mig.adopt_repeatable(text, text, text) IS 'records a repeatable migration as applied by another tool (source) with this script, without running it; already known to pgmig: nothing';

CREATE FUNCTION mig._adopt_repeatable(caller name, rep_name text, up_sql text, source text)
RETURNS TABLE (r_version text, r_name text, r_action text, r_batch int, r_duration interval)
LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    b int;
    ck pg_catalog.text := mig.checksum(up_sql);
BEGIN
    IF EXISTS (SELECT 1 FROM mig.repeatable r WHERE r.name OPERATOR(pg_catalog.=) rep_name) THEN
        RETURN QUERY SELECT NULL::pg_catalog.text, rep_name, 'already applied'::pg_catalog.text,
                            NULL::pg_catalog.int4, NULL::pg_catalog.interval;
        RETURN;
    END IF;
    UPDATE mig.state s SET last_batch = s.last_batch OPERATOR(pg_catalog.+) 1
    RETURNING s.last_batch INTO b;
    INSERT INTO mig.repeatable (name, up_sql, checksum, batch, applied_by, duration)
    VALUES (rep_name, up_sql, ck, b, caller, NULL);
    INSERT INTO mig.log (action, version, name, batch, checksum, role, message)
    VALUES ('adopt', NULL, rep_name, b, ck, caller, pg_catalog.format('applied by %s', source));
    RETURN QUERY SELECT NULL::pg_catalog.text, rep_name, 'adopted'::pg_catalog.text, b,
                        NULL::pg_catalog.interval;
END
$$;
COMMENT ON FUNCTION mig._adopt_repeatable(name, text, text, text) IS 'internal: mig.adopt_repeatable''s bookkeeping, run as the extension owner';

CREATE FUNCTION mig._vouch(caller name, versions text[], up_checksums text[], down_checksums text[])
RETURNS TABLE (r_version text, r_name text, r_uploaded_by name)
LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF pg_catalog.cardinality(versions) OPERATOR(pg_catalog.<>) pg_catalog.cardinality(up_checksums)
       OR pg_catalog.cardinality(versions) OPERATOR(pg_catalog.<>) pg_catalog.cardinality(down_checksums) THEN
        RAISE EXCEPTION 'the arrays of mig.vouch must have the same length'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    RETURN QUERY
    WITH held AS (
        SELECT mig.version_key(h.v) AS vkey, h.up, h.down
        FROM ROWS FROM (pg_catalog.unnest(versions), pg_catalog.unnest(up_checksums),
                        pg_catalog.unnest(down_checksums)) AS h(v, up, down)
    ), theirs AS (
        SELECT m.vkey, m.version, m.name, m.uploaded_by, m.up_checksum
        FROM mig.migration m JOIN held h ON h.vkey OPERATOR(pg_catalog.=) m.vkey
        WHERE m.up_checksum OPERATOR(pg_catalog.=) h.up
          AND m.down_checksum IS NOT DISTINCT FROM h.down
          AND m.uploaded_by OPERATOR(pg_catalog.<>) caller
    ), upd AS (
        UPDATE mig.migration m SET uploaded_by = caller
        FROM theirs t WHERE m.vkey OPERATOR(pg_catalog.=) t.vkey
    ), lg AS (
        INSERT INTO mig.log (action, version, name, checksum, role, message)
        SELECT 'vouch', t.version, t.name, t.up_checksum, caller,
               pg_catalog.format('uploaded by %s', t.uploaded_by)
        FROM theirs t ORDER BY t.vkey
    )
    SELECT t.version, t.name, t.uploaded_by FROM theirs t ORDER BY t.vkey;
END
$$;
COMMENT ON FUNCTION mig._vouch(name, text[], text[], text[]) IS 'internal: mig.vouch''s bookkeeping, run as the extension owner';

-- ---------------------------------------------------------------------------------------
-- drift: DDL run outside pgmig (docs/safety.md, "Drift: DDL outside pgmig")
-- ---------------------------------------------------------------------------------------

CREATE TABLE mig.drift (
    id                pg_catalog.int8 GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at                pg_catalog.timestamptz NOT NULL DEFAULT pg_catalog.clock_timestamp(),
    role              pg_catalog.name NOT NULL,
    session_role      pg_catalog.name NOT NULL,
    client_addr       pg_catalog.inet DEFAULT pg_catalog.inet_client_addr(),
    application_name  pg_catalog.text,
    event             pg_catalog.text NOT NULL CHECK (event OPERATOR(pg_catalog.=) ANY (ARRAY['ddl', 'drop'])),
    command_tag       pg_catalog.text NOT NULL,
    object_type       pg_catalog.text,
    object_identity   pg_catalog.text,
    statement         pg_catalog.text
);
CREATE INDEX drift_at_idx ON mig.drift (at);
COMMENT ON TABLE mig.drift IS 'DDL run outside pgmig, recorded by the event triggers pgmig_drift_ddl and pgmig_drift_drop; written only by the extension';
COMMENT ON COLUMN mig.drift.role IS 'the current user that ran the statement';
COMMENT ON COLUMN mig.drift.session_role IS 'the session user (who logged in)';
COMMENT ON COLUMN mig.drift.event IS 'ddl: an object created or altered (ddl_command_end); drop: an object dropped (sql_drop)';
COMMENT ON COLUMN mig.drift.statement IS 'the client''s whole query string (current_query())';

SELECT pg_catalog.pg_extension_config_dump('mig.drift', '');
SELECT pg_catalog.pg_extension_config_dump('mig.drift_id_seq', '');

CREATE FUNCTION mig._drift_capture() RETURNS event_trigger
LANGUAGE c AS 'MODULE_PATHNAME', 'mig_drift_capture';
COMMENT ON FUNCTION mig._drift_capture() IS 'event trigger: records DDL run outside pgmig in mig.drift (not migration SQL, not with pgmig.drift_capture off)';

CREATE FUNCTION mig._drift_quiet_session() RETURNS void
LANGUAGE c VOLATILE AS 'MODULE_PATHNAME', 'mig_drift_quiet_session';
COMMENT ON FUNCTION mig._drift_quiet_session() IS 'internal: the session that creates the extension (a restore: pg_dump''s script, pg_restore) records no drift';

CREATE EVENT TRIGGER pgmig_drift_ddl ON ddl_command_end EXECUTE FUNCTION mig._drift_capture();
CREATE EVENT TRIGGER pgmig_drift_drop ON sql_drop EXECUTE FUNCTION mig._drift_capture();

CREATE FUNCTION mig.drift_status(
    OUT capture text, OUT last_deploy timestamptz, OUT since_deploy int8, OUT total int8,
    OUT latest timestamptz)
RETURNS record
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
WITH deploy AS (
    SELECT l.at FROM mig.log l
    WHERE l.action OPERATOR(pg_catalog.=) ANY (ARRAY['apply', 'rollback', 'apply_statement', 'baseline', 'adopt'])
    ORDER BY l.id DESC LIMIT 1
), triggers AS (
    SELECT pg_catalog.count(*) AS n FROM pg_catalog.pg_event_trigger e
    WHERE e.evtname OPERATOR(pg_catalog.=) ANY (ARRAY['pgmig_drift_ddl', 'pgmig_drift_drop']::pg_catalog.name[])
      AND e.evtenabled OPERATOR(pg_catalog.<>) 'D'
)
SELECT CASE WHEN (SELECT t.n FROM triggers t) OPERATOR(pg_catalog.<) 2 THEN 'unavailable'
            WHEN pg_catalog.current_setting('pgmig.drift_capture', true) OPERATOR(pg_catalog.=) 'off' THEN 'off'
            ELSE 'on' END,
       (SELECT d.at FROM deploy d),
       (SELECT pg_catalog.count(*) FROM mig.drift x
        WHERE x.at OPERATOR(pg_catalog.>) coalesce((SELECT d.at FROM deploy d), '-infinity')),
       (SELECT pg_catalog.count(*) FROM mig.drift x),
       (SELECT pg_catalog.max(x.at) FROM mig.drift x)
$$;
COMMENT ON FUNCTION mig.drift_status() IS 'whether drift is captured (on, off: pgmig.drift_capture, unavailable: event triggers missing or disabled), the last deploy, and how many mig.drift rows came after it';

-- The catalog when the last deploy ended: what mig.drift_check() compares the live catalog with,
-- so that drift is found even when the event triggers were disabled or capture was off.
CREATE TABLE mig.drift_snapshot (
    id       pg_catalog.bool PRIMARY KEY DEFAULT true CHECK (id),
    at       pg_catalog.timestamptz NOT NULL DEFAULT pg_catalog.clock_timestamp(),
    hash     pg_catalog.text NOT NULL,
    objects  pg_catalog.jsonb NOT NULL
);
COMMENT ON TABLE mig.drift_snapshot IS 'singleton: mig.fingerprint() when the last deploy ended (stored with its mig.log rows); what mig.drift_check() compares the live catalog with';
COMMENT ON COLUMN mig.drift_snapshot.hash IS 'mig.fingerprint_hash() of the same rows';
COMMENT ON COLUMN mig.drift_snapshot.objects IS 'mig.fingerprint()''s rows, as an array of [kind, identity, definition]';
SELECT pg_catalog.pg_extension_config_dump('mig.drift_snapshot', '');

CREATE FUNCTION mig._in_bookkeeping() RETURNS boolean
LANGUAGE c STABLE AS 'MODULE_PATHNAME', 'mig_in_bookkeeping';
COMMENT ON FUNCTION mig._in_bookkeeping() IS 'internal: whether pgmig''s own bookkeeping is writing now (not a restore''s COPY, nor the owner by hand)';

-- Every path that records a deploy writes its mig.log rows as the owner, in a bookkeeping scope:
-- a statement trigger there stores the fingerprint in the deploy's own transaction, once per
-- recording statement (not for the rows a restore copies into mig.log).
CREATE FUNCTION mig._drift_snapshot_store() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp SET jit = off AS $$
BEGIN
    IF mig._in_bookkeeping() AND EXISTS (SELECT 1 FROM new_log n
               WHERE n.action OPERATOR(pg_catalog.=) ANY (ARRAY['apply', 'rollback', 'apply_statement', 'baseline', 'adopt'])) THEN
        INSERT INTO mig.drift_snapshot AS s (id, at, hash, objects)
        SELECT true, pg_catalog.clock_timestamp(),
               pg_catalog.md5(coalesce(pg_catalog.string_agg(
                   pg_catalog.concat_ws(E'\t', f.kind, f.identity, f.definition), E'\n'
                   ORDER BY f.kind COLLATE "C", f.identity COLLATE "C", f.definition COLLATE "C"), '')),
               coalesce(pg_catalog.jsonb_agg(pg_catalog.jsonb_build_array(f.kind, f.identity, f.definition)), '[]')
        FROM mig.fingerprint() f
        ON CONFLICT (id) DO UPDATE SET at = excluded.at, hash = excluded.hash, objects = excluded.objects;
    END IF;
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION mig._drift_snapshot_store() IS 'trigger: stores mig.fingerprint() in mig.drift_snapshot when a deploy is logged';
CREATE TRIGGER log_drift_snapshot AFTER INSERT ON mig.log
    REFERENCING NEW TABLE AS new_log
    FOR EACH STATEMENT EXECUTE FUNCTION mig._drift_snapshot_store();

CREATE FUNCTION mig.drift_check(
    OUT change text, OUT kind text, OUT identity text, OUT stored text, OUT live text)
RETURNS SETOF record
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp SET jit = off AS $$
WITH s AS (
    SELECT e.o OPERATOR(pg_catalog.->>) 0 AS kind, e.o OPERATOR(pg_catalog.->>) 1 AS identity,
           e.o OPERATOR(pg_catalog.->>) 2 AS definition
    FROM mig.drift_snapshot x, pg_catalog.jsonb_array_elements(x.objects) AS e(o)
), l AS (
    SELECT f.kind, f.identity, f.definition FROM mig.fingerprint() f
)
SELECT CASE WHEN s.kind IS NULL THEN 'added' WHEN l.kind IS NULL THEN 'removed' ELSE 'changed' END,
       coalesce(l.kind, s.kind), coalesce(l.identity, s.identity), s.definition, l.definition
FROM s FULL JOIN l ON l.kind OPERATOR(pg_catalog.=) s.kind AND l.identity OPERATOR(pg_catalog.=) s.identity
WHERE s.kind IS NULL OR l.kind IS NULL OR s.definition IS DISTINCT FROM l.definition
ORDER BY coalesce(l.identity, s.identity) COLLATE "C", coalesce(l.kind, s.kind) COLLATE "C"
$$;
COMMENT ON FUNCTION mig.drift_check() IS 'objects added, removed or changed since the last deploy: the live mig.fingerprint() against mig.drift_snapshot (no rows: no drift, or no deploy stored a fingerprint yet)';

-- ---------------------------------------------------------------------------------------
-- deployers
-- ---------------------------------------------------------------------------------------

CREATE FUNCTION mig.grant_deployer(role name) RETURNS void
LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp
-- pgmig's own grants are not drift
SET pgmig.drift_capture = off AS $$
DECLARE
    f pg_catalog.regprocedure;
BEGIN
    IF role IS NULL THEN
        RAISE EXCEPTION 'role must not be NULL' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    IF role OPERATOR(pg_catalog.=) 'public' OR pg_catalog.starts_with(role, 'pg_') THEN
        RAISE EXCEPTION 'role name "%" is reserved', role USING ERRCODE = 'reserved_name',
            HINT = 'Make a role of its own the deployer.';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles r WHERE r.rolname OPERATOR(pg_catalog.=) role) THEN
        RAISE EXCEPTION 'role "%" does not exist', role USING ERRCODE = 'undefined_object';
    END IF;
    EXECUTE pg_catalog.format('GRANT USAGE ON SCHEMA mig TO %I', role);
    -- every function of the API; not the internal ones (_name, but _check_uploader, which
    -- mig.statements calls as the caller), the deployer administration, nor trigger functions
    FOR f IN SELECT p.oid::pg_catalog.regprocedure FROM pg_catalog.pg_proc p
             WHERE p.pronamespace OPERATOR(pg_catalog.=) 'mig'::pg_catalog.regnamespace
               AND p.prorettype OPERATOR(pg_catalog.<>) 'pg_catalog.trigger'::pg_catalog.regtype
               AND (NOT pg_catalog.starts_with(p.proname, '_') OR p.proname OPERATOR(pg_catalog.=) '_check_uploader')
               AND p.proname OPERATOR(pg_catalog.<>) ALL (ARRAY['grant_deployer', 'revoke_deployer']::pg_catalog.name[])
    LOOP
        EXECUTE pg_catalog.format('GRANT EXECUTE ON FUNCTION %s TO %I', f, role);
    END LOOP;
    EXECUTE pg_catalog.format('GRANT SELECT ON mig.migration, mig.applied, mig.state, mig.repeatable, mig.log, mig.pending, mig.drift, mig.drift_snapshot TO %I', role);
END
$$;
COMMENT ON FUNCTION mig.grant_deployer(name) IS 'makes a role a deployer: EXECUTE on the API, SELECT on the tables (superuser only)';

CREATE FUNCTION mig.revoke_deployer(role name) RETURNS void
LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp
-- pgmig's own grants are not drift
SET pgmig.drift_capture = off AS $$
BEGIN
    IF role IS NULL THEN
        RAISE EXCEPTION 'role must not be NULL' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    EXECUTE pg_catalog.format('REVOKE ALL ON mig.migration, mig.applied, mig.state, mig.repeatable, mig.log, mig.pending, mig.drift, mig.drift_snapshot FROM %I', role);
    EXECUTE pg_catalog.format('REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA mig FROM %I', role);
    EXECUTE pg_catalog.format('REVOKE USAGE ON SCHEMA mig FROM %I', role);
END
$$;
COMMENT ON FUNCTION mig.revoke_deployer(name) IS 'undoes mig.grant_deployer (superuser only)';

-- ---------------------------------------------------------------------------------------
-- the lease of a non-transactional migration (docs/cli.md, "Locking and timeouts")
-- ---------------------------------------------------------------------------------------
-- A non-transactional migration runs outside any transaction, so outside the deploy lock. Its
-- deployer takes the lease while it holds the lock and renews it before each statement; every
-- other deployer that takes the lock then finds it alive and waits, outside any transaction
-- (CREATE INDEX CONCURRENTLY waits for every transaction with an older snapshot). Nothing of it
-- lives in a session, so that it works through a pooler in transaction mode. The lease is alive
-- while renewed in the last 5 seconds by a backend that still exists (through a pooler, that
-- backend outlives its client: then the 5 seconds decide), or while any backend runs a statement
-- of that migration (its pg_stat_activity comment); a dead lease names the statement that may
-- have been cut.
CREATE TABLE mig.lease (
    id                pg_catalog.bool PRIMARY KEY DEFAULT true CHECK (id),
    token             pg_catalog.text NOT NULL,
    version           pg_catalog.text NOT NULL,
    direction         pg_catalog.text NOT NULL,
    stmt_no           pg_catalog.int4 NOT NULL,
    pid               pg_catalog.int4 NOT NULL,
    application_name  pg_catalog.text,
    role              pg_catalog.name NOT NULL,
    renewed           pg_catalog.timestamptz NOT NULL
);
COMMENT ON TABLE mig.lease IS 'who runs a non-transactional migration outside the deploy lock, and which statement (one row at most; written only by mig.lease)';

CREATE FUNCTION mig.lease(action text, token text DEFAULT NULL, version text DEFAULT NULL,
    direction text DEFAULT NULL, stmt_no int DEFAULT NULL,
    OUT pid int, OUT application_name text, OUT role name, OUT lease_version text,
    OUT lease_direction text, OUT lease_stmt_no int, OUT renewed timestamptz, OUT alive boolean)
RETURNS SETOF record
LANGUAGE c VOLATILE AS 'MODULE_PATHNAME', 'mig_lease';
COMMENT ON FUNCTION mig.lease(text, text, text, text, int) IS 'the lease of a non-transactional migration: check, take (or renew), release, forget (a dead one); returns another holder''s lease';

CREATE FUNCTION mig._lease(caller name, action text, token text, version text, direction text,
    stmt_no int)
RETURNS TABLE (r_pid int, r_application_name text, r_role name, r_version text,
    r_direction text, r_stmt_no int, r_renewed timestamptz, r_alive boolean)
LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    l mig.lease;
    had boolean;
    alive boolean;
BEGIN
    IF action IS NULL OR action OPERATOR(pg_catalog.<>) ALL (ARRAY['check', 'take', 'release', 'forget']) THEN
        RAISE EXCEPTION 'action must be ''check'', ''take'', ''release'' or ''forget'''
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF action OPERATOR(pg_catalog.<>) 'forget' AND token IS NULL THEN
        RAISE EXCEPTION 'mig.lease(''%'') needs a token', action USING ERRCODE = 'null_value_not_allowed';
    END IF;
    SELECT * INTO l FROM mig.lease x FOR UPDATE;
    had := FOUND;
    IF had AND l.token IS DISTINCT FROM _lease.token THEN
        alive := (l.renewed OPERATOR(pg_catalog.>) (pg_catalog.clock_timestamp() OPERATOR(pg_catalog.-) '5 s'::pg_catalog.interval)
                  AND EXISTS (SELECT 1 FROM pg_catalog.pg_stat_activity a WHERE a.pid OPERATOR(pg_catalog.=) l.pid))
            OR EXISTS (SELECT 1 FROM pg_catalog.pg_stat_activity a
                       WHERE a.state OPERATOR(pg_catalog.=) 'active'
                         AND a.pid OPERATOR(pg_catalog.<>) pg_catalog.pg_backend_pid()
                         AND pg_catalog.starts_with(a.query, pg_catalog.format('/* pgmig: %s %s statement ', l.version, l.direction)));
        IF alive OR action OPERATOR(pg_catalog.=) 'check' THEN
            RETURN QUERY SELECT l.pid, l.application_name, l.role, l.version, l.direction,
                                l.stmt_no, l.renewed, alive;
            RETURN;
        END IF;
    END IF;
    IF action OPERATOR(pg_catalog.=) 'take' THEN
        IF version IS NULL OR direction OPERATOR(pg_catalog.<>) ALL (ARRAY['up', 'down']) OR stmt_no IS NULL THEN
            RAISE EXCEPTION 'mig.lease(''take'') needs a version, a direction (''up'' or ''down'') and a statement number'
                USING ERRCODE = 'null_value_not_allowed';
        END IF;
        INSERT INTO mig.lease AS x (token, version, direction, stmt_no, pid, application_name, role, renewed)
        VALUES (_lease.token, _lease.version, _lease.direction, _lease.stmt_no, pg_catalog.pg_backend_pid(),
                pg_catalog.current_setting('application_name'), caller, pg_catalog.clock_timestamp())
        ON CONFLICT (id) DO UPDATE SET token = excluded.token, version = excluded.version,
            direction = excluded.direction, stmt_no = excluded.stmt_no, pid = excluded.pid,
            application_name = excluded.application_name, role = excluded.role, renewed = excluded.renewed;
        -- what the dead lease said, for the caller to look at the statement it names
        IF had AND l.token IS DISTINCT FROM _lease.token THEN
            RETURN QUERY SELECT l.pid, l.application_name, l.role, l.version, l.direction,
                                l.stmt_no, l.renewed, false;
        END IF;
    ELSIF action OPERATOR(pg_catalog.=) 'release' THEN
        DELETE FROM mig.lease x WHERE x.token OPERATOR(pg_catalog.=) _lease.token;
    ELSIF action OPERATOR(pg_catalog.=) 'forget' THEN
        DELETE FROM mig.lease;
    END IF;
END
$$;
COMMENT ON FUNCTION mig._lease(name, text, text, text, text, int) IS 'internal: mig.lease''s bookkeeping, run as the extension owner';

-- ---------------------------------------------------------------------------------------
-- privileges: nothing for PUBLIC
-- ---------------------------------------------------------------------------------------
REVOKE ALL ON ALL TABLES IN SCHEMA mig FROM PUBLIC;
REVOKE ALL ON ALL SEQUENCES IN SCHEMA mig FROM PUBLIC;
REVOKE ALL ON ALL FUNCTIONS IN SCHEMA mig FROM PUBLIC;

-- the rest of this session creates what a restore (pg_dump's script, pg_restore) brings: no drift
SELECT mig._drift_quiet_session();
