-- Search indexes (http://hl7.org/fhir/R4/search.html): the values the search
-- parameters extract from each current version, in one table per kind of value,
-- written in the same transaction as the version (store/pg/index_writer.cpp)
-- and replaced when the resource changes. Deleted resources have no rows.
--
-- Every index row refers to the resource by `rid`, a surrogate number given
-- once when the resource is first created (it survives updates, deletions and
-- re-creations). It is small to repeat in millions of rows, and its order is
-- the creation order: the default, stable order of search results and of
-- keyset paging. `key` is the search parameter's index key
-- (search::index_key(type, code): a stable 32-bit hash), never its name.
--
-- Text columns matched with LIKE 'prefix%' (string, token :text, uri) use
-- COLLATE "C": byte order lets a plain btree answer prefix matches, whatever
-- the database's collation. The others keep the database's collation, so
-- that they can be joined with resource.res_type/res_id through its indexes.
CREATE SEQUENCE resource_rid_seq;
ALTER TABLE resource ADD COLUMN rid bigint NOT NULL DEFAULT nextval('resource_rid_seq');
ALTER SEQUENCE resource_rid_seq OWNED BY resource.rid;
CREATE UNIQUE INDEX resource_rid ON resource (rid);
-- Type searches in the default order; _lastUpdated.
CREATE INDEX resource_type_rid ON resource (res_type, rid) WHERE NOT deleted;
CREATE INDEX resource_type_updated ON resource (res_type, last_updated);

-- Each table has lookup indexes on its values (mostly led by key) and an
-- index on (rid, key) used to replace a resource's rows and to test one
-- resource's values (EXISTS ... WHERE rid = r.rid AND key = ...). Indexes are
-- kept few: every one is paid on every create.

-- string: normalized (search::normalize_string) and as written (:exact).
CREATE TABLE idx_string (
  rid   bigint  NOT NULL,
  key   integer NOT NULL,
  norm  text    COLLATE "C" NOT NULL,
  exact text    NOT NULL
);
CREATE INDEX idx_string_lookup ON idx_string (key, norm, rid);
CREATE INDEX idx_string_rid ON idx_string (rid, key);

-- token: system and code are '' when absent, so `|code` is system = ''.
CREATE TABLE idx_token (
  rid         bigint  NOT NULL,
  key         integer NOT NULL,
  system      text    NOT NULL,
  code        text    NOT NULL,
  text        text    COLLATE "C",  -- normalized display/text, for :text
  type_system text,  -- Identifier.type, for :of-type
  type_code   text
);
-- `system|` (any code of a system) scans the key's entries of this index.
CREATE INDEX idx_token_lookup ON idx_token (key, code, system, rid);
CREATE INDEX idx_token_rid ON idx_token (rid, key);

-- reference: a local target (target_type/target_id), an absolute URL or a
-- canonical (url + canonical_version), and/or Reference.identifier.
CREATE TABLE idx_reference (
  rid               bigint  NOT NULL,
  key               integer NOT NULL,
  target_type       text,
  target_id         text,
  target_version    integer,
  url               text,
  canonical_version text,
  identifier_system text,
  identifier_value  text
);
-- One index for both directions: the references to an id (with one or more
-- target types) for a key, and the resources pointing to a given one
-- (_revinclude, _has, _list).
CREATE INDEX idx_reference_target ON idx_reference (target_id, target_type, key, rid)
  WHERE target_id IS NOT NULL;
CREATE INDEX idx_reference_url ON idx_reference (key, url) WHERE url IS NOT NULL;
CREATE INDEX idx_reference_identifier ON idx_reference (key, identifier_value)
  WHERE identifier_value IS NOT NULL;
CREATE INDEX idx_reference_rid ON idx_reference (rid, key);

-- date: the range [low, high) of instants a value denotes; open ends are
-- -infinity / infinity.
CREATE TABLE idx_date (
  rid  bigint      NOT NULL,
  key  integer     NOT NULL,
  low  timestamptz NOT NULL,
  high timestamptz NOT NULL
);
-- lt/eb/eq range on low; gt/sa filter high inside the same index (most date
-- searches are scoped by another criterion and test the rows by rid instead).
CREATE INDEX idx_date_lookup ON idx_date (key, low, high, rid);
CREATE INDEX idx_date_rid ON idx_date (rid, key);

-- number: the value and its implicit range from its precision; a Range has
-- no value and its bounds in low/high (NULL = open).
CREATE TABLE idx_number (
  rid   bigint  NOT NULL,
  key   integer NOT NULL,
  value numeric,
  low   numeric,
  high  numeric
);
CREATE INDEX idx_number_lookup ON idx_number (key, value, rid);
CREATE INDEX idx_number_rid ON idx_number (rid, key);

-- quantity: as written (code is Quantity.code, else its unit), plus the UCUM
-- canonical form when the unit converts (canonical_code NULL otherwise). A
-- Range is stored as for numbers (value NULL, bounds in low/high).
CREATE TABLE idx_quantity (
  rid             bigint  NOT NULL,
  key             integer NOT NULL,
  value           numeric,
  low             numeric,
  high            numeric,
  system          text,
  code            text,
  unit            text,
  canonical_value numeric,
  canonical_low   numeric,
  canonical_high  numeric,
  canonical_code  text
);
CREATE INDEX idx_quantity_lookup ON idx_quantity (key, code, value, rid);
CREATE INDEX idx_quantity_canonical ON idx_quantity (key, canonical_code, canonical_value, rid)
  WHERE canonical_code IS NOT NULL;
CREATE INDEX idx_quantity_rid ON idx_quantity (rid, key);

-- uri
CREATE TABLE idx_uri (
  rid bigint  NOT NULL,
  key integer NOT NULL,
  uri text    COLLATE "C" NOT NULL
);
CREATE INDEX idx_uri_lookup ON idx_uri (key, uri, rid);
CREATE INDEX idx_uri_rid ON idx_uri (rid, key);

-- composite: the components of one element flattened into one row, up to 3
-- components (c1_, c2_, c3_), each in the columns of its kind:
--   token      system, code, text (normalized display)
--   string     text (normalized)
--   uri        text
--   reference  text ("Type/id" when local, else the URL)
--   number     value
--   quantity   value, system, code (code else unit), cvalue/ccode (UCUM canonical)
--   date       dlow, dhigh
-- Unused columns are NULL. Further components are not indexed.
CREATE TABLE idx_composite (
  rid       bigint  NOT NULL,
  key       integer NOT NULL,
  c1_system text, c1_code text, c1_text text COLLATE "C",
  c1_value  numeric, c1_cvalue numeric, c1_ccode text,
  c1_dlow   timestamptz, c1_dhigh timestamptz,
  c2_system text, c2_code text, c2_text text COLLATE "C",
  c2_value  numeric, c2_cvalue numeric, c2_ccode text,
  c2_dlow   timestamptz, c2_dhigh timestamptz,
  c3_system text, c3_code text, c3_text text COLLATE "C",
  c3_value  numeric, c3_cvalue numeric, c3_ccode text,
  c3_dlow   timestamptz, c3_dhigh timestamptz
);
CREATE INDEX idx_composite_lookup ON idx_composite (key, c1_code, rid);
CREATE INDEX idx_composite_rid ON idx_composite (rid, key);

-- _text (narrative) and _content (every string), normalized; one row per
-- resource that has either. Matched with contains (LIKE '%word%'). No unique
-- constraint on rid: write_index deletes the old row and inserts the new one
-- in the same statement, in no defined order.
CREATE TABLE idx_text (
  rid       bigint NOT NULL,
  narrative text COLLATE "C",
  content   text COLLATE "C"
);
CREATE INDEX idx_text_rid ON idx_text (rid);

-- Patient compartment membership (compartment searches, access control).
CREATE TABLE idx_compartment (
  rid        bigint NOT NULL,
  patient_id text   NOT NULL
);
CREATE INDEX idx_compartment_patient ON idx_compartment (patient_id, rid);
CREATE INDEX idx_compartment_rid ON idx_compartment (rid);

-- Walks of searches sorted on values that can change (_sort on a search
-- parameter or _lastUpdated): the order of the matches as it was at the first
-- page, so that the next pages neither skip nor repeat a resource whose sort
-- value is updated meanwhile (store/pg/search_snapshot.cpp). At most 10,000
-- rids; when there were more, tail_values/tail_rid are the sort values and
-- rid of the last one, from which the walk goes on by keyset. Kept 2 hours.
CREATE TABLE search_snapshot (
  id          bigserial   PRIMARY KEY,
  created     timestamptz NOT NULL DEFAULT now(),
  rids        bigint[]    NOT NULL,
  tail_values text[],
  tail_rid    bigint
);
CREATE INDEX search_snapshot_created ON search_snapshot (created);
