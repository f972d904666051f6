-- The patient key on date rows too (store/pg/patient_key.hpp, the same rule
-- and hash as idx_token.pat in 0006), and an index that reads one patient's
-- dates of one parameter as a single range.
--
-- Why: Observation?patient=X&date=ge...&_sort=-date read the reference rows
-- of the patient's ~200 Observations, then probed idx_date_rid twice for each
-- (the date criterion, then the sort value): ~1,200 buffers per search. With
-- (pat, key, rid) the dates of patient X's resources are one contiguous range
-- of the index (~20 buffers), grouped per resource for the criterion and the
-- sort value; the patient criterion is still checked on each (a hash of the
-- patient's reference rows), so a collision never changes a result.
--
-- The rows written before this migration get their key here; a row left at 0
-- is still found (0 is always read). VACUUM afterwards (docs/operations.md).
ALTER TABLE idx_date ADD COLUMN pat integer NOT NULL DEFAULT 0;

UPDATE idx_date t SET pat = s.pat
FROM (
  SELECT u.rid, ('x' || left(md5(min(u.patient_id)), 8))::bit(32)::int AS pat
  FROM (
    SELECT rid, patient_id COLLATE "C" AS patient_id FROM idx_compartment
    UNION
    SELECT rid, target_id COLLATE "C" FROM idx_reference WHERE target_type = 'Patient' AND target_id IS NOT NULL
  ) u
  GROUP BY u.rid
  HAVING count(DISTINCT u.patient_id) = 1
) s
WHERE s.rid = t.rid;

-- Rows of one (pat, key) come in rid order: grouped per resource without a sort.
CREATE INDEX idx_date_patient ON idx_date (pat, key, rid) INCLUDE (low, high);
