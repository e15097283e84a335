-- security_args: mig.grant_deployer refuses reserved and unknown roles; NULL arguments are
-- refused (22004) by every function that takes one; a trigger on pgmig's tables cannot call
-- back into pgmig during its bookkeeping (PM011)
DROP EXTENSION pgmig; CREATE EXTENSION pgmig;
SELECT mig.grant_deployer('public');
\echo :LAST_ERROR_SQLSTATE
SELECT mig.grant_deployer('pg_read_all_data');
\echo :LAST_ERROR_SQLSTATE
SELECT mig.grant_deployer('regress_no_such_role');
\echo :LAST_ERROR_SQLSTATE
SELECT mig.grant_deployer(NULL);
\echo :LAST_ERROR_SQLSTATE
SELECT mig.revoke_deployer(NULL);
\echo :LAST_ERROR_SQLSTATE
SELECT nspacl FROM pg_namespace WHERE nspname = 'mig';
\set VERBOSITY terse
SELECT * FROM mig.upload(NULL, 'n', 'SELECT 1');
SELECT * FROM mig.upload_many(NULL, ARRAY['n'], ARRAY['SELECT 1']);
SELECT * FROM mig.apply(NULL, 'n', 'SELECT 1');
SELECT * FROM mig.apply_repeatable(NULL, 'SELECT 1');
SELECT * FROM mig.rollback(NULL);
SELECT * FROM mig.rollback_to(NULL);
SELECT * FROM mig.baseline(NULL);
SELECT * FROM mig.record_statement('1', 1, NULL);
SELECT * FROM mig.record_failure('1', 1, '42P01', 'm', NULL);
SELECT * FROM mig.vouch(ARRAY['1'], NULL, ARRAY['x']);
SELECT * FROM mig.statements('1', NULL);
\set VERBOSITY default
-- a trigger that calls pgmig while pgmig writes its log
CREATE FUNCTION reenter() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN PERFORM count(*) FROM mig.apply(); RETURN NEW; END $$;
CREATE TRIGGER reenter AFTER INSERT ON mig.log FOR EACH ROW EXECUTE FUNCTION reenter();
SELECT version, action FROM mig.apply('1', 'one', 'SELECT 1');
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) AS applied FROM mig.applied;
DROP TRIGGER reenter ON mig.log;
DROP FUNCTION reenter();
-- the same call works without it
SELECT version, action FROM mig.apply('1', 'one', 'SELECT 1');
DROP EXTENSION pgmig; CREATE EXTENSION pgmig;
