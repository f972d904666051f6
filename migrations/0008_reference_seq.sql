-- The seq of the resource's current version on its reference index rows, and
-- in the target index (INCLUDE), so that _revinclude reads the referring
-- resources' versions from the index alone.
--
-- Why: Encounter?patient=X&_revinclude=Observation:encounter found ~190
-- Observations through idx_reference_target, then read each one's resource
-- row only for its seq (~750 of the statement's ~900 buffers). Index rows
-- are rewritten with every version and removed with the resource, so their
-- seq is always the current one. 0 means unknown (a row written by an older
-- Carnet): readers then take the seq from the resource row.
--
-- The UPDATE rewrites every reference row and the index is rebuilt, under an
-- exclusive lock: about a minute on the 255,000-resource benchmark database.
-- VACUUM afterwards (docs/operations.md).
ALTER TABLE idx_reference ADD COLUMN seq bigint NOT NULL DEFAULT 0;

UPDATE idx_reference x SET seq = r.seq FROM resource r WHERE r.rid = x.rid;

DROP INDEX idx_reference_target;
CREATE INDEX idx_reference_target ON idx_reference (target_id, target_type, key, rid) INCLUDE (seq)
  WHERE target_id IS NOT NULL;
