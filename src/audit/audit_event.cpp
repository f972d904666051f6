#include "carnet/audit/audit_event.hpp"

#include <string>

namespace carnet::audit {
namespace {

using core::Json;

Json coding(const char* system, const std::string& code, const std::string& display = {}) {
  Json c = {{"system", system}, {"code", code}};
  if (!display.empty()) c["display"] = display;
  return c;
}

// base64 of the query string: AuditEvent.entity.query is base64Binary.
std::string base64(const std::string& in) {
  static constexpr char kTable[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  std::size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    unsigned v = (static_cast<unsigned char>(in[i]) << 16) | (static_cast<unsigned char>(in[i + 1]) << 8) |
                 static_cast<unsigned char>(in[i + 2]);
    out += {kTable[(v >> 18) & 63], kTable[(v >> 12) & 63], kTable[(v >> 6) & 63], kTable[v & 63]};
  }
  if (i + 1 == in.size()) {
    unsigned v = static_cast<unsigned char>(in[i]) << 16;
    out += {kTable[(v >> 18) & 63], kTable[(v >> 12) & 63], '=', '='};
  } else if (i + 2 == in.size()) {
    unsigned v = (static_cast<unsigned char>(in[i]) << 16) | (static_cast<unsigned char>(in[i + 1]) << 8);
    out += {kTable[(v >> 18) & 63], kTable[(v >> 12) & 63], kTable[(v >> 6) & 63], '='};
  }
  return out;
}

}  // namespace

Json to_audit_event(std::int64_t seq, const core::AccessRecord& r) {
  Json ev = Json::object();
  ev["resourceType"] = "AuditEvent";
  ev["id"] = std::to_string(seq);
  ev["type"] = coding("http://terminology.hl7.org/CodeSystem/audit-event-type", "rest", "RESTful Operation");
  ev["subtype"] = Json::array({coding("http://hl7.org/fhir/restful-interaction", r.interaction)});
  ev["action"] = std::string(1, r.action);
  ev["recorded"] = core::to_fhir_instant(r.recorded);
  ev["outcome"] = std::to_string(r.outcome_code());
  std::string desc = "HTTP " + std::to_string(r.http_status);
  if (!r.outcome_desc.empty()) desc += ": " + r.outcome_desc;
  ev["outcomeDesc"] = desc;

  Json agent = Json::object();
  agent["type"] = {
      {"coding", Json::array({coding("http://terminology.hl7.org/CodeSystem/v3-ParticipationType", "IRCP",
                                     "information recipient")})}};
  agent["who"] = {{"display", r.agent_who}};
  agent["requestor"] = true;
  if (!r.agent_address.empty()) {
    // network.type 2 = IP address (http://hl7.org/fhir/R4/valueset-network-type.html)
    agent["network"] = {{"address", r.agent_address}, {"type", "2"}};
  }
  ev["agent"] = Json::array({agent});

  ev["source"] = {{"site", "carnet"},
                  {"observer", {{"display", "Carnet FHIR server"}}},
                  {"type", Json::array({coding("http://terminology.hl7.org/CodeSystem/security-source-type",
                                               "4", "Application Server")})}};

  Json entities = Json::array();
  if (!r.entity_type.empty()) {
    Json e = Json::object();
    std::string ref = r.entity_type;
    if (!r.entity_id.empty()) ref += "/" + r.entity_id;
    if (r.entity_version) ref += "/_history/" + std::to_string(*r.entity_version);
    e["what"] = {{"reference", ref}};
    e["type"] = coding("http://terminology.hl7.org/CodeSystem/audit-entity-type", "2", "System Object");
    e["role"] = coding("http://terminology.hl7.org/CodeSystem/object-role", "4", "Domain Resource");
    if (!r.query.empty()) e["query"] = base64(r.query);
    entities.push_back(std::move(e));
  } else if (!r.query.empty()) {
    entities.push_back(
        {{"type", coding("http://terminology.hl7.org/CodeSystem/audit-entity-type", "2", "System Object")},
         {"query", base64(r.query)}});
  }
  if (!r.patient.empty()) {
    entities.push_back(
        {{"what", {{"reference", r.patient}}},
         {"type", coding("http://terminology.hl7.org/CodeSystem/audit-entity-type", "1", "Person")},
         {"role", coding("http://terminology.hl7.org/CodeSystem/object-role", "1", "Patient")}});
  }
  if (!entities.empty()) ev["entity"] = std::move(entities);
  return ev;
}

}  // namespace carnet::audit
