#pragma once
/// The Carnet configuration model: one TOML file, every key documented in
/// docs/configuration.md. Plain structs with a comment on every field (LevelDB
/// options style); defaults are the values of a fresh `carnet serve`.

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <stdexcept>
#include <string>

namespace carnet::config {

/// A plain-HTTP or HTTPS listener.
struct ListenerConfig {
  bool enabled = true;             ///< open this listener at all
  std::string host = "127.0.0.1";  ///< address to bind (IPv4 or IPv6 literal)
  std::uint16_t port = 8080;       ///< 0 = an ephemeral port (tests)
};

/// TLS material for the HTTPS listener.
struct TlsConfig {
  /// PEM certificate chain; empty = a self-signed development certificate is
  /// generated on first start under `<data_dir>/tls/`.
  std::filesystem::path certificate;
  std::filesystem::path private_key;  ///< PEM private key; empty with `certificate` empty
};

/// HTTP limits (safe defaults; every one is enforced per connection/request).
struct LimitsConfig {
  std::size_t max_body_bytes = 16 * 1024 * 1024;  ///< larger bodies → 413
  std::size_t max_header_bytes = 16 * 1024;       ///< request line + headers; larger → 431
  std::size_t max_json_depth = 64;                ///< deeper JSON nesting → 400
  unsigned read_timeout_seconds = 30;             ///< to receive a whole request once it started
  unsigned idle_timeout_seconds = 60;             ///< keep-alive connection with no request
  std::size_t max_connections = 1024;             ///< further connections are closed at accept
};

/// Threads.
struct ThreadsConfig {
  unsigned io = 1;       ///< Asio I/O threads (sockets, TLS, parsing)
  unsigned workers = 0;  ///< threads for blocking work (database calls); 0 = effective_pool_size
};

/// The private PostgreSQL cluster used when `database.url` is empty.
struct EmbeddedDatabaseConfig {
  std::uint16_t port = 54329;     ///< loopback port of the embedded cluster
  std::filesystem::path bin_dir;  ///< PostgreSQL binaries; empty = newest /usr/lib/postgresql/*/bin
  /// PostgreSQL shared_buffers in MiB; 0 = a quarter of the machine's memory,
  /// between 128 MiB and 8 GiB (searches read index pages: they must stay cached).
  std::uint32_t shared_buffers_mb = 0;
};

/// Database.
struct DatabaseConfig {
  std::string url;  ///< libpq URL of an external PostgreSQL; empty = embedded
  /// Pooled connections; 0 = pool_size_for_cores() of this machine.
  std::size_t pool_size = 0;
  /// Memory for the resource versions searches read, kept between requests
  /// (store/pg/version_cache.hpp); 0 = none.
  std::size_t version_cache_mb = 256;
  EmbeddedDatabaseConfig embedded;
};

/// Audit trail writer.
struct AuditConfig {
  std::size_t max_batch = 512;  ///< most AuditEvents committed in one grouped commit
  /// Under concurrent requests at a saturated server (requests waiting for a
  /// worker), how long the first record of a grouped commit waits for others
  /// before the commit starts, in microseconds (PostgreSQL's commit_delay,
  /// on Carnet's side); 0 = commit at once.
  std::uint32_t commit_delay_us = 2500;
};

/// Server identity and paths.
struct ServerConfig {
  /// Public base URL used in Location, fullUrl and paging links; empty = derived
  /// from the request's Host header and scheme, plus "/fhir".
  std::string base_url;
  std::filesystem::path data_dir = "var";         ///< embedded cluster, dev certificate
  std::filesystem::path schemas_dir = "schemas";  ///< FHIR definitions loaded at start
  std::string log_level = "info";                 ///< trace, debug, info, warn, error, critical, off
};

/// The whole configuration.
struct Config {
  ServerConfig server;
  ListenerConfig http;                            ///< plain HTTP, default 8080
  ListenerConfig https{true, "127.0.0.1", 8443};  ///< TLS, default 8443
  TlsConfig tls;
  LimitsConfig limits;
  ThreadsConfig threads;
  DatabaseConfig database;
  AuditConfig audit;
};

/// The pool size used when `database.pool_size` is 0: twice the machine's
/// cores, at least 4. More connections than that only make PostgreSQL's
/// backends compete for the cores (measured in docs/benchmarks.md: on 2
/// cores, searches cost a third less CPU with 4 connections than with 16).
std::size_t pool_size_for_cores(unsigned cores);

/// `database.pool_size`, or pool_size_for_cores(this machine's cores) when 0.
std::size_t effective_pool_size(const DatabaseConfig& database);

/// Loads and validates a TOML file. Relative paths in it stay relative: they
/// are resolved against the working directory of the process (scripts/ run the
/// binary from the project root). Throws ConfigError naming the key for unknown
/// keys, wrong types and out-of-range values, and the file for syntax errors.
Config load_file(const std::filesystem::path& path);

/// Same as load_file on a string; `origin` names it in messages.
Config load_string(const std::string& toml, const std::string& origin);

/// Thrown by the loaders; `what()` names the file, the key and the problem.
class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace carnet::config
