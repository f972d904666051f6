// reference values (http://hl7.org/fhir/R4/search.html#reference and
// references.html#literal): Reference.reference in its relative, absolute and
// versioned forms, Reference.identifier (:identifier), and canonicals.

#include <charconv>

#include "search/extract_shape.hpp"
#include "search/extract_values.hpp"

namespace carnet::search::detail {
namespace {

// A resource type name: an upper-case ASCII letter then letters
// (http://hl7.org/fhir/R4/references.html#regex).
bool is_type_name(std::string_view s) {
  if (s.empty() || s[0] < 'A' || s[0] > 'Z') return false;
  for (char c : s)
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'))) return false;
  return true;
}

// An id: [A-Za-z0-9\-\.]{1,64} (http://hl7.org/fhir/R4/datatypes.html#id).
bool is_id(std::string_view s) {
  if (s.empty() || s.size() > 64) return false;
  for (char c : s)
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.'))
      return false;
  return true;
}

std::string_view last_segment(std::string_view& path) {
  auto slash = path.rfind('/');
  std::string_view segment = slash == std::string_view::npos ? path : path.substr(slash + 1);
  path = slash == std::string_view::npos ? std::string_view() : path.substr(0, slash);
  return segment;
}

// Reads "[...]Type/id[/_history/version]" from the end of `path`; false when it does not end that way.
bool read_type_and_id(std::string_view path, ReferenceValue& out) {
  std::string_view rest = path;
  std::string_view version;
  std::string_view id = last_segment(rest);
  std::string_view type = last_segment(rest);
  if (type == "_history") {
    version = id;
    id = last_segment(rest);
    type = last_segment(rest);
  }
  if (!is_type_name(type) || !is_id(id)) return false;
  out.target_type = type;
  out.target_id = id;
  int v = 0;
  if (!version.empty()) {
    auto [end, error] = std::from_chars(version.data(), version.data() + version.size(), v);
    if (error == std::errc() && end == version.data() + version.size()) out.target_version = v;
  }
  return true;
}

bool is_absolute(std::string_view s) {
  auto colon = s.find(':');
  return colon != std::string_view::npos && colon > 0 && s.find('/') > colon;
}

void add_identifier(const core::Json& reference, ReferenceValue& out) {
  auto it = reference.find("identifier");
  if (it == reference.end() || !it->is_object()) return;
  out.identifier_system = string_member(*it, "system");
  out.identifier_value = string_member(*it, "value");
}

}  // namespace

bool parse_reference(std::string_view text, ReferenceValue& out) {
  if (text.empty() || text[0] == '#') return false;
  std::string_view path = text;
  if (auto bar = path.find('|'); bar != std::string_view::npos) {
    out.canonical_version = path.substr(bar + 1);
    path = path.substr(0, bar);
  }
  if (is_absolute(path)) {
    out.url = path;
    if (path.rfind("urn:", 0) != 0) read_type_and_id(path, out);
    return true;
  }
  if (read_type_and_id(path, out) && path.find('/') == out.target_type.size()) return true;
  // A relative path that is not Type/id: kept whole so that it still matches exactly.
  out.target_type.clear();
  out.target_id.clear();
  out.target_version.reset();
  out.url = path;
  return true;
}

void references_of(const fp::Value& value, std::vector<ReferenceValue>& out) {
  const Shape shape = shape_of(value);
  if (shape == Shape::string_primitive) {
    ReferenceValue ref;
    if (parse_reference(primitive_text(value), ref)) out.push_back(std::move(ref));
    return;
  }
  if (value.kind != fp::Kind::kNode || value.json == nullptr || !value.json->is_object()) return;
  ReferenceValue ref;
  if (shape == Shape::resource) {
    // A resource inside this one (Bundle.entry[0].resource for Bundle composition/message):
    // it is referred to by its type and id.
    ref.target_type = string_member(*value.json, "resourceType");
    ref.target_id = string_member(*value.json, "id");
    if (is_type_name(ref.target_type) && is_id(ref.target_id)) out.push_back(std::move(ref));
    return;
  }
  bool any = parse_reference(string_member(*value.json, "reference"), ref);
  add_identifier(*value.json, ref);
  if (any || !ref.identifier_value.empty() || !ref.identifier_system.empty()) out.push_back(std::move(ref));
}

}  // namespace carnet::search::detail
