-- The audit trail: one row per request to /fhir, allowed or denied, rendered
-- as a FHIR AuditEvent on read. Append-only: updates and deletes are refused.
CREATE TABLE audit_event (
  seq            bigserial   PRIMARY KEY,
  recorded       timestamptz NOT NULL,
  interaction    text        NOT NULL,  -- http://hl7.org/fhir/restful-interaction code
  action         char(1)     NOT NULL CHECK (action IN ('C', 'R', 'U', 'D', 'E')),
  http_status    smallint    NOT NULL,
  outcome        smallint    NOT NULL CHECK (outcome IN (0, 4, 8, 12)),
  outcome_desc   text,
  agent_who      text        NOT NULL,
  agent_address  text,
  tls            boolean     NOT NULL,
  http_method    text        NOT NULL,
  entity_type    text,
  entity_id      text,
  entity_version integer,
  patient        text,       -- "Patient/<id>" when the entity is in a patient compartment
  query          text        -- the query string of a search or history, as sent
);
CREATE INDEX audit_event_patient ON audit_event (patient, seq) WHERE patient IS NOT NULL;

CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_event
  FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event
  FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();
