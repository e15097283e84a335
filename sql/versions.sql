-- versions: parsing, normalisation and ordering (mig.version_key)
SELECT v, mig.version_key(v)
FROM (VALUES ('1'), ('0001'), ('20240115093000'), ('20150100000001000000'), ('1.2.3'),
             ('2024-01-15'), ('2017-09-26-200549'), ('0'), ('000.010'),
             ('123456789012345678901234567890')) t(v);
-- group by group, numerically, any length; a prefix sorts first
SELECT v FROM (VALUES ('1.10'), ('1.2'), ('2'), ('1'), ('1.0'), ('1.1'), ('17.1'), ('2.1'),
                      ('2.10'), ('20170728002039'), ('2017-09-26-200549'),
                      ('20150100000001000000'), ('99999999999999999999')) t(v)
ORDER BY mig.version_key(v), v;
-- equal versions
SELECT mig.version_key('0001') = mig.version_key('1') AS same,
       mig.version_key('1.0') = mig.version_key('1') AS different;
-- invalid versions: PM005
SELECT mig.version_key('');
\echo :LAST_ERROR_SQLSTATE
SELECT mig.version_key('v1');
\echo :LAST_ERROR_SQLSTATE
SELECT mig.version_key('1..2');
\echo :LAST_ERROR_SQLSTATE
SELECT mig.version_key('1.');
\echo :LAST_ERROR_SQLSTATE
SELECT mig.version_key('1_1');
\echo :LAST_ERROR_SQLSTATE
SELECT mig.version_key(' 1');
\echo :LAST_ERROR_SQLSTATE
SELECT mig.version_key('-');
\echo :LAST_ERROR_SQLSTATE
SELECT mig.version_key(NULL) IS NULL AS strict;
SELECT * FROM mig.upload('x1', 'bad', 'SELECT 1');
\echo :LAST_ERROR_SQLSTATE
