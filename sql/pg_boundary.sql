-- pg_boundary: errors crossing the C++/PostgreSQL boundary keep their SQLSTATE; C++ destructors run
-- test-only function, off by default
SELECT mig._debug_raise('pg_error');
\echo :LAST_ERROR_SQLSTATE
SET pgmig.debug_functions = on;
\set VERBOSITY verbose
-- a PostgreSQL error raised while C++ objects are alive: rethrown intact (22012)
SELECT mig._debug_raise('pg_error');
-- the same error from inside SPI
SELECT mig._debug_raise('pg_error_in_spi');
\set VERBOSITY default
SELECT mig._debug_raise('pg_error');
\echo :LAST_ERROR_SQLSTATE
-- a C++ exception becomes XX000, a UserError keeps its SQLSTATE, bad_alloc becomes 53200
SELECT mig._debug_raise('cpp_exception');
\echo :LAST_ERROR_SQLSTATE
SELECT mig._debug_raise('user_error');
\echo :LAST_ERROR_SQLSTATE
SELECT mig._debug_raise('bad_alloc');
\echo :LAST_ERROR_SQLSTATE
SELECT mig._debug_raise('nonsense');
\echo :LAST_ERROR_SQLSTATE
-- each of the 7 calls above that got past the GUC check unwound its C++ frame: 7 destructors ran
SELECT mig._debug_raise('destructors') AS destructors_run;
-- the session is healthy afterwards: transactions and SPI work
BEGIN;
SAVEPOINT a;
SELECT mig._debug_raise('pg_error_in_spi');
ROLLBACK TO SAVEPOINT a;
SELECT count(*) >= 0 AS ok FROM mig.status();
COMMIT;
SELECT mig._debug_raise('destructors') AS destructors_run;
RESET pgmig.debug_functions;
