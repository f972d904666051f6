#include "service/resource_text.hpp"

#include <charconv>

#include "carnet/core/error.hpp"

namespace carnet::service {

core::Json parse_resource(const std::string& body, const std::string& type, const fhir::Model& model,
                          std::size_t max_depth) {
  core::Json resource = core::parse_json(body, max_depth);
  if (!resource.is_object())
    throw core::invalid_structure("The body must be a JSON object (a FHIR resource)");
  auto rt = resource.find("resourceType");
  if (rt == resource.end() || !rt->is_string()) {
    throw core::invalid_structure("The resource has no resourceType", "resourceType");
  }
  const auto& declared = rt->get_ref<const std::string&>();
  if (declared != type) {
    throw core::invalid(
        "The body's resourceType '" + declared + "' does not match the URL's type '" + type + "'",
        "resourceType");
  }
  auto issues = model.check(resource);
  if (!issues.empty()) throw core::Error(400, std::move(issues), "resource failed structural checks");
  return resource;
}

std::string render_version(const core::Json& resource, const std::string& id, int version,
                           core::Instant last_updated) {
  core::Json meta = core::Json::object();
  meta["versionId"] = std::to_string(version);
  meta["lastUpdated"] = core::to_fhir_instant(last_updated);
  if (auto m = resource.find("meta"); m != resource.end() && m->is_object()) {
    for (auto it = m->begin(); it != m->end(); ++it) {
      if (it.key() != "versionId" && it.key() != "lastUpdated") meta[it.key()] = it.value();
    }
  }
  // The client's element order is kept; id and meta, when the client sent
  // none, go where FHIR puts them: id after resourceType, meta after id.
  // Written member by member: a copy of the resource with id and meta in place
  // cost as much as the serialisation itself on every write.
  std::string out;
  out.reserve(1024);
  bool first = true;
  auto member = [&out, &first](std::string_view key, const core::Json& value) {
    out.push_back(first ? '{' : ',');
    first = false;
    core::append_json_string(out, key);
    out.push_back(':');
    core::append_json_text(out, value);
  };
  const core::Json id_value = id;
  const bool has_id = resource.contains("id"), has_meta = resource.contains("meta");
  for (auto it = resource.begin(); it != resource.end(); ++it) {
    const auto& k = it.key();
    if (k == "resourceType") {
      member(k, it.value());
      if (!has_id) member("id", id_value);
      if (!has_id && !has_meta) member("meta", meta);
    } else if (k == "id") {
      member("id", id_value);
      if (!has_meta) member("meta", meta);
    } else if (k == "meta") {
      member("meta", meta);
    } else {
      member(k, it.value());
    }
  }
  out += first ? "{}" : "}";
  return out;
}

std::string etag(int version) {
  return "W/\"" + std::to_string(version) + "\"";
}

std::optional<int> parse_etag(const std::string& header, const char* header_name) {
  std::string_view v = header;
  while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
  while (!v.empty() && v.back() == ' ') v.remove_suffix(1);
  if (v == "*") return std::nullopt;
  if (v.starts_with("W/")) v.remove_prefix(2);
  if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
  int out = 0;
  auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), out);
  if (v.empty() || ec != std::errc() || ptr != v.data() + v.size() || out < 1) {
    throw core::invalid(std::string(header_name) + " must be a version ETag such as W/\"3\"");
  }
  return out;
}

std::string version_url(const std::string& base, const store::VersionInfo& info) {
  return base + "/" + info.type + "/" + info.id + "/_history/" + std::to_string(info.version);
}

}  // namespace carnet::service
