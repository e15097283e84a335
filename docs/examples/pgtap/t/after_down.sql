-- After `pgmig down --all`: the down scripts removed everything the up scripts built.
BEGIN;
SELECT plan(3);

SELECT hasnt_table('transfers');
SELECT hasnt_table('accounts');
SELECT results_eq($$SELECT count(*)::int FROM mig.status() WHERE state = 'applied'$$,
                  ARRAY[0], 'no migration is applied');

SELECT * FROM finish();
ROLLBACK;
