#pragma once
// From a client's JSON body to the text Carnet stores, and the headers of a version.

#include <optional>
#include <string>

#include "carnet/core/clock.hpp"
#include "carnet/core/json.hpp"
#include "carnet/fhir/model.hpp"
#include "carnet/store/resource_store.hpp"

namespace carnet::service {

/// Parses and checks a request body for `type`: valid JSON within `max_depth`,
/// an object whose resourceType is `type`, and a valid resource per the model.
/// Throws core::Error 400 saying what and where.
core::Json parse_resource(const std::string& body, const std::string& type, const fhir::Model& model,
                          std::size_t max_depth);

/// The stored text of `resource` as version `version` of `id`, elements in the
/// client's order (id and meta right after resourceType when absent), meta
/// being the client's with versionId and lastUpdated set, decimals verbatim.
std::string render_version(const core::Json& resource, const std::string& id, int version,
                           core::Instant last_updated);

/// W/"<version>".
std::string etag(int version);

/// Parses an If-Match / If-None-Match value: W/"3", "3" or 3. nullopt when it
/// is "*"; throws core::Error 400 when malformed.
std::optional<int> parse_etag(const std::string& header, const char* header_name);

/// Location of a version: <base>/<type>/<id>/_history/<version>.
std::string version_url(const std::string& base, const store::VersionInfo& info);

}  // namespace carnet::service
