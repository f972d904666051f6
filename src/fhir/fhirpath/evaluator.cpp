// Tree-walking evaluation of a compiled expression over collections
// (http://hl7.org/fhirpath/N1/#path-selection, #operations).

#include <algorithm>
#include <cctype>

#include "fhir/fhirpath/engine.hpp"

namespace carnet::fhir::fhirpath::detail {
namespace {

Collection one(Value v) {
  Collection c;
  c.push_back(std::move(v));
  return c;
}

Collection equality(const Collection& l, const Collection& r, bool negate) {
  if (l.empty() || r.empty()) return {};
  if (l.size() != r.size()) return one(make_boolean(negate));
  for (std::size_t i = 0; i < l.size(); ++i) {
    auto e = equal_values(l[i], r[i]);
    if (!e) return {};
    if (!*e) return one(make_boolean(negate));
  }
  return one(make_boolean(!negate));
}

bool equivalence(const Collection& l, const Collection& r) {
  if (l.size() != r.size()) return false;
  std::vector<bool> used(r.size(), false);
  for (const Value& a : l) {
    bool found = false;
    for (std::size_t i = 0; i < r.size() && !found; ++i) {
      if (!used[i] && equivalent_values(a, r[i])) {
        used[i] = true;
        found = true;
      }
    }
    if (!found) return false;
  }
  return true;
}

}  // namespace

Collection Evaluator::arg(const Node& call, std::size_t i, const Frame& frame) const {
  return eval(*call.args[i], frame);
}

Collection Evaluator::lambda(const Node& call, std::size_t i, const Value& item, std::int64_t index,
                             const Frame& frame) const {
  Collection focus = one(item);
  Frame f = frame;
  f.focus = &focus;
  f.self = &focus.front();
  f.index = index;
  return eval(*call.args[i], f);
}

Collection Evaluator::eval(const Node& n, const Frame& frame) const {
  switch (n.kind) {
    case NodeKind::kLiteral: return one(n.literal);
    case NodeKind::kEmpty: return {};
    case NodeKind::kThis: return frame.self != nullptr ? one(*frame.self) : *frame.focus;
    case NodeKind::kIndex: return one(make_integer(frame.index));
    case NodeKind::kTotal: return frame.total != nullptr ? *frame.total : Collection{};
    case NodeKind::kVariable: {
      if (n.name == "resource" || n.name == "rootResource") return resource_;
      if (n.name == "context") return context_;
      auto it = options_.variables.find(n.name);
      if (it != options_.variables.end()) return it->second;
      if (n.name == "ucum") return one(make_string("http://unitsofmeasure.org"));
      if (n.name == "sct") return one(make_string("http://snomed.info/sct"));
      if (n.name == "loinc") return one(make_string("http://loinc.org"));
      if (n.name.rfind("vs-", 0) == 0)
        return one(make_string("http://hl7.org/fhir/ValueSet/" + n.name.substr(3)));
      if (n.name.rfind("ext-", 0) == 0)
        return one(make_string("http://hl7.org/fhir/StructureDefinition/" + n.name.substr(4)));
      throw EvaluationError("undefined variable %" + n.name);
    }
    case NodeKind::kMember: return eval_member(n, frame);
    case NodeKind::kFunction: {
      if (n.base) return n.fn(*this, eval(*n.base, frame), n, frame);
      return n.fn(*this, *frame.focus, n, frame);
    }
    case NodeKind::kIndexer: {
      Collection base = eval(*n.base, frame);
      auto idx = to_integer_arg(eval(*n.args[0], frame), "indexer");
      if (!idx || *idx < 0 || static_cast<std::size_t>(*idx) >= base.size()) return {};
      return one(std::move(base[static_cast<std::size_t>(*idx)]));
    }
    case NodeKind::kUnary: {
      auto v = value_singleton(eval(*n.args[0], frame), "unary minus");
      if (!v) return {};
      Value s = to_system(*v);
      if (s.kind == Kind::kInteger) return one(make_integer(-s.integer));
      if (s.kind == Kind::kDecimal) return one(make_decimal(-s.decimal));
      if (s.kind == Kind::kQuantity) return one(make_quantity(make_decimal(-s.decimal), s.unit));
      throw EvaluationError("unary minus needs a number");
    }
    case NodeKind::kBinary: return eval_binary(n, frame);
    case NodeKind::kTypeOp: {
      Collection in = eval(*n.args[0], frame);
      if (n.op == BinaryOp::kIs) {
        auto v = singleton(in, "is");
        if (!v) return {};
        return one(make_boolean(is_type(*v, n.name)));
      }
      Collection out;
      for (const Value& v : in)
        if (is_type(v, n.name)) out.push_back(v);
      return out;
    }
  }
  return {};
}

Collection Evaluator::eval_member(const Node& n, const Frame& frame) const {
  Collection base_values;
  const Collection* input = frame.focus;
  if (n.base) {
    base_values = eval(*n.base, frame);
    input = &base_values;
  }
  Collection out;
  const bool type_step =
      !n.base && !n.name.empty() && std::isupper(static_cast<unsigned char>(n.name[0])) != 0;
  for (const Value& v : *input) {
    if (v.kind == Kind::kQuantity) {
      if (n.name == "value") out.push_back(make_decimal_text(v.text));
      if (n.name == "unit" || n.name == "code") out.push_back(make_string(v.unit));
      continue;
    }
    if (v.kind != Kind::kNode) continue;
    if (type_step && v.json != nullptr && v.json->is_object()) {
      auto rt = v.json->find("resourceType");
      const bool is_resource = rt != v.json->end() && rt->is_string();
      if ((is_resource && (rt->get_ref<const std::string&>() == n.name || n.name == "Resource" ||
                           n.name == "DomainResource")) ||
          v.type == n.name) {
        out.push_back(v);
        continue;
      }
    }
    children_named(v, n.name, out);
  }
  return out;
}

Collection Evaluator::eval_binary(const Node& n, const Frame& frame) const {
  Collection l = eval(*n.args[0], frame);
  switch (n.op) {
    case BinaryOp::kAnd: {
      auto a = to_boolean(l, "and");
      if (a && !*a) return one(make_boolean(false));
      auto b = to_boolean(eval(*n.args[1], frame), "and");
      if (b && !*b) return one(make_boolean(false));
      if (a && b) return one(make_boolean(true));
      return {};
    }
    case BinaryOp::kOr: {
      auto a = to_boolean(l, "or");
      if (a && *a) return one(make_boolean(true));
      auto b = to_boolean(eval(*n.args[1], frame), "or");
      if (b && *b) return one(make_boolean(true));
      if (a && b) return one(make_boolean(false));
      return {};
    }
    case BinaryOp::kXor: {
      auto a = to_boolean(l, "xor");
      auto b = to_boolean(eval(*n.args[1], frame), "xor");
      if (!a || !b) return {};
      return one(make_boolean(*a != *b));
    }
    case BinaryOp::kImplies: {
      auto a = to_boolean(l, "implies");
      if (a && !*a) return one(make_boolean(true));
      auto b = to_boolean(eval(*n.args[1], frame), "implies");
      if (b && *b) return one(make_boolean(true));
      if (a && b) return one(make_boolean(false));
      return {};
    }
    default: break;
  }
  Collection r = eval(*n.args[1], frame);
  switch (n.op) {
    case BinaryOp::kUnion: {
      Collection out;
      for (auto* c : {&l, &r})
        for (const Value& v : *c)
          if (!contains_value(out, v)) out.push_back(v);
      return out;
    }
    case BinaryOp::kEq: return equality(l, r, false);
    case BinaryOp::kNe: return equality(l, r, true);
    case BinaryOp::kEquiv: return one(make_boolean(equivalence(l, r)));
    case BinaryOp::kNotEquiv: return one(make_boolean(!equivalence(l, r)));
    case BinaryOp::kIn:
    case BinaryOp::kContains: {
      const Collection& item = n.op == BinaryOp::kIn ? l : r;
      const Collection& coll = n.op == BinaryOp::kIn ? r : l;
      auto v = singleton(item, n.name);
      if (!v) return {};
      return one(make_boolean(contains_value(coll, *v)));
    }
    case BinaryOp::kConcat: {
      auto a = to_string_arg(l, "&");
      auto b = to_string_arg(r, "&");
      return one(make_string(a.value_or("") + b.value_or("")));
    }
    case BinaryOp::kLt:
    case BinaryOp::kGt:
    case BinaryOp::kLe:
    case BinaryOp::kGe: {
      auto a = value_singleton(l, n.name);
      auto b = value_singleton(r, n.name);
      if (!a || !b) return {};
      auto c = compare_values(*a, *b);
      if (!c) return {};
      bool res = n.op == BinaryOp::kLt   ? *c < 0
                 : n.op == BinaryOp::kGt ? *c > 0
                 : n.op == BinaryOp::kLe ? *c <= 0
                                         : *c >= 0;
      return one(make_boolean(res));
    }
    default: {
      auto a = value_singleton(l, n.name);
      auto b = value_singleton(r, n.name);
      if (!a || !b) return {};
      auto v = arithmetic(n.op, *a, *b);
      if (!v) return {};
      return one(std::move(*v));
    }
  }
}

}  // namespace carnet::fhir::fhirpath::detail
