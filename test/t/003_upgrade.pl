# ALTER EXTENSION pgmig UPDATE from 0.1.0 (as released) with history in place: history, the
# audit log and deployers survive, 0.1.0's table grants are gone, a wrapped script still runs
# without its BEGIN/COMMIT, and the catalog of schema mig equals a fresh 0.2.0 install's.
#
# The history is written as 0.1.0 wrote it, with SQL: this library is 0.2.0's, and its C code
# refuses to work on 0.1.0's objects until the update (a clear error, tested below).
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('upgrade');
$node->init;
$node->start;

$node->safe_psql('postgres', q{
    CREATE ROLE deployer LOGIN;
    CREATE DATABASE old;
    CREATE DATABASE fresh;
    GRANT CREATE ON SCHEMA public TO deployer;
});
$node->safe_psql('old', q{
    CREATE EXTENSION pgmig VERSION '0.1.0';
    GRANT CREATE ON SCHEMA public TO deployer;
    SELECT mig.grant_deployer('deployer');
    CREATE TABLE t1 (id int);
    CREATE TABLE t2 ();
    -- 1: applied; 2: applied, wrapped in its own BEGIN/COMMIT (up_run/down_run, as 0.1.0
    -- stored them); 3: pending, uploaded by the deployer
    INSERT INTO mig.migration (vkey, version, name, up_sql, down_sql, up_checksum, down_checksum,
                               up_run, down_run, transactional, statements, down_statements)
    VALUES (mig.version_key('1'), '1', 'one', 'CREATE TABLE t1 (id int);', 'DROP TABLE t1;',
            mig.checksum('CREATE TABLE t1 (id int);'), mig.checksum('DROP TABLE t1;'),
            NULL, NULL, true, 1, 1),
           (mig.version_key('2'), '2', 'wrapped', E'BEGIN;\nCREATE TABLE t2 ();\nCOMMIT;\n',
            E'BEGIN;\nDROP TABLE t2;\nCOMMIT;\n',
            mig.checksum(E'BEGIN;\nCREATE TABLE t2 ();\nCOMMIT;\n'),
            mig.checksum(E'BEGIN;\nDROP TABLE t2;\nCOMMIT;\n'),
            E'      \nCREATE TABLE t2 ()', E'      \nDROP TABLE t2', true, 3, 3);
    INSERT INTO mig.migration (vkey, version, name, up_sql, down_sql, up_checksum, down_checksum,
                               transactional, statements, down_statements, uploaded_by)
    VALUES (mig.version_key('3'), '3', 'three', 'CREATE TABLE t3 ();', 'DROP TABLE t3;',
            mig.checksum('CREATE TABLE t3 ();'), mig.checksum('DROP TABLE t3;'), true, 1, 1,
            'deployer');
    INSERT INTO mig.applied (vkey, batch, checksum, method)
    SELECT m.vkey, 1, m.up_checksum, 'run' FROM mig.migration m WHERE m.version IN ('1', '2');
    UPDATE mig.state SET last_batch = 1;
    INSERT INTO mig.log (action, version, name, batch, checksum)
    SELECT 'apply', m.version, m.name, 1, m.up_checksum FROM mig.migration m
    WHERE m.version IN ('1', '2') ORDER BY m.vkey;
});
is($node->safe_psql('old', q{SELECT has_table_privilege('deployer', 'mig.migration', 'INSERT')}),
   't', '0.1.0: the deployer may write mig.migration');

# the 0.2.0 library on 0.1.0's objects: a clear error, nothing changed
my ($rc, $out, $err) = $node->psql('old', 'SELECT * FROM mig.apply()');
like($err, qr/its SQL objects are older/, 'before the update: the library asks for it');
like($err, qr/ALTER EXTENSION pgmig UPDATE/, 'before the update: names the command');

my $status_sql = 'SELECT version, name, state, batch, checksum, has_down FROM mig.status()';
my $log_sql = 'SELECT id, action, version, role FROM mig.log ORDER BY id';
my $status_before = $node->safe_psql('old', $status_sql);
my $log_before = $node->safe_psql('old', $log_sql);

$node->safe_psql('old', 'ALTER EXTENSION pgmig UPDATE');
is($node->safe_psql('old', q{SELECT extversion FROM pg_extension WHERE extname = 'pgmig'}),
   '0.2.0', 'updated to 0.2.0');
is($node->safe_psql('old', $status_sql), $status_before, 'history survives the update');
is($node->safe_psql('old', $log_sql), $log_before, 'the audit log survives the update');
is($node->safe_psql('old', 'SELECT count(hash) FROM mig.log'), '2', 'the old log rows are chained');
is($node->safe_psql('old', 'SELECT count(*) FROM mig.log_verify()'), '0', 'the chain verifies');
is($node->safe_psql('old', q{SELECT string_agg(c.relname || ':' || p.privilege_type, ',' ORDER BY c.relname)
       FROM pg_class c, aclexplode(c.relacl) p
       WHERE c.relnamespace = 'mig'::regnamespace AND p.grantee = 'deployer'::regrole}),
   'applied:SELECT,drift:SELECT,drift_snapshot:SELECT,log:SELECT,migration:SELECT,pending:SELECT,repeatable:SELECT,state:SELECT',
   'the deployer keeps SELECT only: 0.1.0\'s DML grants are gone');
is($node->safe_psql('old', q{SELECT has_function_privilege('deployer', 'mig.apply(text, boolean)', 'EXECUTE')}),
   't', 'the deployer can run the new API');
is($node->safe_psql('old', q{SELECT up_stmts FROM mig.migration WHERE version = '2'}),
   '{7,25}', 'the wrapped script runs as its body\'s statement range');

# the updated database works: the deployer applies its own migration, the wrapped one rolls
# back from its stored script, and the superuser may not run the deployer's without vouching
is($node->safe_psql('old', q{SET ROLE deployer; SELECT string_agg(version || ':' || action, ',') FROM mig.apply()}),
   '3:applied', 'the deployer applies its pending migration');
($rc, $out, $err) = $node->psql('old', 'SELECT * FROM mig.rollback(1)');
like($err, qr/uploaded by role "deployer"/, 'a superuser does not run the deployer\'s down script unasked');
is($node->safe_psql('old', q{SELECT string_agg(version || ':' || action, ',') FROM mig.rollback(2, trust_uploads => true)}),
   '3:rolled back,2:rolled back', 'the wrapped down script runs without its wrapper');
is($node->safe_psql('old', q{SELECT count(*) FROM pg_tables WHERE tablename IN ('t2', 't3')}),
   '0', 'their tables are gone');
is($node->safe_psql('old', q{SELECT string_agg(version || ':' || action, ',') FROM mig.apply('2')}),
   '2:applied', 'the wrapped up script applies again');
is($node->safe_psql('old', q{SELECT role FROM mig.log ORDER BY id DESC LIMIT 1}),
   'postgres', 'new log rows name the caller');
is($node->safe_psql('old', 'SELECT count(*) FROM mig.log_verify()'), '0',
   'new log rows extend the chain of the old ones');

# the catalog of schema mig equals a fresh install's (with the same deployer)
$node->safe_psql('fresh', q{CREATE EXTENSION pgmig; SELECT mig.grant_deployer('deployer');});
my $catalog_sql = q{
SELECT 'col' AS k, c.relname::text AS a, a.attname::text AS b,
       format_type(a.atttypid, a.atttypmod) || ' ' || a.attnotnull::text || ' ' || coalesce(pg_get_expr(d.adbin, d.adrelid), '-')
       || ' ' || a.attcompression::text || ' ' || a.attstorage::text AS c,
       col_description(c.oid, a.attnum) AS d
FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
LEFT JOIN pg_attrdef d ON d.adrelid = c.oid AND d.adnum = a.attnum
WHERE c.relnamespace = 'mig'::regnamespace
UNION ALL
SELECT 'rel', c.relname::text, c.relkind::text,
       coalesce(array_to_string(c.relacl, ' '), '-') || ' ' ||
       coalesce(CASE WHEN c.relkind = 'v' THEN pg_get_viewdef(c.oid) WHEN c.relkind = 'i' THEN pg_get_indexdef(c.oid) END, '-'),
       obj_description(c.oid, 'pg_class')
FROM pg_class c WHERE c.relnamespace = 'mig'::regnamespace
UNION ALL
SELECT 'con', conname::text, pg_get_constraintdef(oid), NULL, NULL
FROM pg_constraint WHERE connamespace = 'mig'::regnamespace
UNION ALL
SELECT 'trg', c.relname::text, CASE WHEN t.tgname ~ '^RI_' THEN 'RI ' || t.tgfoid::regproc::text ELSE t.tgname::text END,
       t.tgenabled::text, CASE WHEN t.tgname !~ '^RI_' THEN pg_get_triggerdef(t.oid) END
FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid WHERE c.relnamespace = 'mig'::regnamespace
UNION ALL
SELECT 'fn', p.oid::regprocedure::text, pg_get_function_result(p.oid) || ' ' || coalesce(array_to_string(p.proacl, ' '), '-')
       || ' ' || p.prosecdef::text || ' ' || p.provolatile::text,
       pg_get_functiondef(p.oid), obj_description(p.oid, 'pg_proc')
FROM pg_proc p WHERE p.pronamespace = 'mig'::regnamespace
UNION ALL
SELECT 'ns', n.nspname::text, array_to_string(n.nspacl, ' '), NULL, obj_description(n.oid, 'pg_namespace')
FROM pg_namespace n WHERE n.nspname = 'mig'
UNION ALL
SELECT 'cfg', unnest(extconfig)::regclass::text, NULL, NULL, NULL
FROM pg_extension WHERE extname = 'pgmig'
ORDER BY 1, 2, 3, 4};
my $fresh_catalog = $node->safe_psql('fresh', $catalog_sql);
my $updated_catalog = $node->safe_psql('old', $catalog_sql);
is($updated_catalog, $fresh_catalog, 'the updated catalog equals a fresh 0.2.0 install\'s');
cmp_ok(length($fresh_catalog), '>', 10000, 'the comparison saw the catalog');

$node->stop;
done_testing();
