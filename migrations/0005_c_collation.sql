-- Byte-order collation ("C") for the text columns that resource and index
-- lookups compare: types, ids, systems, codes, references, units.
--
-- These values are identifiers, compared for equality (and, for _sort, in an
-- order that only has to be stable). The clusters Carnet creates use the
-- C.UTF-8 locale, whose order is the code point order, i.e. the byte order of
-- UTF-8: the results do not change. But PostgreSQL 15 compares text under any
-- locale other than C through strcoll(), copying both values first, on every
-- B-tree step: with C it is a memcmp. Measured on the Synthea bench, the SQL
-- of Observation?patient&code ran ~1.6x faster (docs/benchmarks.md).
--
-- resource and idx_reference change together: chains and includes join
-- x.target_type/x.target_id to t.res_type/t.res_id, and a join between two
-- collations could not use either side's index.
--
-- No table is rewritten (same type, only the collation changes); the indexes
-- on these columns are rebuilt, under an exclusive lock (operations.md).
ALTER TABLE resource
  ALTER COLUMN res_type TYPE text COLLATE "C",
  ALTER COLUMN res_id TYPE text COLLATE "C";
ALTER TABLE resource_version
  ALTER COLUMN res_type TYPE text COLLATE "C",
  ALTER COLUMN res_id TYPE text COLLATE "C";
ALTER TABLE idx_string
  ALTER COLUMN exact TYPE text COLLATE "C";
ALTER TABLE idx_token
  ALTER COLUMN system TYPE text COLLATE "C",
  ALTER COLUMN code TYPE text COLLATE "C",
  ALTER COLUMN type_system TYPE text COLLATE "C",
  ALTER COLUMN type_code TYPE text COLLATE "C";
ALTER TABLE idx_reference
  ALTER COLUMN target_type TYPE text COLLATE "C",
  ALTER COLUMN target_id TYPE text COLLATE "C",
  ALTER COLUMN url TYPE text COLLATE "C",
  ALTER COLUMN canonical_version TYPE text COLLATE "C",
  ALTER COLUMN identifier_system TYPE text COLLATE "C",
  ALTER COLUMN identifier_value TYPE text COLLATE "C";
ALTER TABLE idx_quantity
  ALTER COLUMN system TYPE text COLLATE "C",
  ALTER COLUMN code TYPE text COLLATE "C",
  ALTER COLUMN unit TYPE text COLLATE "C",
  ALTER COLUMN canonical_code TYPE text COLLATE "C";
ALTER TABLE idx_composite
  ALTER COLUMN c1_system TYPE text COLLATE "C",
  ALTER COLUMN c1_code TYPE text COLLATE "C",
  ALTER COLUMN c1_ccode TYPE text COLLATE "C",
  ALTER COLUMN c2_system TYPE text COLLATE "C",
  ALTER COLUMN c2_code TYPE text COLLATE "C",
  ALTER COLUMN c2_ccode TYPE text COLLATE "C",
  ALTER COLUMN c3_system TYPE text COLLATE "C",
  ALTER COLUMN c3_code TYPE text COLLATE "C",
  ALTER COLUMN c3_ccode TYPE text COLLATE "C";
ALTER TABLE idx_compartment
  ALTER COLUMN patient_id TYPE text COLLATE "C";
