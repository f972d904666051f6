// Filtering, projection, subsetting, combining and tree-navigation functions
// (http://hl7.org/fhirpath/N1/#filtering-and-projection, #subsetting, #combining,
// #tree-navigation) plus FHIR's extension() and resolve() (FHIR R4 §2.3.4).

#include <algorithm>
#include <cctype>

#include "fhir/fhirpath/functions.hpp"

namespace carnet::fhir::fhirpath::detail {
namespace {

std::size_t count_arg(const Evaluator& ev, const Node& call, const Frame& frame, std::string_view what) {
  auto n = to_integer_arg(ev.arg(call, 0, frame), what);
  if (!n || *n < 0) return 0;
  return static_cast<std::size_t>(*n);
}

bool same_item(const Value& a, const Value& b) {
  if (a.kind == Kind::kNode && b.kind == Kind::kNode && a.json == b.json && a.extension == b.extension)
    return true;
  auto e = equal_values(a, b);
  return e && *e;
}

bool has_item(const Collection& c, const Value& v) {
  return std::any_of(c.begin(), c.end(), [&](const Value& x) { return same_item(x, v); });
}

// The reference's type part: "Patient/1", ".../fhir/Patient/1/_history/2" → "Patient".
std::string reference_type(const std::string& ref) {
  std::string s = ref;
  if (auto h = s.find("/_history/"); h != std::string::npos) s.resize(h);
  auto slash = s.rfind('/');
  if (slash == std::string::npos || slash == 0) return {};
  auto prev = s.rfind('/', slash - 1);
  std::string type =
      s.substr(prev == std::string::npos ? 0 : prev + 1, slash - (prev == std::string::npos ? 0 : prev + 1));
  if (type.empty() || std::isupper(static_cast<unsigned char>(type[0])) == 0) return {};
  return type;
}

}  // namespace

CARNET_FP_FN(fn_where) {
  Collection out;
  for (std::size_t i = 0; i < in.size(); ++i) {
    auto b = to_boolean(ev.lambda(call, 0, in[i], static_cast<std::int64_t>(i), frame), "where()");
    if (b && *b) out.push_back(in[i]);
  }
  return out;
}

CARNET_FP_FN(fn_select) {
  Collection out;
  for (std::size_t i = 0; i < in.size(); ++i) {
    Collection r = ev.lambda(call, 0, in[i], static_cast<std::int64_t>(i), frame);
    out.insert(out.end(), std::make_move_iterator(r.begin()), std::make_move_iterator(r.end()));
  }
  return out;
}

CARNET_FP_FN(fn_repeat) {
  Collection out;
  Collection current = in;
  while (!current.empty()) {
    Collection next;
    for (std::size_t i = 0; i < current.size(); ++i) {
      for (Value& v : ev.lambda(call, 0, current[i], static_cast<std::int64_t>(i), frame)) {
        if (has_item(out, v)) continue;
        out.push_back(v);
        next.push_back(std::move(v));
      }
    }
    current = std::move(next);
  }
  return out;
}

CARNET_FP_FN(fn_of_type) {
  Collection out;
  for (const Value& v : in)
    if (ev.is_type(v, call.literal.text)) out.push_back(v);
  return out;
}

// Strict (singleton) unlike the `as` operator, which R4 search parameters
// apply to repeating elements; the R4 parameters only use as() on 0..1 elements.
CARNET_FP_FN(fn_as) {
  if (in.size() > 1) throw EvaluationError("as() expects a single item");
  return fn_of_type(ev, in, call, frame);
}

CARNET_FP_FN(fn_is) {
  auto v = singleton(in, "is()");
  if (!v) return {};
  return bool_result(ev.is_type(*v, call.literal.text));
}

CARNET_FP_FN(fn_single) {
  auto v = singleton(in, "single()");
  if (!v) return {};
  return single_result(*v);
}

CARNET_FP_FN(fn_first) {
  return in.empty() ? Collection{} : single_result(in.front());
}
CARNET_FP_FN(fn_last) {
  return in.empty() ? Collection{} : single_result(in.back());
}
CARNET_FP_FN(fn_tail) {
  return in.size() <= 1 ? Collection{} : Collection(in.begin() + 1, in.end());
}

CARNET_FP_FN(fn_skip) {
  auto n = to_integer_arg(ev.arg(call, 0, frame), "skip()");
  std::size_t k = !n || *n < 0 ? 0 : static_cast<std::size_t>(*n);
  if (k >= in.size()) return {};
  return Collection(in.begin() + static_cast<std::ptrdiff_t>(k), in.end());
}

CARNET_FP_FN(fn_take) {
  std::size_t k = std::min(count_arg(ev, call, frame, "take()"), in.size());
  return Collection(in.begin(), in.begin() + static_cast<std::ptrdiff_t>(k));
}

CARNET_FP_FN(fn_intersect) {
  Collection other = ev.arg(call, 0, frame);
  Collection out;
  for (const Value& v : in)
    if (contains_value(other, v) && !contains_value(out, v)) out.push_back(v);
  return out;
}

CARNET_FP_FN(fn_exclude) {
  Collection other = ev.arg(call, 0, frame);
  Collection out;
  for (const Value& v : in)
    if (!contains_value(other, v)) out.push_back(v);
  return out;
}

CARNET_FP_FN(fn_union) {
  Collection other = ev.arg(call, 0, frame);
  Collection out;
  for (const Collection* c : {&in, static_cast<const Collection*>(&other)})
    for (const Value& v : *c)
      if (!contains_value(out, v)) out.push_back(v);
  return out;
}

CARNET_FP_FN(fn_combine) {
  Collection out = in;
  Collection other = ev.arg(call, 0, frame);
  out.insert(out.end(), other.begin(), other.end());
  return out;
}

CARNET_FP_FN(fn_children) {
  Collection out;
  for (const Value& v : in) ev.all_children(v, out);
  return out;
}

CARNET_FP_FN(fn_descendants) {
  Collection out;
  Collection current = in;
  while (!current.empty()) {
    Collection next;
    for (const Value& v : current) ev.all_children(v, next);
    out.insert(out.end(), next.begin(), next.end());
    current = std::move(next);
  }
  return out;
}

CARNET_FP_FN(fn_extension) {
  auto url = to_string_arg(ev.arg(call, 0, frame), "extension()");
  if (!url) return {};
  Collection out;
  auto take_from = [&](const core::Json* holder) {
    if (holder == nullptr || !holder->is_object()) return;
    auto list = holder->find("extension");
    if (list == holder->end() || !list->is_array()) return;
    for (const core::Json& e : *list) {
      auto u = e.find("url");
      if (e.is_object() && u != e.end() && u->is_string() && u->get_ref<const std::string&>() == *url)
        out.push_back(make_node(&e, nullptr, "Extension"));
    }
  };
  for (const Value& v : in) {
    if (v.kind != Kind::kNode) continue;
    take_from(v.json);
    take_from(v.extension);
  }
  return out;
}

CARNET_FP_FN(fn_resolve) {
  Collection out;
  for (const Value& v : in) {
    if (v.kind != Kind::kNode || v.json == nullptr) continue;
    std::string ref;
    if (v.json->is_string()) {
      ref = v.json->get<std::string>();
    } else if (v.json->is_object() && v.json->contains("reference") && (*v.json)["reference"].is_string()) {
      ref = (*v.json)["reference"].get<std::string>();
    }
    if (ref.empty()) continue;
    if (ref[0] == '#' && !ev.resource().empty()) {
      // Contained resource of %resource (FHIR R4 §2.3.4 resolve()).
      const core::Json* root = ev.resource().front().json;
      auto contained = root != nullptr && root->is_object() ? root->find("contained") : root->end();
      if (root != nullptr && root->is_object() && contained != root->end() && contained->is_array()) {
        for (const core::Json& c : *contained) {
          if (c.is_object() && c.contains("id") && c["id"] == ref.substr(1)) {
            out.push_back(make_node(&c, nullptr, c.value("resourceType", std::string())));
            break;
          }
        }
      }
      continue;
    }
    if (ev.options().resolver) {
      if (const core::Json* r = ev.options().resolver(ref)) {
        out.push_back(make_node(
            r, nullptr,
            r->is_object() && r->contains("resourceType") ? (*r)["resourceType"].get<std::string>() : ""));
      }
      continue;
    }
    // No resolver: the reference stands for its target, typed by its type part.
    std::string type = reference_type(ref);
    if (!type.empty()) out.push_back(make_node(v.json, nullptr, std::move(type)));
  }
  return out;
}

CARNET_FP_FN(fn_type) {
  return {};
}

}  // namespace carnet::fhir::fhirpath::detail
