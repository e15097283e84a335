-- repair: the ways out of a folder that no longer matches the server. mig.repair replaces the
-- up script of an applied migration after a reviewed edit of comments or whitespace (force:
-- of its statements), mig.discard removes a pending migration; both are logged, and a deployer
-- may call them (the migration becomes the repairer's, as with mig.set_down)
DROP EXTENSION pgmig; CREATE EXTENSION pgmig;
CREATE ROLE regress_repairer;
SELECT mig.grant_deployer('regress_repairer');
SELECT version, action FROM mig.upload_many(ARRAY['1', '2', '3'], ARRAY['one', 'two', 'three'],
    ARRAY['CREATE TABLE rp_1 (id int);', 'CREATE TABLE rp_2 ();', 'CREATE TABLE rp_3 ();'],
    ARRAY['DROP TABLE rp_1;', NULL, 'DROP TABLE rp_3;'],
    files => ARRAY['1_one.up.sql', '2_two.up.sql', '3_three.up.sql']);
SELECT version, action FROM mig.apply('2');
-- a comment and whitespace (and the case of keywords and unquoted names): accepted
SELECT version, name, old_checksum = mig.checksum('CREATE TABLE rp_1 (id int);') AS old_ok,
       new_checksum = mig.checksum(E'-- reviewed\ncreate table RP_1 (\n    id int\n);\n') AS new_ok,
       statements_changed
FROM mig.repair('1', E'-- reviewed\ncreate table RP_1 (\n    id int\n);\n', mig.checksum('DROP TABLE rp_1;'));
SELECT version, state, checksum = mig.checksum(E'-- reviewed\ncreate table RP_1 (\n    id int\n);\n') AS repaired
FROM mig.status() WHERE version = '1';
-- what ran stays recorded in mig.applied; the log names both checksums and the role
SELECT a.checksum = mig.checksum('CREATE TABLE rp_1 (id int);') AS applied_keeps_what_ran
FROM mig.applied a JOIN mig.migration m USING (vkey) WHERE m.version = '1';
SELECT action, version, role, checksum = mig.checksum(E'-- reviewed\ncreate table RP_1 (\n    id int\n);\n') AS new_ck,
       message = 'up script replaced (was ' || mig.checksum('CREATE TABLE rp_1 (id int);') || ')' AS says_old
FROM mig.log WHERE action = 'repair';
-- the same text again: nothing to change, nothing logged
SELECT statements_changed FROM mig.repair('1', E'-- reviewed\ncreate table RP_1 (\n    id int\n);\n', mig.checksum('DROP TABLE rp_1;'));
SELECT count(*) AS repair_rows FROM mig.log WHERE action = 'repair';
-- a changed statement (a string, a name, a number) is refused unless forced: PM015
SELECT * FROM mig.repair('1', 'CREATE TABLE rp_1 (id bigint);', mig.checksum('DROP TABLE rp_1;'));
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM mig.repair('2', 'CREATE TABLE "RP_2" ();', NULL);
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM mig.repair('2', E'CREATE TABLE rp_2 (); COMMENT ON TABLE rp_2 IS \'x\';', NULL);
\echo :LAST_ERROR_SQLSTATE
SELECT version, statements_changed FROM mig.repair('2', 'CREATE TABLE rp_2 (); CREATE TABLE rp_2b ();', NULL, force => true);
SELECT version, statements FROM mig.status() WHERE version = '2';
SELECT message ~ '^up script replaced \(was [0-9a-f]{64}\); statements changed \(forced\)$' AS says_forced
FROM mig.log WHERE action = 'repair' AND version = '2';
-- the caller must hold the stored down script (NULL: none): PM001 otherwise
SELECT * FROM mig.repair('1', 'CREATE TABLE rp_1 (id int);', NULL);
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM mig.repair('2', 'CREATE TABLE rp_2 ();', mig.checksum('x'));
\echo :LAST_ERROR_SQLSTATE
-- a pending migration has nothing to repair (PM014), an unknown version is PM006, a new up
-- script that does not parse is a syntax error, NULL arguments 22004
SELECT * FROM mig.repair('3', 'CREATE TABLE rp_3 ();', mig.checksum('DROP TABLE rp_3;'));
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM mig.repair('9', 'SELECT 1', NULL);
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM mig.repair('1', 'CREATE TABLEE rp_1 (id int);', mig.checksum('DROP TABLE rp_1;'));
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM mig.repair(NULL, 'SELECT 1', NULL);
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM mig.repair('1', NULL, NULL);
\echo :LAST_ERROR_SQLSTATE
-- a deployer repairs: the migration becomes its own, the log names it
SET ROLE regress_repairer;
SELECT version, statements_changed FROM mig.repair('1', E'CREATE TABLE rp_1 (id int); -- again\n', mig.checksum('DROP TABLE rp_1;'));
RESET ROLE;
SELECT version, uploaded_by FROM mig.status() WHERE version = '1';
SELECT role FROM mig.log WHERE action = 'repair' ORDER BY id DESC LIMIT 1;
-- ... and may not write the tables itself
SET ROLE regress_repairer;
UPDATE mig.migration SET up_checksum = 'x' WHERE version = '1';
RESET ROLE;
-- repaired migrations roll back and run again from the repaired text (1 is the repairer's
-- now: another role runs it only trusting it)
SELECT mig.set_down('2', 'DROP TABLE rp_2;', mig.checksum('CREATE TABLE rp_2 (); CREATE TABLE rp_2b ();')) IS NOT NULL AS down_added;
SELECT version, action FROM mig.rollback(2, trust_uploads => true);
SELECT version, action FROM mig.apply('1');
\echo :LAST_ERROR_SQLSTATE
SELECT version, action FROM mig.apply('2', trust_uploads => true);
SELECT string_agg(tablename, ',' ORDER BY tablename) AS tables FROM pg_tables WHERE tablename LIKE 'rp\_%';
-- mig.discard: a pending migration goes, logged with its uploader; applied ones are refused
SELECT version, action FROM mig.upload('4', 'four', 'CREATE TABLE rp_4 ();');
SELECT version, name, checksum = mig.checksum('CREATE TABLE rp_3 ();') AS ck, uploaded_by FROM mig.discard('3');
SELECT version, state FROM mig.status();
SELECT action, version, role, message FROM mig.log WHERE action = 'discard';
SELECT * FROM mig.discard('1');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM mig.discard('3');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM mig.discard(NULL);
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM mig.discard('not a version!');
\echo :LAST_ERROR_SQLSTATE
-- a deployer discards another role's pending migration (it runs nothing)
SET ROLE regress_repairer;
SELECT version, uploaded_by FROM mig.discard('4');
RESET ROLE;
SELECT role, message FROM mig.log WHERE action = 'discard' ORDER BY id DESC LIMIT 1;
SELECT version, action FROM mig.apply();
-- a role that is no deployer may call neither
CREATE ROLE regress_outsider;
SET ROLE regress_outsider;
SELECT * FROM mig.repair('1', 'SELECT 1', NULL);
SELECT * FROM mig.discard('1');
RESET ROLE;
SELECT count(*) AS chain_breaks FROM mig.log_verify();
DROP TABLE rp_1, rp_2, rp_2b;
DROP EXTENSION pgmig; CREATE EXTENSION pgmig;
DROP ROLE regress_repairer, regress_outsider;
