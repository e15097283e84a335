-- lease: the lease of a non-transactional migration (mig.lease): take, renew, another holder
-- alive or dead, release, forget; as a deployer
DROP EXTENSION pgmig; CREATE EXTENSION pgmig;
-- nobody holds it
SELECT * FROM mig.lease('check', 'tokA');
-- A takes it (nothing returned: no one else held it), renews it for its next statement
SELECT * FROM mig.lease('take', 'tokA', '1', 'up', 0);
SELECT token, version, direction, stmt_no, pid = pg_backend_pid() AS mine, role FROM mig.lease;
SELECT * FROM mig.lease('take', 'tokA', '1', 'up', 2);
SELECT stmt_no FROM mig.lease;
-- B finds it alive (renewed just now): B's take changes nothing; neither does B's release
SELECT lease_version, lease_direction, lease_stmt_no, alive FROM mig.lease('check', 'tokB');
SELECT lease_version, lease_stmt_no, alive FROM mig.lease('take', 'tokB', '2', 'up', 1);
SELECT alive FROM mig.lease('release', 'tokB');
SELECT lease_version, alive FROM mig.lease('forget');
SELECT token, stmt_no FROM mig.lease;
-- renewed just now, by a backend that is gone (its client killed): dead at once
UPDATE mig.lease SET pid = 0;
SELECT lease_version, lease_stmt_no, alive FROM mig.lease('check', 'tokB');
-- renewed 10 s ago (through a pooler, whose backend outlives the client): dead
UPDATE mig.lease SET pid = pg_backend_pid();
-- A's holder died 10 s ago: B sees it dead, and which statement it was on
UPDATE mig.lease SET renewed = clock_timestamp() - interval '10 s';
SELECT lease_version, lease_direction, lease_stmt_no, alive FROM mig.lease('check', 'tokB');
-- B takes it over: told once what the dead lease said
SELECT lease_version, lease_stmt_no, alive FROM mig.lease('take', 'tokB', '1', 'up', 2);
SELECT token, stmt_no FROM mig.lease;
SELECT * FROM mig.lease('check', 'tokB');
-- released by its holder
SELECT * FROM mig.lease('release', 'tokB');
SELECT count(*) FROM mig.lease;
-- a dead lease is forgotten on request (after a refusal to guess, docs/troubleshooting.md)
SELECT * FROM mig.lease('take', 'tokC', '3', 'down', 1);
UPDATE mig.lease SET renewed = clock_timestamp() - interval '10 s';
SELECT * FROM mig.lease('forget');
SELECT count(*) FROM mig.lease;
-- bad arguments
SELECT * FROM mig.lease('grab', 'tokA');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM mig.lease(NULL);
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM mig.lease('check');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM mig.lease('take', 'tokA', '1', 'sideways', 1);
\echo :LAST_ERROR_SQLSTATE
-- a deployer may call it; not write the table
CREATE ROLE lease_deployer LOGIN;
SELECT mig.grant_deployer('lease_deployer');
SET ROLE lease_deployer;
SELECT * FROM mig.lease('take', 'tokD', '1', 'up', 1);
SELECT role FROM mig.lease;
\echo :LAST_ERROR_SQLSTATE
UPDATE mig.lease SET renewed = now();
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;
SELECT token, role FROM mig.lease;
SET ROLE lease_deployer;
SELECT * FROM mig.lease('release', 'tokD');
RESET ROLE;
SELECT count(*) FROM mig.lease;
SELECT mig.revoke_deployer('lease_deployer');
DROP ROLE lease_deployer;
