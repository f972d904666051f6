#pragma once
// Private: the code system implied for the plain `code` values of a token
// parameter (SearchParameter::implicit_system), from the required bindings of
// the model and the shipped terminology (http://hl7.org/fhir/R4/search.html#token).

#include <memory>
#include <string>

#include "carnet/fhir/model.hpp"
#include "carnet/search/parameters.hpp"
#include "carnet/search/terminology.hpp"

namespace carnet::search::detail {

/// Immutable; const members are thread-safe.
class ImplicitSystems {
 public:
  ImplicitSystems(std::shared_ptr<const fhir::Model> model, std::shared_ptr<const Terminology> terminology);

  /// The implicit system of `p` on its base, or "" (not a token parameter,
  /// no simple path, a primitive that is not a required-bound `code`, codes
  /// from several systems, or parts of the expression that disagree).
  std::string of(const SearchParameter& p) const;

 private:
  std::string system_of_value_set(const std::string& url) const;

  std::shared_ptr<const fhir::Model> model_;
  std::shared_ptr<const Terminology> terminology_;
};

}  // namespace carnet::search::detail
