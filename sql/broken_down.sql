-- broken_down: a down script that does not parse does not block an upload or an apply (its tools
-- read down scripts only when they run them); it is stored with its error, rolling back is
-- refused before anything runs (PM013) naming file, line and column, and mig.set_down repairs it
DROP EXTENSION pgmig; CREATE EXTENSION pgmig;
SELECT version, action, down_error FROM mig.upload_many(ARRAY['1', '2'], ARRAY['one', 'two'],
    ARRAY['CREATE TABLE bd_1 ();', 'CREATE TABLE bd_2 ();'],
    ARRAY['DROP TABLE bd_1;', E'-- old\nDROP TABLEE bd_2;'],
    files => ARRAY['1_one.up.sql', '2_two.up.sql'], down_files => ARRAY['1_one.down.sql', '2_two.down.sql']);
SELECT version, action FROM mig.apply();
SELECT version, state, has_down, down_error ->> 'line' AS line, down_error ->> 'column' AS col
FROM mig.status();
-- rolling back through it is refused before anything runs
SELECT version, action FROM mig.rollback(2);
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) AS tables FROM pg_tables WHERE tablename LIKE 'bd\_%';
SELECT stmt_no FROM mig.statements('2', 'down');
\echo :LAST_ERROR_SQLSTATE
-- strict: refused at upload, as before
SELECT version, action FROM mig.upload('3', 'three', 'SELECT 3', 'SELEC 3', '{"strict": true}');
\echo :LAST_ERROR_SQLSTATE
-- other errors than syntax are not stored: COPY FROM STDIN is still refused
SELECT version, action FROM mig.upload('4', 'four', 'SELECT 4', 'COPY bd_1 FROM STDIN');
\echo :LAST_ERROR_SQLSTATE
-- mig.set_down: the caller must hold the up script (its checksum); a new down that does not
-- parse is refused; the right one replaces it, is logged, and the migration rolls back
SELECT mig.set_down('2', 'DROP TABLE bd_2;', 'not the checksum');
\echo :LAST_ERROR_SQLSTATE
SELECT mig.set_down('2', 'DROP TABLEE bd_2;', mig.checksum('CREATE TABLE bd_2 ();'));
\echo :LAST_ERROR_SQLSTATE
SELECT mig.set_down('2', 'DROP TABLE bd_2;', mig.checksum('CREATE TABLE bd_2 ();')) = mig.checksum('DROP TABLE bd_2;') AS replaced;
SELECT version, has_down, down_error FROM mig.status() WHERE version = '2';
SELECT action, version, message ~ '^down script replaced \(was [0-9a-f]{64}\)$' AS says_what FROM mig.log WHERE action = 'set_down';
SELECT version, action FROM mig.rollback(2);
-- a migration without a down script gets one
SELECT version, action FROM mig.apply('5', 'five', 'CREATE TABLE bd_5 ();');
SELECT mig.set_down('5', 'DROP TABLE bd_5;', mig.checksum('CREATE TABLE bd_5 ();')) IS NOT NULL AS added;
SELECT version, action FROM mig.rollback(1);
SELECT mig.set_down(NULL, 'x', 'y');
\echo :LAST_ERROR_SQLSTATE
-- a down script with COPY FROM STDIN is refused by set_down as by upload (PM008, the same hint)
SELECT mig.set_down('2', 'COPY bd_2 FROM STDIN', mig.checksum('CREATE TABLE bd_2 ();'));
\echo :LAST_ERROR_SQLSTATE
DROP EXTENSION pgmig; CREATE EXTENSION pgmig;
