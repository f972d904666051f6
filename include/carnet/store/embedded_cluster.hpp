#pragma once
/// A private PostgreSQL cluster run by Carnet itself: `carnet serve` without
/// `database.url`, and the integration-test harness (throwaway clusters).

#include <cstdint>
#include <filesystem>
#include <string>

namespace carnet::store {

/// Options of an embedded cluster.
struct EmbeddedClusterOptions {
  std::filesystem::path data_dir;  ///< the cluster folder (PGDATA); created by initdb when absent
  std::uint16_t port = 54329;      ///< loopback TCP port it listens on (127.0.0.1 only)
  std::filesystem::path bin_dir;   ///< initdb/pg_ctl folder; empty = newest /usr/lib/postgresql/*/bin
  bool fsync = true;               ///< false only for throwaway test clusters
  /// shared_buffers in MiB; 0 = a quarter of physical memory, 128 MiB to 8 GiB
  /// (throwaway test clusters: 128 MiB).
  std::uint32_t shared_buffers_mb = 0;
};

/// Starts (initdb on first use) and stops a PostgreSQL cluster listening on
/// 127.0.0.1 only, with no Unix socket, password (SCRAM) authentication and a
/// generated password kept in `<data_dir>/../pg-password` (mode 0600).
/// When the process runs as root, initdb/pg_ctl run as the unprivileged
/// `postgres` user (PostgreSQL refuses root), which then owns `data_dir`.
/// Not thread-safe; one object per cluster.
class EmbeddedCluster {
 public:
  explicit EmbeddedCluster(EmbeddedClusterOptions options);
  /// Stops the cluster if this object started it.
  ~EmbeddedCluster();
  EmbeddedCluster(const EmbeddedCluster&) = delete;
  EmbeddedCluster& operator=(const EmbeddedCluster&) = delete;

  /// Initialises the cluster when `data_dir` holds none, creates database
  /// "carnet", starts the server unless it is already running (then reuses it and
  /// will not stop it), waits until it accepts connections, and returns a libpq URL
  /// (postgresql://carnet:PASSWORD@127.0.0.1:PORT/carnet). Throws std::runtime_error
  /// with the tool's output on failure.
  std::string start();
  /// Fast shutdown (pg_ctl stop -m fast) if this object started it. Idempotent.
  void stop();

 private:
  EmbeddedClusterOptions options_;
  bool started_here_ = false;
};

}  // namespace carnet::store
