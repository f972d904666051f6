#pragma once
// Content negotiation: http://hl7.org/fhir/R4/http.html#mime-type
// Carnet speaks JSON only; XML is refused with 406 (response) or 415 (request body).

#include <string>

#include "carnet/http/server.hpp"
#include "carnet/service/interaction.hpp"

namespace carnet::http {

inline constexpr const char* kFhirJson = "application/fhir+json; charset=utf-8";

/// Checks `_format` (which wins) or the Accept header allow a JSON answer.
/// Throws core::Error 406 otherwise.
void require_json_response(const HttpRequest& request, const std::vector<service::Param>& params);

/// What a request body is.
enum class BodyKind { fhir_json, form };

/// Checks the Content-Type of a request that carries a body: FHIR JSON (or a
/// form for POST _search when `form_allowed`). Throws core::Error 415 otherwise.
BodyKind check_body_type(const HttpRequest& request, bool form_allowed);

/// True when `_pretty=true`.
bool wants_pretty(const std::vector<service::Param>& params);

}  // namespace carnet::http
