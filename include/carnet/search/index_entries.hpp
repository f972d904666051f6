#pragma once
/// The search values extracted from one resource at write time: what the
/// store writes to its typed index tables in the same transaction as the
/// version. Plain data, no behaviour. Semantics of each kind:
/// http://hl7.org/fhir/R4/search.html#ptypes

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "carnet/core/clock.hpp"

namespace carnet::search {

/// string: HumanName/Address parts and plain strings.
struct StringValue {
  std::string normalized;  ///< normalize_string(exact): lower case, accents removed, spaces collapsed
  std::string exact;       ///< as written (for :exact)
};

/// token: Coding/CodeableConcept/Identifier/ContactPoint/code/boolean/id/string.
struct TokenValue {
  std::string system;  ///< empty when the value has none (code, boolean)
  std::string code;    ///< code / Identifier.value / ContactPoint.value / "true"/"false"
  std::string text;    ///< normalized display/text for :text (Coding.display, CodeableConcept.text,
                       ///< Identifier.type.text)
  /// Identifier.type's first coding, for :of-type (empty otherwise).
  std::string type_system;
  std::string type_code;
};

/// reference: a Reference, canonical or uri pointing to a resource.
struct ReferenceValue {
  std::string target_type;            ///< "Patient" when known (relative or local absolute URL), else empty
  std::string target_id;              ///< id when known, else empty
  std::optional<int> target_version;  ///< from "Patient/1/_history/2"
  /// The absolute URL (external references, canonicals), without "|version"; empty for relative ones.
  std::string url;
  std::string canonical_version;  ///< "|version" part of a canonical, without the bar
  /// Reference.identifier, for :identifier.
  std::string identifier_system;
  std::string identifier_value;
};

/// date: every date/dateTime/instant/Period/Timing is a range of instants
/// [low, high) honouring its precision ("2020-03" → March 2020) and time zone;
/// open ends are core::kMinInstant / core::kMaxInstant.
struct DateValue {
  core::Instant low{};
  core::Instant high{};
};

/// number: the value and its implicit range from its precision
/// ("100" → [99.5, 100.5)), as exact decimal text for a numeric column.
struct NumberValue {
  std::string value;
  std::string low;
  std::string high;
};

/// quantity: value with implicit range, unit system and code; plus the UCUM
/// canonical form when the unit converts simply (mg → g, mmol/L...).
struct QuantityValue {
  NumberValue number;
  std::string system;  ///< Quantity.system (e.g. http://unitsofmeasure.org)
  std::string code;    ///< Quantity.code, else Quantity.unit
  std::string unit;    ///< Quantity.unit as written
  /// UCUM canonical: the number in canonical units and the canonical code; empty when not convertible.
  std::optional<NumberValue> canonical;
  std::string canonical_code;
};

/// uri: uri/url/canonical/oid values.
struct UriValue {
  std::string uri;
};

/// One component value of a composite entry.
using ComponentValue =
    std::variant<TokenValue, StringValue, DateValue, NumberValue, QuantityValue, ReferenceValue, UriValue>;

/// composite: the component values taken from one element (so that
/// code and value belong together), in the parameter's component order.
struct CompositeValue {
  std::vector<ComponentValue> components;
};

/// One index entry: which parameter (SearchParameter::key) and its value.
template <typename Value>
struct Entry {
  std::int32_t key = 0;
  Value value;
};

/// Everything indexed for one resource version.
struct IndexEntries {
  std::vector<Entry<StringValue>> strings;
  std::vector<Entry<TokenValue>> tokens;
  std::vector<Entry<ReferenceValue>> references;
  std::vector<Entry<DateValue>> dates;
  std::vector<Entry<NumberValue>> numbers;
  std::vector<Entry<QuantityValue>> quantities;
  std::vector<Entry<UriValue>> uris;
  std::vector<Entry<CompositeValue>> composites;
  /// _text: the narrative's text without markup, normalized; empty when none.
  std::string narrative;
  /// _content: every string value of the resource, normalized, space-separated.
  std::string content;
  /// Ids of the patients whose compartment holds the resource ("123", not "Patient/123").
  std::vector<std::string> compartment_patients;
};

}  // namespace carnet::search
