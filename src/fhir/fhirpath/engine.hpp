#pragma once
// Private: the evaluator and the helpers the function families share.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "carnet/fhir/fhirpath/expression.hpp"
#include "fhir/fhirpath/ast.hpp"

namespace carnet::fhir::fhirpath::detail {

/// The variables a sub-expression sees.
struct Frame {
  /// Focus of a path that starts without a base.
  const Collection* focus = nullptr;
  /// $this (null outside a lambda: then the focus item).
  const Value* self = nullptr;
  std::int64_t index = 0;
  /// $total inside aggregate().
  const Collection* total = nullptr;
};

/// One evaluation: the options plus %resource/%context. Read-only while evaluating.
class Evaluator {
 public:
  Evaluator(const EvaluationOptions& options, const Collection& resource, const Collection& context)
      : options_(options), resource_(resource), context_(context) {}

  /// Evaluates `n` in `frame`.
  Collection eval(const Node& n, const Frame& frame) const;
  /// Evaluates argument `i` of `call` against the caller's focus.
  Collection arg(const Node& call, std::size_t i, const Frame& frame) const;
  /// Evaluates argument `i` of `call` once per item with $this/$index bound.
  Collection lambda(const Node& call, std::size_t i, const Value& item, std::int64_t index,
                    const Frame& frame) const;

  const EvaluationOptions& options() const { return options_; }
  /// %resource (empty when evaluating without one).
  const Collection& resource() const { return resource_; }
  /// The children named `name` of `v` (choice types and `_name` included).
  void children_named(const Value& v, std::string_view name, Collection& out) const;
  /// All children of a node.
  void all_children(const Value& v, Collection& out) const;
  /// True when `v` is of type `type` ("Quantity", "FHIR.string", "System.Integer").
  bool is_type(const Value& v, std::string_view type) const;
  /// The FHIR or inferred type of a node; the System type name of other values.
  std::string type_of(const Value& v) const;

 private:
  Collection eval_member(const Node& n, const Frame& frame) const;
  Collection eval_binary(const Node& n, const Frame& frame) const;
  const EvaluationOptions& options_;
  const Collection& resource_;
  const Collection& context_;
};

// --- value helpers (value_ops.cpp) ---

/// A node's primitive as a System value (dates by FHIR type); other values unchanged.
Value to_system(const Value& v);
/// The single item of `c`, or nullopt when empty; EvaluationError when > 1.
std::optional<Value> singleton(const Collection& c, std::string_view what);
/// As singleton(), but an extension-only primitive (no value) counts as empty.
std::optional<Value> value_singleton(const Collection& c, std::string_view what);
/// Singleton evaluation to Boolean (http://hl7.org/fhirpath/N1/#singleton-evaluation-of-collections).
std::optional<bool> to_boolean(const Collection& c, std::string_view what);
/// A singleton String (node strings included), or nullopt when empty. Throws when not a string.
std::optional<std::string> to_string_arg(const Collection& c, std::string_view what);
/// A singleton Integer argument.
std::optional<std::int64_t> to_integer_arg(const Collection& c, std::string_view what);
/// Numeric value of an Integer/Decimal.
long double numeric(const Value& v);
bool is_number(const Value& v);

/// `=`: true/false, or nullopt for "empty" (different date precisions).
std::optional<bool> equal_values(const Value& a, const Value& b);
/// `~`.
bool equivalent_values(const Value& a, const Value& b);
/// Ordering: <0, 0, >0, or nullopt when not comparable at this precision.
/// Throws EvaluationError when the types cannot be compared.
std::optional<int> compare_values(const Value& a, const Value& b);
/// True when the collection holds an item equal to `v` (for distinct/union/in).
bool contains_value(const Collection& c, const Value& v);
/// Arithmetic operator on singletons; nullopt = empty result.
std::optional<Value> arithmetic(BinaryOp op, const Value& a, const Value& b);

// --- temporal (temporal.cpp) ---

/// Parses a FHIRPath/FHIR date, dateTime or time text (time without `T`).
std::optional<Temporal> parse_temporal(std::string_view text, Kind kind);
/// Renders with the temporal's own precision.
std::string format_temporal(const Temporal& t, Kind kind);
/// Compares two temporals of the same kind: nullopt when precision makes it unknown.
std::optional<int> compare_temporal(const Temporal& a, const Temporal& b, Kind kind);
/// Adds `amount` of calendar `unit` (year, month, week, day, hour...); nullopt when not a calendar unit.
std::optional<Temporal> add_duration(const Temporal& t, Kind kind, long double amount, std::string_view unit);
/// The current instant in local UTC offset 0, or `fixed` when set.
Temporal now_temporal(const std::string& fixed);

/// A decimal literal's canonical text: no leading '+', no trailing fraction zeros.
std::string canonical_decimal(std::string_view text);
/// Renders a long double as a decimal text (15 significant digits).
std::string decimal_text(long double d);

}  // namespace carnet::fhir::fhirpath::detail
