-- After `pgmig up`: the schema the migrations build, and what it refuses.
BEGIN;
SELECT plan(13);

SELECT has_table('accounts');
SELECT col_type_is('accounts', 'balance', 'numeric(12,2)');
SELECT col_not_null('accounts', 'email');
SELECT col_default_is('accounts', 'balance', '0');
SELECT col_is_unique('accounts', 'email');

SELECT has_table('transfers');
SELECT col_type_is('transfers', 'amount', 'numeric(12,2)');
SELECT fk_ok('transfers', 'from_account', 'accounts', 'id');
SELECT fk_ok('transfers', 'to_account', 'accounts', 'id');
SELECT has_index('transfers', 'transfers_from_account_idx', 'from_account',
                 'transfers are indexed by sender');

-- the constraints at work (the inserts are undone by the ROLLBACK below)
INSERT INTO accounts (email, balance) VALUES ('ada@example.com', 10), ('bob@example.com', 0);
SELECT throws_ok($$UPDATE accounts SET balance = -1 WHERE email = 'bob@example.com'$$,
                 '23514', NULL, 'a balance cannot go below zero');
SELECT throws_ok($$INSERT INTO transfers (from_account, to_account, amount)
                   SELECT id, id, 5 FROM accounts WHERE email = 'ada@example.com'$$,
                 '23514', NULL, 'no transfer from an account to itself');

-- pgmig's own view of it
SELECT results_eq($$SELECT version, state FROM mig.status() ORDER BY version$$,
                  $$VALUES ('20240301100000', 'applied'), ('20240301100100', 'applied')$$,
                  'both migrations are applied');

SELECT * FROM finish();
ROLLBACK;
