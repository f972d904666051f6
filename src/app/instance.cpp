#include "carnet/app/instance.hpp"

#include <spdlog/spdlog.h>

#include "app/database.hpp"
#include "carnet/audit/trail.hpp"
#include "carnet/core/backlog.hpp"
#include "carnet/core/error.hpp"
#include "carnet/http/fhir_handler.hpp"
#include "carnet/http/server.hpp"
#include "carnet/search/parameters.hpp"
#include "carnet/search/terminology.hpp"
#include "carnet/service/fhir_service.hpp"
#include "carnet/store/embedded_cluster.hpp"
#include "carnet/store/pg_store.hpp"

namespace carnet::app {

// Members in construction order; destroyed in reverse.
struct Instance::Parts {
  std::unique_ptr<store::EmbeddedCluster> cluster;
  std::string url;
  std::shared_ptr<const fhir::Model> model;
  std::shared_ptr<const search::Registry> registry;
  std::shared_ptr<const search::Terminology> terminology;
  std::unique_ptr<store::ResourceStore> store;
  std::unique_ptr<audit::Trail> trail;
  std::unique_ptr<service::FhirService> service;
  std::unique_ptr<http::Server> server;
};

Instance::Instance(const config::Config& config, std::shared_ptr<const fhir::Model> model)
    : parts_(std::make_unique<Parts>()) {
  auto& p = *parts_;
  auto db = open_database(config);
  p.cluster = std::move(db.cluster);
  p.url = std::move(db.url);
  auto applied = store::migrate(p.url);
  spdlog::info("database schema up to date ({} migrations applied now)", applied.size());

  p.model = model ? std::move(model) : fhir::Model::load(config.server.schemas_dir);
  p.store = store::make_pg_store(p.url, config::effective_pool_size(config.database),
                                 config.database.version_cache_mb << 20);
  auto* store = p.store.get();
  // Requests waiting for a worker, counted by the HTTP server: the trail
  // gathers records into fewer commits only while there are some.
  auto backlog = std::make_shared<core::Backlog>();
  p.trail = std::make_unique<audit::Trail>(
      [store](std::span<const core::AccessRecord> records) { store->append_audit(records); },
      config.audit.max_batch, std::chrono::microseconds(config.audit.commit_delay_us),
      [backlog] { return backlog->waiting() > 0; });
  // Loaded once: the official search parameters and the shipped terminology.
  p.registry = search::Registry::load(config.server.schemas_dir, p.model->resource_types());
  p.terminology = search::Terminology::load(config.server.schemas_dir);
  // The code systems implied by required bindings, for token search on `code` elements.
  p.registry = p.registry->with_implicit_systems(p.model, p.terminology);
  p.service = std::make_unique<service::FhirService>(*p.store, p.model, *p.trail, p.registry, p.terminology,
                                                     service::ServiceOptions{config.limits.max_json_depth});
  // Custom SearchParameters activated by earlier $reindex runs. A bad set does
  // not stop the server: it starts with the official parameters only.
  try {
    if (auto n = p.service->load_custom_parameters(); n > 0)
      spdlog::info("{} custom search parameters in use", n);
  } catch (const core::Error& e) {
    spdlog::warn("custom search parameters not loaded: {}",
                 e.issues().empty() ? std::string(e.what()) : e.issues().front().diagnostics);
  }

  auto [cert, key] = tls_files(config);
  p.server = std::make_unique<http::Server>(
      config, cert, key,
      http::make_fhir_handler(*p.service, http::FhirHandlerOptions{config.server.base_url}), backlog);
  p.server->start();
}

Instance::~Instance() {
  try {
    stop();
  } catch (const std::exception& e) {
    spdlog::error("error while stopping: {}", e.what());
  }
}

void Instance::stop() {
  auto& p = *parts_;
  if (p.server) {
    p.server->stop();
    p.server.reset();
  }
  p.service.reset();
  p.trail.reset();  // writes what is pending
  p.store.reset();
  if (p.cluster) {
    p.cluster->stop();
    p.cluster.reset();
  }
}

std::uint16_t Instance::http_port() const {
  return parts_->server ? parts_->server->http_port() : 0;
}
std::uint16_t Instance::https_port() const {
  return parts_->server ? parts_->server->https_port() : 0;
}
const std::string& Instance::database_url() const {
  return parts_->url;
}

}  // namespace carnet::app
