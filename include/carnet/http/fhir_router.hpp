#pragma once
/// The FHIR URL grammar (http://hl7.org/fhir/R4/http.html#general):
/// [base]/[type]/[id]/_history/[vid], $operations, [base]/_search,
/// [base]/[type]/_search, compartments [base]/Patient/[id]/[type] (or /*), metadata...

#include <string>
#include <string_view>
#include <vector>

#include "carnet/fhir/model.hpp"
#include "carnet/service/interaction.hpp"

namespace carnet::http {

/// Decodes an application/x-www-form-urlencoded string (a query or a form
/// body) into parameters in order ('+' is a space). Throws core::Error 400 on
/// malformed percent-encoding.
std::vector<service::Param> parse_query(std::string_view query);

/// Routes `method` + `path` (already stripped of the FHIR base path and of the
/// query, still percent-encoded, no leading slash) to an interaction. HEAD
/// routes as GET. Throws core::Error: 404 for an unknown resource type or URL
/// and for a version that cannot exist (not a positive integer), 400 for a
/// malformed id, 405 for a method the URL does not allow.
service::Interaction route(std::string_view method, std::string_view path, const fhir::Model& model);

}  // namespace carnet::http
