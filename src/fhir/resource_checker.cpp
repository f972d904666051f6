// Model::check: the structural rules of FHIR R4 JSON (http://hl7.org/fhir/R4/json.html)
// against the element definitions indexed at load. Diagnostics name elements and
// types, never the values (they may be patient data).

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "fhir/model_impl.hpp"

namespace carnet::fhir {
namespace {

using core::Issue;
using core::Json;

const char* type_label(ValueKind kind) {
  switch (kind) {
    case ValueKind::boolean: return "a JSON boolean";
    case ValueKind::integer:
    case ValueKind::positive_int:
    case ValueKind::unsigned_int: return "a JSON integer";
    case ValueKind::decimal: return "a JSON number";
    case ValueKind::id:
    case ValueKind::string: return "a JSON string";
    default: return "a JSON object";
  }
}

bool is_primitive(ValueKind kind) {
  return kind != ValueKind::complex && kind != ValueKind::resource;
}

std::string indexed(const std::string& expr, std::size_t i) {
  return expr + "[" + std::to_string(i) + "]";
}

class Checker {
 public:
  Checker(const ModelData& model, std::vector<Issue>& issues) : model_(model), issues_(issues) {}

  // A resource at `expr` ("" for the top level), checked by its own resourceType.
  void resource(const Json& v, const std::string& expr, bool contained) {
    if (!v.is_object()) {
      add("structure", "A resource must be a JSON object", expr);
      return;
    }
    auto rt = v.find("resourceType");
    if (rt == v.end() || !rt->is_string()) {
      add("structure", "The resource has no resourceType string", expr);
      return;
    }
    const std::string& type = rt->get_ref<const std::string&>();
    const Node* node = model_.resource_type_set.contains(type) ? model_.find_node(type) : nullptr;
    if (node == nullptr) {
      add("structure", "resourceType is not a FHIR R4 resource type", expr.empty() ? "" : expr);
      return;
    }
    const std::string root = expr.empty() ? type : expr;
    // dom-2: http://hl7.org/fhir/R4/domainresource.html#invs
    if (contained && v.contains("contained")) {
      add("structure", "A contained resource must not contain other resources", root + ".contained");
    }
    object(v, *node, root, true);
  }

 private:
  void add(const char* code, std::string diagnostics, std::string expression) {
    issues_.push_back(Issue{core::Severity::error, code, std::move(diagnostics), std::move(expression)});
  }

  void object(const Json& obj, const Node& node, const std::string& expr, bool resource_root) {
    if (obj.empty()) {
      add("structure", "An object must not be empty (" + node.name + ")", expr);
      return;
    }
    std::vector<std::string_view> choices_seen;
    for (auto it = obj.begin(); it != obj.end(); ++it) {
      const std::string& key = it.key();
      if (resource_root && key == "resourceType") continue;
      if (key.size() > 1 && key[0] == '_') {
        extension_sibling(obj, it.value(), node, key, expr);
        continue;
      }
      auto def_it = node.elements.find(key);
      if (def_it == node.elements.end()) {
        add("structure", "Unknown element '" + key + "' in " + node.name, expr + "." + key);
        continue;
      }
      const ElementDef& def = def_it->second;
      if (auto p = def.fhirpath.find(".ofType("); p != std::string::npos) {
        std::string_view base(def.fhirpath.data(), p);
        for (auto seen : choices_seen) {
          if (seen == base)
            add("structure", "Only one type of choice element '" + std::string(base) + "[x]' may be present",
                expr + "." + def.fhirpath);
        }
        choices_seen.push_back(base);
      }
      property(obj, key, it.value(), def, expr + "." + def.fhirpath);
    }
  }

  void property(const Json& obj, const std::string& key, const Json& v, const ElementDef& def,
                const std::string& expr) {
    if (!def.repeating) {
      if (v.is_array()) {
        add("structure", "Element '" + key + "' has max cardinality 1 and must not be an array", expr);
      } else if (v.is_null()) {
        add("structure", "Element '" + key + "' must not be null", expr);
      } else {
        value(v, def, expr);
      }
      return;
    }
    if (!v.is_array()) {
      add("structure", "Element '" + key + "' repeats and must be an array", expr);
      return;
    }
    if (v.empty()) {
      add("structure", "Element '" + key + "' must not be an empty array", expr);
      return;
    }
    const Json* ext = nullptr;
    if (auto e = obj.find("_" + key); e != obj.end() && e->is_array()) ext = &*e;
    for (std::size_t i = 0; i < v.size(); ++i) {
      const Json& item = v[i];
      if (item.is_null()) {
        // A null keeps the place of a value that only has an id/extension in `_key`.
        const bool has_ext =
            is_primitive(def.kind) && ext != nullptr && i < ext->size() && !(*ext)[i].is_null();
        if (!has_ext) add("structure", "Element '" + key + "' must not hold null", indexed(expr, i));
        continue;
      }
      value(item, def, indexed(expr, i));
    }
  }

  void value(const Json& v, const ElementDef& def, const std::string& expr) {
    switch (def.kind) {
      case ValueKind::complex:
        if (!v.is_object()) {
          add("structure",
              "Element must be a JSON object (" + (def.type.empty() ? def.node->name : def.type) + ")", expr);
        } else {
          object(v, *def.node, expr, false);
        }
        return;
      case ValueKind::resource: resource(v, expr, def.fhirpath == "contained"); return;
      default: primitive(v, def, expr); return;
    }
  }

  void primitive(const Json& v, const ElementDef& def, const std::string& expr) {
    const std::string wrong =
        std::string("Value must be ") + type_label(def.kind) + " (FHIR " + def.type + ")";
    switch (def.kind) {
      case ValueKind::boolean:
        if (!v.is_boolean()) add("structure", wrong, expr);
        return;
      case ValueKind::integer:
      case ValueKind::positive_int:
      case ValueKind::unsigned_int: integer(v, def, expr, wrong); return;
      case ValueKind::decimal:
        if (!v.is_number() && !core::is_decimal(v)) add("structure", wrong, expr);
        return;
      default: break;
    }
    if (!v.is_string()) {
      add("structure", wrong, expr);
    } else if (v.get_ref<const std::string&>().empty()) {
      add("value", "Value must not be an empty string (FHIR " + def.type + ")", expr);
    } else if (def.kind == ValueKind::id && !detail::is_valid_id(v.get_ref<const std::string&>())) {
      add("value", "Value is not a valid id (1-64 characters A-Z a-z 0-9 - .)", expr);
    }
  }

  void integer(const Json& v, const ElementDef& def, const std::string& expr, const std::string& wrong) {
    if (core::is_decimal(v) || v.is_number_float()) {
      add("value", "Value must be an integer without fraction or exponent (FHIR " + def.type + ")", expr);
      return;
    }
    if (!v.is_number_integer()) {
      add("structure", wrong, expr);
      return;
    }
    constexpr std::int64_t kMax = std::numeric_limits<std::int32_t>::max();
    constexpr std::int64_t kMin = std::numeric_limits<std::int32_t>::min();
    const bool too_big = v.is_number_unsigned() ? v.get<std::uint64_t>() > static_cast<std::uint64_t>(kMax)
                                                : v.get<std::int64_t>() > kMax;
    const std::int64_t n = too_big ? kMax : v.get<std::int64_t>();
    const std::int64_t min = def.kind == ValueKind::positive_int   ? 1
                             : def.kind == ValueKind::unsigned_int ? 0
                                                                   : kMin;
    if (too_big || n < min) {
      add("value",
          "Value is out of range for FHIR " + def.type + " (" + std::to_string(min) + " to " +
              std::to_string(kMax) + ")",
          expr);
    }
  }

  // `_name`: the id and extensions of primitive `name` (http://hl7.org/fhir/R4/json.html#primitive).
  void extension_sibling(const Json& obj, const Json& v, const Node& node, const std::string& key,
                         const std::string& expr) {
    const std::string name = key.substr(1);
    auto def_it = node.elements.find(name);
    if (def_it == node.elements.end() || !is_primitive(def_it->second.kind)) {
      add("structure", "Unknown element '" + key + "' in " + node.name, expr + "." + key);
      return;
    }
    const ElementDef& def = def_it->second;
    const std::string el_expr = expr + "." + def.fhirpath;
    const Node* element = model_.find_node("Element");
    if (!def.repeating) {
      if (!v.is_object()) {
        add("structure", "'" + key + "' must be a JSON object with id and/or extension", el_expr);
      } else {
        object(v, *element, el_expr, false);
      }
      return;
    }
    if (!v.is_array()) {
      add("structure", "'" + key + "' must be an array, as '" + name + "' repeats", el_expr);
      return;
    }
    if (v.empty()) {
      add("structure", "'" + key + "' must not be an empty array", el_expr);
      return;
    }
    if (auto values = obj.find(name);
        values != obj.end() && values->is_array() && values->size() != v.size()) {
      add("structure", "'" + key + "' must have as many items as '" + name + "'", el_expr);
    }
    for (std::size_t i = 0; i < v.size(); ++i) {
      const Json& item = v[i];
      if (item.is_null()) continue;
      if (!item.is_object()) {
        add("structure", "'" + key + "' items must be null or a JSON object with id and/or extension",
            indexed(el_expr, i));
      } else {
        object(item, *element, indexed(el_expr, i), false);
      }
    }
  }

  const ModelData& model_;
  std::vector<Issue>& issues_;
};

}  // namespace

std::vector<core::Issue> Model::check(const core::Json& resource) const {
  std::vector<core::Issue> issues;
  Checker(impl_->data, issues).resource(resource, "", false);
  return issues;
}

}  // namespace carnet::fhir
