// The implicit code system of `code` elements: a `code` bound (required) to a
// value set whose codes all come from one code system has that system
// (http://hl7.org/fhir/R4/datatypes.html#code, search.html#token). The
// expression of a token parameter is read as simple paths ("Patient.gender",
// "(Observation.value as Quantity)", "X.y.where(...)") and each path is looked
// up in the model; anything else leaves the parameter without implicit system.

#include "search/implicit_systems.hpp"

#include <optional>
#include <string_view>
#include <vector>

#include "search/expression_parts.hpp"

namespace carnet::search::detail {
namespace {

std::string_view trim(std::string_view s) {
  const auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return {};
  const auto e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

// Removes `.where(...)` filters: they narrow what a path selects, not its type.
std::string strip_where(std::string_view expr) {
  std::string out;
  for (std::size_t i = 0; i < expr.size();) {
    if (expr.substr(i, 7) == ".where(") {
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

// "Patient.gender" → "Patient.gender"; "(Observation.value as Quantity)",
// "Observation.value.as(Quantity)" → "Observation.valueQuantity". Nullopt when
// the part is not a simple path.
std::optional<std::string> element_path(std::string_view part) {
  std::string path = strip_where(part);
  std::string_view p = trim(path);
  std::string as_type;
  if (p.size() > 2 && p.front() == '(' && p.back() == ')') p = trim(p.substr(1, p.size() - 2));
  if (auto pos = p.find(" as "); pos != std::string_view::npos) {
    as_type = std::string(trim(p.substr(pos + 4)));
    p = trim(p.substr(0, pos));
  }
  for (std::string_view fn : {".as(", ".ofType("}) {
    if (auto pos = p.find(fn); pos != std::string_view::npos && p.back() == ')') {
      const auto open = p.find('(', pos);
      as_type = std::string(p.substr(open + 1, p.size() - open - 2));
      p = p.substr(0, pos);
    }
  }
  if (p.empty() || p.find_first_of("()[] ,'") != std::string_view::npos) return std::nullopt;
  if (as_type.find_first_of("(). ") != std::string::npos) return std::nullopt;
  std::string out(p);
  if (!as_type.empty()) {
    if (as_type[0] >= 'a' && as_type[0] <= 'z') as_type[0] = static_cast<char>(as_type[0] - 'a' + 'A');
    out += as_type;
  }
  return out;
}

// Primitive types a token parameter indexes as a plain code.
bool is_primitive(const std::string& type) {
  return !type.empty() && type[0] >= 'a' && type[0] <= 'z';
}

}  // namespace

ImplicitSystems::ImplicitSystems(std::shared_ptr<const fhir::Model> model,
                                 std::shared_ptr<const Terminology> terminology)
    : model_(std::move(model)), terminology_(std::move(terminology)) {}

std::string ImplicitSystems::system_of_value_set(const std::string& url) const {
  const auto expansion = terminology_->expand(url);
  if (!expansion) return {};
  std::string system;
  auto same = [&system](const std::string& s) {
    if (s.empty()) return false;
    if (system.empty()) system = s;
    return s == system;
  };
  for (const auto& [s, code] : expansion->codes)
    if (!same(s)) return {};
  for (const std::string& s : expansion->whole_systems)
    if (!same(s)) return {};
  return system;
}

std::string ImplicitSystems::of(const SearchParameter& p) const {
  if (p.type != ParamType::token || p.expression_text.empty()) return {};
  std::string system;
  for (std::string_view part : union_parts(p.expression_text)) {
    // Only the parts on this parameter's base select anything on its resources.
    const std::string_view bare = part.starts_with('(') ? part.substr(1) : part;
    if (!bare.starts_with(p.base) || bare.substr(p.base.size(), 1) != ".") continue;
    const auto path = element_path(part);
    if (!path) return {};
    const auto element = model_->element_type(*path);
    if (!element) return {};
    if (!is_primitive(element->type)) continue;  // Coding, CodeableConcept...: systems of their own
    if (element->type != "code" || element->required_value_set.empty()) return {};
    const std::string s = system_of_value_set(element->required_value_set);
    if (s.empty() || (!system.empty() && s != system)) return {};
    system = s;
  }
  return system;
}

}  // namespace carnet::search::detail
