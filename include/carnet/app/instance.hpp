#pragma once
/// A running Carnet: database (embedded cluster unless database.url is set),
/// migrations, FHIR model, store, audit trail, services and listeners, built
/// in dependency order and torn down in reverse. Used by `carnet serve` and by
/// the integration tests (ports 0, an external throwaway cluster).

#include <cstdint>
#include <memory>
#include <string>

#include "carnet/config/config.hpp"
#include "carnet/fhir/model.hpp"

namespace carnet::app {

class Instance {
 public:
  /// Starts everything; returns once the listeners accept connections.
  /// `model` may be passed in to share one loaded model (tests); null = load
  /// from config.server.schemas_dir. Throws std::runtime_error / core::Error on failure.
  explicit Instance(const config::Config& config, std::shared_ptr<const fhir::Model> model = nullptr);
  /// Stops gracefully (see stop()).
  ~Instance();
  Instance(const Instance&) = delete;
  Instance& operator=(const Instance&) = delete;

  /// Stops the listeners (in-flight requests finish), flushes the audit trail,
  /// closes the pool and stops the embedded cluster if this instance started it. Idempotent.
  void stop();

  std::uint16_t http_port() const;
  std::uint16_t https_port() const;
  /// The libpq URL in use (contains a password: never log it).
  const std::string& database_url() const;

 private:
  struct Parts;
  std::unique_ptr<Parts> parts_;
};

}  // namespace carnet::app
