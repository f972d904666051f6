// The patient compartment (http://hl7.org/fhir/R4/compartmentdefinition-patient.html):
// for each resource type, the reference search parameters that place a resource
// in a patient's compartment, evaluated as simple paths over the resource JSON.

#include <algorithm>
#include <cctype>
#include <stdexcept>
#include <string>
#include <unordered_map>

#include "fhir/model_impl.hpp"

namespace carnet::fhir {
namespace {

using nlohmann::json;

bool keep_search_parameter(const std::vector<std::string>& parents, const std::string& key) {
  switch (parents.size()) {
    case 0: return key == "entry";
    case 1: return key == "resource";
    case 2: return key == "code" || key == "base" || key == "expression" || key == "type";
    default: return false;
  }
}

std::string trim(std::string s) {
  const auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return {};
  const auto e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

// Removes `.where(...)` filters (balanced parentheses): the reference is kept
// only when it points to a Patient anyway, which is what `resolve() is Patient` tests.
std::string strip_where(const std::string& expr) {
  std::string out;
  for (std::size_t i = 0; i < expr.size();) {
    if (expr.compare(i, 7, ".where(") == 0) {
      int depth = 0;
      std::size_t j = i + 6;
      for (; j < expr.size(); ++j) {
        if (expr[j] == '(') ++depth;
        if (expr[j] == ')' && --depth == 0) break;
      }
      i = j + 1;
      continue;
    }
    out.push_back(expr[i++]);
  }
  return out;
}

// "Observation.subject" → [subject]; "(Observation.value as Quantity)" and
// "Observation.value.as(Quantity)" → [value as Quantity]. Returns empty when the
// expression is not a simple path on `type`.
SimplePath parse_simple_path(std::string part, const std::string& type) {
  part = trim(strip_where(part));
  std::string as_type;
  if (part.size() > 2 && part.front() == '(' && part.back() == ')')
    part = trim(part.substr(1, part.size() - 2));
  if (auto pos = part.find(" as "); pos != std::string::npos) {
    as_type = trim(part.substr(pos + 4));
    part = trim(part.substr(0, pos));
  }
  for (const char* fn : {".as(", ".ofType("}) {
    if (auto pos = part.find(fn); pos != std::string::npos && part.back() == ')') {
      const auto open = part.find('(', pos);
      as_type = part.substr(open + 1, part.size() - open - 2);
      part.resize(pos);
    }
  }
  if (part.rfind(type + ".", 0) != 0) return {};
  SimplePath path;
  std::size_t start = type.size() + 1;
  while (start <= part.size()) {
    auto dot = part.find('.', start);
    if (dot == std::string::npos) dot = part.size();
    std::string name = part.substr(start, dot - start);
    if (name.empty() || name.find_first_of("()[] ") != std::string::npos) return {};
    path.push_back({std::move(name), {}});
    start = dot + 1;
  }
  if (!path.empty()) path.back().as_type = as_type;
  return path;
}

void append_values(const core::Json& v, std::vector<const core::Json*>& out) {
  if (v.is_array()) {
    for (const auto& item : v) out.push_back(&item);
  } else {
    out.push_back(&v);
  }
}

bool is_choice_of(const std::string& key, const std::string& name) {
  return key.size() > name.size() && key.starts_with(name) &&
         std::isupper(static_cast<unsigned char>(key[name.size()]));
}

// Children named `step` of `obj`, choice elements included (`value` matches `valueReference`).
void step_into(const core::Json& obj, const PathStep& step, std::vector<const core::Json*>& out) {
  if (!obj.is_object()) return;
  if (!step.as_type.empty()) {
    std::string key = step.name + step.as_type;
    key[step.name.size()] =
        static_cast<char>(std::toupper(static_cast<unsigned char>(key[step.name.size()])));
    if (auto it = obj.find(key); it != obj.end()) append_values(*it, out);
    return;
  }
  if (auto it = obj.find(step.name); it != obj.end()) {
    append_values(*it, out);
    return;
  }
  for (auto it = obj.begin(); it != obj.end(); ++it) {
    if (is_choice_of(it.key(), step.name)) append_values(it.value(), out);
  }
}

// "Patient/123", "Patient/123/_history/2", "https://host/fhir/Patient/123" → "Patient/123".
std::string patient_reference(const std::string& ref) {
  std::vector<std::string_view> parts;
  std::string_view rest(ref);
  const bool absolute = rest.starts_with("http://") || rest.starts_with("https://");
  while (true) {
    auto slash = rest.find('/');
    parts.push_back(rest.substr(0, slash));
    if (slash == std::string_view::npos) break;
    rest.remove_prefix(slash + 1);
  }
  for (std::size_t i = 0; i + 1 < parts.size(); ++i) {
    if (parts[i] != "Patient" || (i != 0 && !absolute)) continue;
    const bool tail_ok = i + 2 == parts.size() || (i + 2 < parts.size() && parts[i + 2] == "_history");
    if (tail_ok && detail::is_valid_id(parts[i + 1])) return "Patient/" + std::string(parts[i + 1]);
  }
  return {};
}

}  // namespace

namespace detail {

void load_patient_compartment(const std::filesystem::path& schemas_dir, ModelData& impl) {
  const auto compartment_file = schemas_dir / "compartments" / "CompartmentDefinition-patient.json";
  json compartment;
  try {
    compartment = json::parse(read_file(compartment_file));
  } catch (const json::exception& e) {
    throw std::runtime_error("malformed FHIR definitions file " + compartment_file.string() + ": " +
                             e.what());
  }
  const json search = parse_filtered(schemas_dir / "search-parameters.json", keep_search_parameter);

  // (base type, code) → expression, for reference parameters only.
  std::unordered_map<std::string, std::string> expressions;
  for (const auto& entry : search.value("entry", json::array())) {
    const auto r = entry.find("resource");
    if (r == entry.end() || r->value("type", "") != "reference") continue;
    for (const auto& base : r->value("base", json::array())) {
      expressions[base.get<std::string>() + "|" + r->value("code", "")] = r->value("expression", "");
    }
  }
  for (const auto& res : compartment.value("resource", json::array())) {
    const std::string type = res.value("code", "");
    auto& paths = impl.patient_paths[type];
    for (const auto& param : res.value("param", json::array())) {
      if (!param.is_string() || param.get<std::string>() == "{def}") continue;  // {def}: the Patient itself
      auto it = expressions.find(type + "|" + param.get<std::string>());
      if (it == expressions.end()) continue;
      std::size_t start = 0;
      const std::string& expr = it->second;
      while (start <= expr.size()) {
        auto bar = expr.find('|', start);
        if (bar == std::string::npos) bar = expr.size();
        if (auto path = parse_simple_path(expr.substr(start, bar - start), type); !path.empty()) {
          paths.push_back(std::move(path));
        }
        start = bar + 1;
      }
    }
  }
}

void load_compartments(const std::filesystem::path& schemas_dir, ModelData& impl) {
  const auto dir = schemas_dir / "compartments";
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    const auto name = entry.path().filename().string();
    if (!name.starts_with("CompartmentDefinition-") || entry.path().extension() != ".json") continue;
    json definition;
    try {
      definition = json::parse(read_file(entry.path()));
    } catch (const json::exception& e) {
      throw std::runtime_error("malformed FHIR definitions file " + entry.path().string() + ": " + e.what());
    }
    auto& members = impl.compartments[definition.value("code", "")];
    for (const auto& res : definition.value("resource", json::array())) {
      std::vector<std::string> params;
      for (const auto& param : res.value("param", json::array())) {
        if (param.is_string()) params.push_back(param.get<std::string>());
      }
      if (!params.empty()) members[res.value("code", "")] = std::move(params);
    }
  }
}

}  // namespace detail

const std::map<std::string, std::vector<std::string>>* Model::compartment(const std::string& type) const {
  const auto it = impl_->data.compartments.find(type);
  return it == impl_->data.compartments.end() ? nullptr : &it->second;
}

std::vector<std::string> Model::patient_compartment(const core::Json& resource) const {
  std::vector<std::string> out;
  auto add = [&out](std::string ref) {
    if (!ref.empty() && std::find(out.begin(), out.end(), ref) == out.end()) out.push_back(std::move(ref));
  };
  if (!resource.is_object()) return out;
  const auto rt = resource.find("resourceType");
  if (rt == resource.end() || !rt->is_string()) return out;
  const std::string& type = rt->get_ref<const std::string&>();
  if (type == "Patient") {
    if (auto id = resource.find("id");
        id != resource.end() && id->is_string() && detail::is_valid_id(id->get_ref<const std::string&>())) {
      add("Patient/" + id->get<std::string>());
    }
  }
  auto paths = impl_->data.patient_paths.find(type);
  if (paths == impl_->data.patient_paths.end()) return out;

  for (const auto& path : paths->second) {
    std::vector<const core::Json*> current{&resource};
    for (const auto& step : path) {
      std::vector<const core::Json*> next;
      for (const core::Json* v : current) step_into(*v, step, next);
      current = std::move(next);
    }
    for (const core::Json* v : current) {
      if (!v->is_object()) continue;
      if (auto ref = v->find("reference"); ref != v->end() && ref->is_string()) {
        add(patient_reference(ref->get_ref<const std::string&>()));
      }
    }
  }
  return out;
}

}  // namespace carnet::fhir
