-- search_path: user SQL sees the caller's path; bookkeeping cannot be hijacked
DROP EXTENSION pgmig; CREATE EXTENSION pgmig;
CREATE SCHEMA app;
CREATE SCHEMA evil;
-- hostile look-alikes in public, pg_temp and evil
CREATE TABLE public.migration (x int);
CREATE TABLE public.applied (x int);
CREATE TABLE pg_temp.applied (x int);
CREATE TABLE pg_temp.log (x int);
CREATE TABLE evil.state (x int);
CREATE FUNCTION evil.now() RETURNS timestamptz LANGUAGE sql AS $$ SELECT '2000-01-01'::timestamptz $$;
CREATE FUNCTION evil.unnest(text[]) RETURNS SETOF text LANGUAGE sql AS $$ SELECT 'hijacked'::text $$;
CREATE FUNCTION evil.hijack(numeric[], numeric[]) RETURNS boolean LANGUAGE sql AS $$ SELECT true $$;
CREATE OPERATOR evil.= (LEFTARG = numeric[], RIGHTARG = numeric[], FUNCTION = evil.hijack);
CREATE OPERATOR public.<= (LEFTARG = numeric[], RIGHTARG = numeric[], FUNCTION = evil.hijack);
CREATE FUNCTION public.coalesce_hijack() RETURNS int LANGUAGE sql AS 'SELECT 1';
-- the migration's unqualified names resolve through the caller's search_path
SET search_path = app, public;
SELECT version, action FROM mig.apply('1', 'app_table', 'CREATE TABLE things (id int);');
SELECT to_regclass('app.things') IS NOT NULL AS created_in_app;
-- a migration switches search_path to evil (and evil first) before our bookkeeping runs
SELECT version, action FROM mig.upload('2', 'switch', 'SET search_path = evil, pg_temp, public, pg_catalog; CREATE TABLE evil_made (x int);');
SELECT version, action FROM mig.upload('3', 'after', 'CREATE TABLE after_switch (x int);');
SELECT version, name, action, batch FROM mig.apply();
-- the migration's SET stays in the session (documented), so migration 3 ran under evil's path
SHOW search_path;
SELECT to_regclass('evil.evil_made') IS NOT NULL AS evil_made, to_regclass('evil.after_switch') IS NOT NULL AS after_in_evil;
RESET search_path;
-- bookkeeping was not redirected: real history, real log, nothing in the look-alikes
SELECT version, state, batch FROM mig.status();
SELECT action, version, at > '2001-01-01' AS real_now FROM mig.log ORDER BY id;
SELECT (SELECT count(*) FROM public.migration) + (SELECT count(*) FROM public.applied)
     + (SELECT count(*) FROM pg_temp.applied) + (SELECT count(*) FROM pg_temp.log)
     + (SELECT count(*) FROM evil.state) AS lookalike_rows;
-- with evil first in the caller's own path, pgmig's functions still work correctly
SET search_path = evil, pg_temp, public;
SELECT version, action FROM mig.upload('4', 'four', 'CREATE TABLE public.four ();', 'DROP TABLE public.four;');
SELECT version, name, action FROM mig.apply();
SELECT version, name, action FROM mig.rollback();
SELECT version, state FROM mig.status();
SELECT version, action FROM mig.plan();
RESET search_path;
-- functions that never run user SQL carry a fixed search_path
-- (or, like mig.status, a SQL-standard body whose names were bound when it was created)
SELECT p.proname, (SELECT c FROM unnest(p.proconfig) c WHERE c LIKE 'search_path=%') AS path_setting,
       p.prosqlbody IS NOT NULL AS bound_at_creation FROM pg_proc p
WHERE p.pronamespace = 'mig'::regnamespace AND p.proname IN ('status', 'plan', 'split', 'apply', 'rollback')
ORDER BY 1, 2;
DROP SCHEMA evil CASCADE;
DROP SCHEMA app CASCADE;
DROP TABLE public.migration, public.applied;
DROP FUNCTION public.coalesce_hijack();
