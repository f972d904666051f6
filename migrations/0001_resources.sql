-- Resources: every version in resource_version (the copy clients read back,
-- as exact text), the head of each resource in resource (for locking, If-Match
-- and, later, search). One global sequence orders every change so history and
-- paging are stable.
CREATE SEQUENCE change_seq;

CREATE TABLE resource (
  res_type     text        NOT NULL,
  res_id       text        NOT NULL,
  version      integer     NOT NULL,
  seq          bigint      NOT NULL,
  last_updated timestamptz NOT NULL,
  deleted      boolean     NOT NULL,
  PRIMARY KEY (res_type, res_id)
);

CREATE TABLE resource_version (
  seq          bigint      NOT NULL PRIMARY KEY,
  res_type     text        NOT NULL,
  res_id       text        NOT NULL,
  version      integer     NOT NULL,
  last_updated timestamptz NOT NULL,
  method       text        NOT NULL CHECK (method IN ('POST', 'PUT', 'DELETE')),
  body         text,       -- NULL for a deletion
  patient      text,       -- first "Patient/<id>" whose compartment holds it (for the audit trail)
  UNIQUE (res_type, res_id, version)
);
CREATE INDEX resource_version_type_seq ON resource_version (res_type, seq);
CREATE INDEX resource_version_updated ON resource_version (last_updated);

-- Versions are immutable: refuse UPDATE and DELETE on history rows.
CREATE FUNCTION refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% on % is not allowed: rows are immutable', TG_OP, TG_TABLE_NAME;
END $$;
CREATE TRIGGER resource_version_immutable BEFORE UPDATE OR DELETE ON resource_version
  FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER resource_version_no_truncate BEFORE TRUNCATE ON resource_version
  FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();
