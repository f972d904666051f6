-- The seq of the resource's current version on its date index rows too (as
-- on reference rows since 0008), included in idx_date_patient: the first page
-- of a patient's resources sorted by date (Observation?patient=X&date=ge...
-- &_sort=-date) then reads its matches, their order and their versions from
-- that index alone, without a resource row per row of the page (~200 of the
-- ~250 buffers the statement still read).
--
-- 0 means unknown (a row written by an older Carnet): the page then reads
-- the resource row. About 5 s on the benchmark database (267,000 date rows);
-- VACUUM afterwards (docs/operations.md).
ALTER TABLE idx_date ADD COLUMN seq bigint NOT NULL DEFAULT 0;

UPDATE idx_date d SET seq = r.seq FROM resource r WHERE r.rid = d.rid;

DROP INDEX idx_date_patient;
CREATE INDEX idx_date_patient ON idx_date (pat, key, rid) INCLUDE (low, high, seq);
