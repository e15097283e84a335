-- security_log: mig.log is a hash chain; mig.log_verify() finds where it breaks. Only a
-- superuser can break it (by disabling the append-only trigger): that is what it detects.
DROP EXTENSION pgmig; CREATE EXTENSION pgmig;
SELECT count(*) FROM mig.upload_many(ARRAY['1', '2', '3'], ARRAY['a', 'b', 'c'],
    ARRAY['SELECT 1', 'SELECT 2', 'SELECT 3'], ARRAY['SELECT 1', 'SELECT 2', 'SELECT 3']);
SELECT count(*) FROM mig.apply();
SELECT count(*) FROM mig.rollback(1);
SELECT count(*) FROM mig.apply('3');
SELECT count(*) FROM mig.baseline('3');
-- every row has a hash; the chain is intact
SELECT count(*) AS rows, count(hash) AS hashed, count(DISTINCT hash) AS distinct_hashes FROM mig.log;
SELECT * FROM mig.log_verify();
-- the hash does not depend on the session's settings
SET TimeZone = 'Pacific/Chatham'; SET DateStyle = 'German'; SET IntervalStyle = 'iso_8601';
SELECT * FROM mig.log_verify();
RESET TimeZone; RESET DateStyle; RESET IntervalStyle;
-- a superuser's direct insert (trigger on) extends the chain
INSERT INTO mig.log (action, role, message) VALUES ('note', CURRENT_USER, 'by hand');
SELECT * FROM mig.log_verify();
-- a row removed behind the trigger's back: the next row is where the chain breaks
ALTER TABLE mig.log DISABLE TRIGGER log_append_only;
DELETE FROM mig.log WHERE id = 3;
SELECT * FROM mig.log_verify();
-- a row changed
UPDATE mig.log SET role = 'someone_else' WHERE id = 5;
SELECT * FROM mig.log_verify();
-- two rows swapped (their contents exchanged: ids are GENERATED ALWAYS)
UPDATE mig.log l SET version = o.version, name = o.name, at = o.at
FROM mig.log o WHERE (l.id, o.id) IN ((1, 2), (2, 1));
SELECT * FROM mig.log_verify();
ALTER TABLE mig.log ENABLE TRIGGER log_append_only;
DROP EXTENSION pgmig; CREATE EXTENSION pgmig;
