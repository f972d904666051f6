#include "service/summary.hpp"

#include <algorithm>

#include "carnet/core/json.hpp"

namespace carnet::service {

namespace {

using core::Json;

constexpr const char* kSubsettedSystem = "http://terminology.hl7.org/CodeSystem/v3-ObservationValue";

bool always_kept(const std::string& key) {
  return key == "resourceType" || key == "id" || key == "meta";
}

bool keep(const std::string& type, const std::string& key, search::Summary summary,
          const std::vector<std::string>& elements, const fhir::Model& model) {
  if (always_kept(key)) return true;
  if (summary == search::Summary::data) return key != "text";
  auto flags = model.element_flags(type, key);
  // Servers SHOULD return mandatory elements whatever is asked (search.html#elements).
  if (flags && flags->mandatory) return true;
  switch (summary) {
    case search::Summary::yes: return flags && flags->summary;
    case search::Summary::text: return key == "text";
    default: break;
  }
  const std::string& name = flags ? flags->name : key;
  return std::find(elements.begin(), elements.end(), name) != elements.end();
}

void tag_subsetted(Json& resource) {
  Json& meta = resource["meta"];
  if (!meta.is_object()) meta = Json::object();
  Json& tags = meta["tag"];
  if (!tags.is_array()) tags = Json::array();
  for (const auto& t : tags)
    if (t.is_object() && t.value("system", "") == kSubsettedSystem && t.value("code", "") == "SUBSETTED")
      return;
  Json tag = Json::object();
  tag["system"] = kSubsettedSystem;
  tag["code"] = "SUBSETTED";
  tag["display"] = "subsetted";
  tags.push_back(std::move(tag));
}

}  // namespace

bool subsets(search::Summary summary, const std::vector<std::string>& elements) {
  return summary == search::Summary::yes || summary == search::Summary::text ||
         summary == search::Summary::data || !elements.empty();
}

std::string subset_resource(const std::string& resource_text, search::Summary summary,
                            const std::vector<std::string>& elements, const fhir::Model& model) {
  // Stored texts were checked on write; the depth bound is only a guard.
  Json resource = core::parse_json(resource_text, 1000);
  if (!resource.is_object()) return resource_text;
  const std::string type = resource.value("resourceType", "");
  Json out = Json::object();
  for (auto it = resource.begin(); it != resource.end(); ++it) {
    const std::string& key = it.key();
    // `_birthDate` carries the id/extensions of `birthDate`: it goes with it.
    const std::string element = key.size() > 1 && key[0] == '_' ? key.substr(1) : key;
    if (keep(type, element, summary, elements, model)) out[key] = it.value();
  }
  tag_subsetted(out);
  return core::to_json_text(out);
}

}  // namespace carnet::service
