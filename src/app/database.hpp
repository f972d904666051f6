#pragma once
// Which database and which TLS files a configuration means.

#include <filesystem>
#include <memory>
#include <string>
#include <utility>

#include "carnet/config/config.hpp"
#include "carnet/store/embedded_cluster.hpp"

namespace carnet::app {

/// The database in use: `url`, and the embedded cluster when this process started one.
struct Database {
  std::unique_ptr<store::EmbeddedCluster> cluster;
  std::string url;
};

/// config.database.url, or the embedded cluster under `<data_dir>/pg` (started now).
Database open_database(const config::Config& config);

/// The certificate and key of the HTTPS listener: the configured ones, or a
/// development certificate under `<data_dir>/tls/` (generated on first start).
std::pair<std::filesystem::path, std::filesystem::path> tls_files(const config::Config& config);

}  // namespace carnet::app
