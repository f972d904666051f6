-- The patient key of token rows (store/pg/patient_key.hpp): a 32-bit hash of
-- the one patient a resource is about (its patient compartment and its
-- references to Patients name exactly one), 0 otherwise.
--
-- Why: Observation?patient=X&code=Y used to read the ~200 reference rows of
-- the patient's Observations and test each one's code; with the key next to
-- the code, the lookup index finds the few rows of (code Y, patient X) — and
-- those of key 0 — directly. The search still checks patient=X on each of
-- them, so a hash collision costs a probe, never a wrong result.
--
-- The rows written before this migration get their key here, from the
-- compartment and reference rows (the same rule as the server's, with the
-- same hash: the first 4 bytes of MD5, big-endian). A row left at 0 is still
-- found: 0 is always probed. The UPDATE rewrites every token row of a
-- resource in a compartment and the lookup index is rebuilt: on a large
-- database this takes a while under an exclusive lock, and a VACUUM
-- afterwards gives the space back (docs/operations.md).
ALTER TABLE idx_token ADD COLUMN pat integer NOT NULL DEFAULT 0;

UPDATE idx_token t SET pat = s.pat
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

-- `pat` after the code: a search without a patient scope reads the code's
-- entries as before; one with a scope reads (code, pat = key) and (code, 0).
DROP INDEX idx_token_lookup;
CREATE INDEX idx_token_lookup ON idx_token (key, code, pat, system, rid);
