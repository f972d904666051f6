#pragma once
/// A compiled FHIRPath expression (http://hl7.org/fhirpath/N1/, as profiled by
/// FHIR R4 §2.3 "FHIRPath"). Compile once, evaluate many times: an Expression is
/// immutable after compile() and evaluate() may run concurrently from any number
/// of threads on the same Expression.

#include <functional>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

#include "carnet/core/json.hpp"
#include "carnet/fhir/fhirpath/value.hpp"

namespace carnet::fhir::fhirpath {

namespace detail {
struct Node;
}

/// Thrown by Expression::compile for a syntax error or an unknown function.
class ParseError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Thrown by evaluate() for an evaluation error the spec defines (a singleton
/// expected, incompatible operands, unknown %variable...).
class EvaluationError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// The FHIR element-type model the engine asks when it navigates. Without one
/// the engine infers types from choice suffixes, resourceType and JSON kinds.
/// Implementations must be thread-safe for concurrent const calls.
class TypeModel {
 public:
  virtual ~TypeModel() = default;
  /// The type of element `name` of a `parent_type` node ("HumanName" for
  /// Patient.name), or "" when unknown. Choice elements are resolved by the engine.
  virtual std::string element_type(std::string_view parent_type, std::string_view name) const = 0;
  /// True when `type` is `base` or derives from it (e.g. "Age" from "Quantity").
  virtual bool is_subtype(std::string_view type, std::string_view base) const = 0;
};

/// Resolves a reference string ("Patient/123", "#contained") to the resource,
/// or null when it cannot. Must be thread-safe when evaluations run concurrently.
using Resolver = std::function<const core::Json*(std::string_view reference)>;

/// Per-evaluation options. Plain struct; the caller keeps it alive during evaluate().
struct EvaluationOptions {
  /// External constants, %name → value (without the `%`).
  std::map<std::string, Collection, std::less<>> variables;
  /// resolve(): when empty, resolve() returns the references themselves, typed
  /// by their type part so that `resolve() is Patient` works.
  Resolver resolver;
  /// The element-type model, or null for inference only. Not owned.
  const TypeModel* model = nullptr;
  /// Fixed "now" as a FHIR dateTime (for reproducible now()/today()); "" = clock.
  std::string now;
};

/// A parsed FHIRPath expression.
class Expression {
 public:
  /// Parses `text`. Throws ParseError with the offset of the problem.
  static Expression compile(std::string_view text);

  /// Evaluates on `resource` (%resource and %context = the resource).
  /// Throws EvaluationError; the result's nodes point into `resource`.
  Collection evaluate(const core::Json& resource, const EvaluationOptions& options = {}) const;

  /// Evaluates with an explicit focus collection, %context = `context` and
  /// %resource = `resource` (may be null).
  Collection evaluate(const Collection& context, const core::Json* resource,
                      const EvaluationOptions& options) const;

  /// The source text.
  const std::string& text() const noexcept { return text_; }

 private:
  Expression(std::shared_ptr<const detail::Node> root, std::string text);
  std::shared_ptr<const detail::Node> root_;
  std::string text_;
};

}  // namespace carnet::fhir::fhirpath
