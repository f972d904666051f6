// GET [base]/metadata: a CapabilityStatement generated from what is implemented
// (http://hl7.org/fhir/R4/capabilitystatement.html).
#include "carnet/core/clock.hpp"
#include "carnet/service/fhir_service.hpp"

namespace carnet::service {

namespace {

using core::Json;

Json interactions(std::initializer_list<const char*> codes) {
  Json list = Json::array();
  for (const char* c : codes) list.push_back({{"code", c}});
  return list;
}

Json resource_entry(const std::string& type) {
  Json r = Json::object();
  r["type"] = type;
  r["profile"] = "http://hl7.org/fhir/StructureDefinition/" + type;
  if (type == "AuditEvent") {
    // Written by the server only; readable and listable.
    r["interaction"] = interactions({"read", "search-type"});
    r["searchParam"] = Json::array(
        {{{"name", "_count"}, {"type", "number"}, {"documentation", "Page size (newest first)"}}});
    return r;
  }
  r["interaction"] =
      interactions({"read", "vread", "update", "delete", "history-instance", "history-type", "create"});
  r["versioning"] = "versioned-update";
  r["readHistory"] = true;
  r["updateCreate"] = true;
  r["conditionalCreate"] = false;
  r["conditionalRead"] = "not-match";
  r["conditionalUpdate"] = false;
  r["conditionalDelete"] = "not-supported";
  return r;
}

}  // namespace

Reply FhirService::capabilities(const Request& r) {
  std::lock_guard lock(capability_mutex_);
  if (capability_text_.empty() || capability_base_ != r.base_url) {
    Json cs = Json::object();
    cs["resourceType"] = "CapabilityStatement";
    cs["status"] = "active";
    cs["date"] = core::to_fhir_instant(core::now()).substr(0, 10);
    cs["publisher"] = "Carnet";
    cs["kind"] = "instance";
    cs["software"] = {{"name", "Carnet"}, {"version", options_.software_version}};
    cs["implementation"] = {{"description", "Carnet FHIR R4 health-record server"}, {"url", r.base_url}};
    cs["fhirVersion"] = model_->fhir_version();
    cs["format"] = Json::array({"application/fhir+json", "json"});
    Json rest = Json::object();
    rest["mode"] = "server";
    Json resources = Json::array();
    for (const auto& type : model_->resource_types()) resources.push_back(resource_entry(type));
    rest["resource"] = std::move(resources);
    rest["interaction"] = interactions({"history-system"});
    cs["rest"] = Json::array({rest});
    capability_text_ = core::to_json_text(cs);
    capability_base_ = r.base_url;
  }
  Reply reply;
  reply.body = capability_text_;
  return reply;
}

}  // namespace carnet::service
