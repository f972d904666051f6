#pragma once
/// Resource ids and server-assigned identifiers.

#include <string>
#include <string_view>

namespace carnet::core {

/// True when `id` matches the FHIR id syntax [A-Za-z0-9\-\.]{1,64}
/// (http://hl7.org/fhir/R4/datatypes.html#id).
bool is_valid_id(std::string_view id) noexcept;

/// A new random UUID v4 in lower-case text form, usable as a resource id. Thread-safe.
std::string new_uuid();

}  // namespace carnet::core
