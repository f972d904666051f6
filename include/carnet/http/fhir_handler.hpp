#pragma once
/// The FHIR side of the HTTP layer: the transport's Handler that negotiates
/// formats, routes, calls the services, and is the single error boundary —
/// every request under the FHIR base gets exactly one committed audit record
/// before its response leaves.

#include <string>

#include "carnet/http/server.hpp"
#include "carnet/service/fhir_service.hpp"

namespace carnet::http {

struct FhirHandlerOptions {
  /// Public base URL (config server.base_url); empty = from Host and scheme.
  std::string base_url;
  /// Path where FHIR is served.
  std::string base_path = "/fhir";
};

/// A transport handler for `service`: it answers once the request's audit
/// record is committed, from the trail's writer thread, so that no worker
/// sleeps through the commit. `service` must outlive it. Thread-safe.
AsyncHandler make_fhir_handler(service::FhirService& service, FhirHandlerOptions options);

}  // namespace carnet::http
