#pragma once
// A FhirService on the in-memory store, with the official model and search
// parameters loaded once per test process.

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "carnet/core/json.hpp"
#include "carnet/search/parameters.hpp"
#include "carnet/search/terminology.hpp"
#include "carnet/service/fhir_service.hpp"
#include "unit/service/memory_store.hpp"

namespace carnet::service {

class ServiceTest : public ::testing::Test {
 protected:
  static std::filesystem::path schemas() { return std::filesystem::path(CARNET_SOURCE_DIR) / "schemas"; }
  static std::shared_ptr<const fhir::Model> model() {
    static auto m = fhir::Model::load(schemas());
    return m;
  }
  static std::shared_ptr<const search::Registry> registry() {
    static auto r = search::Registry::load(schemas(), model()->resource_types());
    return r;
  }
  static std::shared_ptr<const search::Terminology> terminology() {
    static auto t = search::Terminology::load(schemas());
    return t;
  }

  Reply call(Kind kind, const std::string& type, const std::string& id = {}, const std::string& body = {},
             std::vector<Param> params = {}, std::string method = {}) {
    Request r;
    r.interaction.kind = kind;
    r.interaction.type = type;
    r.interaction.id = id;
    r.interaction.params = std::move(params);
    r.method = method.empty() ? default_method(kind) : std::move(method);
    r.body = body;
    r.base_url = "http://test/fhir";
    r.strict_handling = strict;
    r.interaction.compartment_type = compartment_type;
    last_context = Context{};
    return service.handle(r, last_context);
  }

  // The status of the core::Error `call` throws (0 when it does not).
  template <typename... Args>
  int status_of(Args&&... args) {
    try {
      call(std::forward<Args>(args)...);
    } catch (const core::Error& e) {
      last_error_code = e.issues().empty() ? std::string() : e.issues().front().code;
      return e.status();
    }
    return 0;
  }

  static std::string default_method(Kind kind) {
    switch (kind) {
      case Kind::create: return "POST";
      case Kind::update: return "PUT";
      case Kind::remove: return "DELETE";
      default: return "GET";
    }
  }

  testing::MemoryStore store;
  audit::Trail trail{[this](std::span<const core::AccessRecord> r) { store.append_audit(r); }, 16};
  FhirService service{store, model(), trail, registry(), terminology(), ServiceOptions{}};
  Context last_context;
  bool strict = false;           ///< Prefer: handling=strict on the next calls
  std::string compartment_type;  ///< Interaction::compartment_type of the next calls
  std::string last_error_code;
};

}  // namespace carnet::service
