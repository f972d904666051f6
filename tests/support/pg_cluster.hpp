#pragma once
/// Throwaway PostgreSQL clusters for integration tests (STYLE.md: tests start
/// their own PostgreSQL, never skipped, never mocked).

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

#include "carnet/store/embedded_cluster.hpp"

namespace carnet::testing {

/// A fresh folder under /tmp (mkdtemp), made traversable by the `postgres` user
/// (mode 0711) so that clusters run as that user when the tests run as root.
/// Removed with everything in it on destruction. Not thread-safe.
class TempFolder {
 public:
  /// Throws std::system_error when the folder cannot be created.
  explicit TempFolder(const std::string& prefix = "carnet-test");
  ~TempFolder();
  TempFolder(const TempFolder&) = delete;
  TempFolder& operator=(const TempFolder&) = delete;

  const std::filesystem::path& path() const noexcept { return path_; }

 private:
  std::filesystem::path path_;
};

/// A loopback TCP port that was free a moment ago: binds 127.0.0.1:0, reads the
/// port the kernel chose, closes. Throws std::system_error.
std::uint16_t free_loopback_port();

/// A PostgreSQL cluster of its own: initdb into a new TempFolder, a free port,
/// fsync off, started through store::EmbeddedCluster (so the harness tests the
/// production code path). Stopped and deleted on destruction.
/// Not thread-safe; each test (or suite) owns one.
class TestCluster {
 public:
  /// Initialises and starts the cluster. Throws std::runtime_error with the
  /// tools' output when PostgreSQL cannot be started.
  TestCluster();
  ~TestCluster();
  TestCluster(const TestCluster&) = delete;
  TestCluster& operator=(const TestCluster&) = delete;

  /// libpq URL of database "carnet" (postgresql://carnet:PASSWORD@127.0.0.1:PORT/carnet).
  const std::string& url() const noexcept { return url_; }
  std::uint16_t port() const noexcept { return options_.port; }
  /// The options the cluster was started with, e.g. to open the same data folder again.
  const store::EmbeddedClusterOptions& options() const noexcept { return options_; }
  /// The cluster object itself, for tests that stop and restart it.
  store::EmbeddedCluster& cluster() noexcept { return *cluster_; }

 private:
  TempFolder folder_;
  store::EmbeddedClusterOptions options_;
  std::unique_ptr<store::EmbeddedCluster> cluster_;
  std::string url_;
};

}  // namespace carnet::testing
