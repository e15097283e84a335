# A crash (immediate shutdown) in the middle of a deploy leaves nothing half-done and no lock
# to clear by hand; history survives a clean restart.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('crash');
$node->init;
$node->start;
$node->safe_psql('postgres', q{
    CREATE EXTENSION pgmig;
    SELECT count(*) FROM mig.upload('1', 'one', 'CREATE TABLE one (id int)', 'DROP TABLE one');
    SELECT count(*) FROM mig.upload('2', 'slow', 'CREATE TABLE two (id int); SELECT pg_sleep(60)', 'DROP TABLE two');
});

# start a deploy that holds the deploy lock, and crash the server under it
my $bg = $node->background_psql('postgres', on_error_stop => 0);
$bg->query_until(qr/started/, q{
    \echo started
    SELECT * FROM mig.apply();
});
$node->poll_query_until('postgres',
    q{SELECT count(*) > 0 FROM pg_stat_activity WHERE query LIKE '%mig.apply()%' AND wait_event = 'PgSleep'})
  or die 'deploy did not start';
$node->stop('immediate');
eval { $bg->quit; };
$node->start;

is($node->safe_psql('postgres', q{SELECT string_agg(version || ':' || state, ',') FROM mig.status()}),
   '1:pending,2:pending', 'nothing applied by the crashed deploy');
is($node->safe_psql('postgres', q{SELECT count(*) FROM pg_tables WHERE tablename IN ('one', 'two')}),
   '0', 'no table left behind');
is($node->safe_psql('postgres', 'SET lock_timeout = 1000; SELECT mig.lock(false)'), 't',
   'the deploy lock is free after the crash');

$node->safe_psql('postgres', q{SELECT count(*) FROM mig.apply('1')});
$node->restart;
is($node->safe_psql('postgres', q{SELECT string_agg(version || ':' || state, ',') FROM mig.status()}),
   '1:applied,2:pending', 'history survives a restart');

$node->stop;
done_testing();
