#include "app/database.hpp"

#include <spdlog/spdlog.h>

#include "carnet/http/server.hpp"

namespace carnet::app {

Database open_database(const config::Config& config) {
  Database db;
  if (!config.database.url.empty()) {
    db.url = config.database.url;
    return db;
  }
  store::EmbeddedClusterOptions options;
  options.data_dir = std::filesystem::absolute(config.server.data_dir / "pg");
  options.port = config.database.embedded.port;
  options.bin_dir = config.database.embedded.bin_dir;
  options.shared_buffers_mb = config.database.embedded.shared_buffers_mb;
  db.cluster = std::make_unique<store::EmbeddedCluster>(options);
  spdlog::info("starting the embedded PostgreSQL cluster in {} on 127.0.0.1:{}", options.data_dir.string(),
               options.port);
  db.url = db.cluster->start();
  return db;
}

std::pair<std::filesystem::path, std::filesystem::path> tls_files(const config::Config& config) {
  if (!config.https.enabled) return {};
  if (!config.tls.certificate.empty()) return {config.tls.certificate, config.tls.private_key};
  auto dir = config.server.data_dir / "tls";
  auto cert = dir / "dev-certificate.pem";
  auto key = dir / "dev-private-key.pem";
  if (!std::filesystem::exists(cert) || !std::filesystem::exists(key)) {
    spdlog::info("generating a self-signed development certificate in {}", dir.string());
  }
  http::ensure_dev_certificate(cert, key);
  return {cert, key};
}

}  // namespace carnet::app
