#pragma once
// Private: conversion of one FHIRPath result into the typed index values of
// one search parameter type (http://hl7.org/fhir/R4/search.html#ptypes). Each
// appends zero or more values to `out` and never throws for content: what
// cannot be indexed is skipped.

#include <string_view>
#include <vector>

#include "carnet/fhir/fhirpath/value.hpp"
#include "carnet/search/index_entries.hpp"

namespace carnet::search::detail {

namespace fp = fhir::fhirpath;

/// Strings; HumanName and Address parts, each its own value.
void strings_of(const fp::Value& value, std::vector<StringValue>& out);

/// code/boolean/id/string primitives, Coding, CodeableConcept, Identifier, ContactPoint.
void tokens_of(const fp::Value& value, std::vector<TokenValue>& out);

/// The same, with `implicit_system` as the system of plain code primitives
/// (SearchParameter::implicit_system; "" for none).
void tokens_of(const fp::Value& value, std::string_view implicit_system, std::vector<TokenValue>& out);

/// Reference (reference and/or identifier), canonical and uri strings.
void references_of(const fp::Value& value, std::vector<ReferenceValue>& out);

/// The parts of a reference string: relative "Type/id[/_history/v]", absolute
/// URL (kept, plus type/id when it ends that way), "url|version" canonical,
/// urn:uuid/urn:oid. False for local "#id" references and empty text.
bool parse_reference(std::string_view text, ReferenceValue& out);

/// uri/url/canonical/oid/uuid strings.
void uris_of(const fp::Value& value, std::vector<UriValue>& out);

/// date/dateTime/instant, Period, Timing (events and repeat.boundsPeriod).
void dates_of(const fp::Value& value, std::vector<DateValue>& out);

/// decimal and integer values.
void numbers_of(const fp::Value& value, std::vector<NumberValue>& out);

/// Quantity and its profiles, Money, Range (as one value whose low/high are
/// the range's bounds and whose value is empty; an open bound is "").
void quantities_of(const fp::Value& value, std::vector<QuantityValue>& out);

}  // namespace carnet::search::detail
