#pragma once
/// The FHIR R4 model Carnet serves, read at start from the official definitions
/// copied into schemas/ (never a hand-written list): the 146 concrete resource
/// types, their elements (from the StructureDefinition snapshots of
/// profiles-resources.json and profiles-types.json), and the patient compartment
/// (CompartmentDefinition-patient + the SearchParameters it names).

#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "carnet/core/error.hpp"
#include "carnet/core/json.hpp"

namespace carnet::fhir {

/// Immutable after load; all const members are thread-safe.
class Model {
 public:
  /// Reads the definitions under `schemas_dir`. Throws std::runtime_error naming
  /// the file when one is missing or unreadable.
  static std::shared_ptr<const Model> load(const std::filesystem::path& schemas_dir);

  ~Model();

  /// "4.0.1".
  const std::string& fhir_version() const;

  /// True for the 146 concrete (non-abstract) R4 resource types, case-sensitive.
  bool is_resource_type(std::string_view type) const;

  /// The concrete resource type names, sorted.
  const std::vector<std::string>& resource_types() const;

  /// Checks what JSON parsing alone cannot: every property is an element of the
  /// type (choice types `value[x]` as `valueQuantity`..., primitive extensions
  /// `_name`, contained and Bundle entry resources recursively by their
  /// resourceType); primitives have the JSON type of their FHIR type (boolean,
  /// string, number); integer/positiveInt/unsignedInt are JSON integers in range;
  /// arrays exactly where max cardinality > 1. Returns one issue per problem,
  /// each with a FHIRPath `expression` (e.g. "Patient.name[0].given[1]"); empty = valid.
  std::vector<core::Issue> check(const core::Json& resource) const;

  /// The patients whose compartment holds `resource`, as "Patient/<id>" relative
  /// references, without duplicates, in order of first appearance. A Patient is in
  /// its own compartment. Only the compartment's reference parameters whose
  /// expressions are simple paths (with `.where(resolve() is Patient)` filters) are followed.
  std::vector<std::string> patient_compartment(const core::Json& resource) const;

  /// The members of compartment `type` (the code of a CompartmentDefinition:
  /// Patient, Encounter, RelatedPerson, Practitioner, Device): each member
  /// resource type → the codes of its search parameters that put a resource in
  /// the compartment, "{def}" meaning the compartment's own resource. Types
  /// without parameters are not members. Null when `type` is no compartment.
  const std::map<std::string, std::vector<std::string>>* compartment(const std::string& type) const;

  /// What _summary needs to know of one top-level element of resource type
  /// `type`, named by its JSON property (`name`, `valueQuantity`, `_birthDate`
  /// is not an element: ask for `birthDate`). See http://hl7.org/fhir/R4/search.html#summary.
  struct ElementFlags {
    bool summary = false;    ///< ElementDefinition.isSummary
    bool mandatory = false;  ///< min cardinality > 0
    std::string name;        ///< the element's name: "value" for `valueQuantity`
  };
  /// The flags of `property` on `type`, or nullopt when `type` has no such element.
  std::optional<ElementFlags> element_flags(std::string_view type, std::string_view property) const;

  /// The type and required binding of the element at `path`: a resource type
  /// then JSON property names, dot-separated ("Patient.gender",
  /// "Patient.address.use", "Observation.valueQuantity.comparator"), through
  /// datatypes, backbone elements and contentReferences.
  struct ElementType {
    std::string type;  ///< the FHIR type code ("code", "CodeableConcept"); empty for a backbone element
    /// ElementDefinition.binding.valueSet when binding.strength is "required"
    /// (as written: may end "|4.0.1"); empty otherwise.
    std::string required_value_set;
  };
  /// Nullopt when `path` does not start with a resource type or names no element.
  std::optional<ElementType> element_type(std::string_view path) const;

 private:
  Model();
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace carnet::fhir
