# History, stored scripts, the audit log and the deploy state survive pg_dump / restore
# (pg_extension_config_dump), and the restored database keeps working: no double apply,
# rollback without files.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('dump');
$node->init;
$node->start;

$node->safe_psql('postgres', 'CREATE DATABASE src');
$node->safe_psql('src', q{
    CREATE EXTENSION pgmig;
    SELECT count(*) FROM mig.apply('1', 'create_t', 'CREATE TABLE t (id int)', 'DROP TABLE t');
    SELECT count(*) FROM mig.apply('20150100000001000000', 'add_col', 'ALTER TABLE t ADD COLUMN v text',
                                   'ALTER TABLE t DROP COLUMN v');
    SELECT count(*) FROM mig.upload('20150100000001000001', 'pending_one', 'CREATE TABLE p (id int)', 'DROP TABLE p');
});
my $status_sql = 'SELECT version, name, state, batch, checksum, has_down FROM mig.status()';
my $before = $node->safe_psql('src', $status_sql);
my $log_before = $node->safe_psql('src', 'SELECT id, action, version FROM mig.log ORDER BY id');
my $max_log_id = $node->safe_psql('src', 'SELECT max(id) FROM mig.log');

my $dump = $node->basedir . '/src.dump';
command_ok([ 'pg_dump', '-Fc', '-d', $node->connstr('src'), '-f', $dump ], 'pg_dump');
$node->safe_psql('postgres', 'CREATE DATABASE dst');
command_ok([ 'pg_restore', '-d', $node->connstr('dst'), $dump ], 'pg_restore');

is($node->safe_psql('dst', $status_sql), $before, 'status identical after restore');
is($node->safe_psql('dst', 'SELECT id, action, version FROM mig.log ORDER BY id'),
   $log_before, 'audit log identical after restore');

# the restored database knows what is applied: no double apply, and the new log id continues
is($node->safe_psql('dst', q{SELECT string_agg(action, ',') FROM
       mig.apply('1', 'create_t', 'CREATE TABLE t (id int)', 'DROP TABLE t')}),
   'skipped', 'applied migration is not applied again after restore');
is($node->safe_psql('dst', q{SELECT string_agg(version || ':' || action, ',') FROM mig.apply()}),
   '20150100000001000001:applied', 'the pending migration applies after restore');
is($node->safe_psql('dst', "SELECT bool_and(id > $max_log_id) FROM mig.log WHERE version = '20150100000001000001'"),
   't', 'log ids continue after the restored ones');

# rollback without files: the down scripts came along
is($node->safe_psql('dst', q{SELECT string_agg(version, ',' ORDER BY version) FROM mig.rollback_to('0')}),
   '1,20150100000001000000,20150100000001000001', 'everything rolls back from stored down scripts');
is($node->safe_psql('dst', q{SELECT count(*) FROM pg_tables WHERE tablename IN ('t', 'p')}),
   '0', 'tables gone after rollback');

$node->stop;
done_testing();
