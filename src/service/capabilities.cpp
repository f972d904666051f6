// GET [base]/metadata: a CapabilityStatement generated from what is implemented
// (http://hl7.org/fhir/R4/capabilitystatement.html). Its search parameters come
// from the search registry in use, so it changes when $reindex makes custom
// SearchParameters usable: it is cached per (base URL, registry).
#include <algorithm>
#include <map>
#include <set>

#include "carnet/core/clock.hpp"
#include "carnet/service/fhir_service.hpp"
#include "service/audit_params.hpp"
#include "service/reindex.hpp"

namespace carnet::service {

namespace {

using core::Json;

Json interactions(std::initializer_list<const char*> codes) {
  Json list = Json::array();
  for (const char* c : codes) list.push_back({{"code", c}});
  return list;
}

Json search_param(const std::string& name, const std::string& definition, const char* type,
                  const std::string& documentation = {}) {
  Json p = Json::object();
  p["name"] = name;
  if (!definition.empty()) p["definition"] = definition;
  p["type"] = type;
  if (!documentation.empty()) p["documentation"] = documentation;
  return p;
}

// The parameters of every type, declared once at rest level (search.html#all).
// _query (named queries) and near (special, geographic) are not implemented.
Json common_params(const search::Registry& registry, std::set<std::string>& urls) {
  Json list = Json::array();
  for (const char* base : {"Resource", "DomainResource"}) {
    for (const search::SearchParameter* p : registry.for_type(base)) {
      if (p->code == "_query") continue;
      urls.insert(p->url);
      list.push_back(search_param(p->code, p->url, search::to_string(p->type)));
    }
  }
  list.push_back(search_param("_list", {}, "special", "Resources that are items of the List with this id"));
  list.push_back(search_param("_has", {}, "special",
                              "Reverse chaining: _has:[type]:[reference parameter]:[parameter]=[value]"));
  list.push_back(search_param("_type", {}, "special", "System search: the resource types searched"));
  return list;
}

// "Source:code" of every reference parameter pointing to each type (for searchRevInclude).
std::map<std::string, std::vector<std::string>> rev_includes(const search::Registry& registry,
                                                             const std::vector<std::string>& types) {
  std::map<std::string, std::vector<std::string>> by_target;
  for (const auto& source : types) {
    for (const search::SearchParameter* p : registry.for_type(source)) {
      if (p->type != search::ParamType::reference) continue;
      for (const auto& target : p->targets) by_target[target].push_back(source + ":" + p->code);
    }
  }
  return by_target;
}

Json resource_entry(const std::string& type, const search::Registry& registry,
                    const std::set<std::string>& common,
                    const std::map<std::string, std::vector<std::string>>& revs) {
  Json r = Json::object();
  r["type"] = type;
  r["profile"] = "http://hl7.org/fhir/StructureDefinition/" + type;
  if (type == "AuditEvent") {
    // Written by the server only; readable and listable.
    r["interaction"] = interactions({"read", "search-type"});
    Json params = Json::array({search_param("_count", {}, "number", "Page size (newest first)")});
    for (const search::SearchParameter* p : registry.for_type(type)) {
      if (std::find(kAuditSearchParams.begin(), kAuditSearchParams.end(), p->code) !=
          kAuditSearchParams.end())
        params.push_back(search_param(p->code, p->url, search::to_string(p->type)));
    }
    r["searchParam"] = std::move(params);
    return r;
  }
  r["interaction"] = interactions(
      {"read", "vread", "update", "delete", "history-instance", "history-type", "create", "search-type"});
  r["versioning"] = "versioned-update";
  r["readHistory"] = true;
  r["updateCreate"] = true;
  r["conditionalCreate"] = false;
  r["conditionalRead"] = "not-match";
  r["conditionalUpdate"] = false;
  r["conditionalDelete"] = "not-supported";
  Json includes = Json::array({type + ":*"});
  Json params = Json::array();
  for (const search::SearchParameter* p : registry.for_type(type)) {
    if (common.contains(p->url) || p->type == search::ParamType::special) continue;
    params.push_back(search_param(p->code, p->url, search::to_string(p->type),
                                  p->custom ? "Custom SearchParameter" : std::string()));
    if (p->type == search::ParamType::reference) includes.push_back(type + ":" + p->code);
  }
  r["searchInclude"] = std::move(includes);
  if (auto it = revs.find(type); it != revs.end()) r["searchRevInclude"] = it->second;
  if (!params.empty()) r["searchParam"] = std::move(params);
  return r;
}

}  // namespace

Reply FhirService::capabilities(const Request& r) {
  const auto registry = reindexer_->search_registry();
  std::lock_guard lock(capability_mutex_);
  if (capability_text_.empty() || capability_base_ != r.base_url || capability_for_ != registry) {
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
    std::set<std::string> common;
    Json common_list = common_params(*registry, common);
    const auto revs = rev_includes(*registry, model_->resource_types());
    Json resources = Json::array();
    for (const auto& type : model_->resource_types())
      resources.push_back(resource_entry(type, *registry, common, revs));
    rest["resource"] = std::move(resources);
    rest["interaction"] = interactions({"history-system", "search-system"});
    rest["searchParam"] = std::move(common_list);
    Json reindex = Json::object();
    reindex["name"] = "reindex";
    // Carnet's own operation (HAPI-style, no published OperationDefinition): a URN names it.
    reindex["definition"] = "urn:carnet:OperationDefinition:reindex";
    reindex["documentation"] =
        "POST [base]/$reindex or [base]/[type]/$reindex re-indexes stored resources so that active custom "
        "SearchParameters become usable; GET [base]/$reindex reports the job's progress";
    rest["operation"] = Json::array({reindex});
    cs["rest"] = Json::array({rest});
    capability_text_ = core::to_json_text(cs);
    capability_base_ = r.base_url;
    capability_for_ = registry;
  }
  Reply reply;
  reply.body = capability_text_;
  return reply;
}

}  // namespace carnet::service
