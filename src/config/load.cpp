// Reading carnet.toml: parse with toml++, then one reader per table. Every
// key a table may hold is read here, so this file is the list of keys (keep
// docs/configuration.md and config/carnet.example.toml in step with it).

#include <toml++/toml.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <system_error>
#include <thread>

#include "carnet/config/config.hpp"
#include "config/table_reader.hpp"
#include "config/validate.hpp"

namespace carnet::config {
namespace {

// Policy bounds beyond the type's own (documented in docs/configuration.md).
constexpr std::int64_t kMaxPort = 65535;
constexpr std::int64_t kMinJsonDepth = 8;
constexpr std::int64_t kMaxTimeoutSeconds = 24 * 60 * 60;
constexpr std::int64_t kMaxIoThreads = 256;
constexpr std::int64_t kMaxWorkers = 1024;
constexpr std::int64_t kMaxPoolSize = 256;
constexpr std::int64_t kMaxSharedBuffersMb = 1 << 20;  // 1 TiB
constexpr std::int64_t kMaxVersionCacheMb = 1 << 20;   // 1 TiB
constexpr std::int64_t kMaxCommitDelayUs = 100000;     // 0.1 s: longer would only add latency

void read_server(detail::TableReader& r, ServerConfig& c) {
  r.read("base_url", c.base_url);
  r.read("data_dir", c.data_dir);
  r.read("schemas_dir", c.schemas_dir);
  r.read("log_level", c.log_level);
  r.finish();
}

void read_listener(detail::TableReader& r, ListenerConfig& c) {
  r.read("enabled", c.enabled);
  r.read("host", c.host);
  r.read_integer("port", c.port, 0, kMaxPort);
  r.finish();
}

void read_tls(detail::TableReader& r, TlsConfig& c) {
  r.read("certificate", c.certificate);
  r.read("private_key", c.private_key);
  r.finish();
}

void read_limits(detail::TableReader& r, LimitsConfig& c) {
  r.read_integer("max_body_bytes", c.max_body_bytes, 1);
  r.read_integer("max_header_bytes", c.max_header_bytes, 1);
  r.read_integer("max_json_depth", c.max_json_depth, kMinJsonDepth);
  r.read_integer("read_timeout_seconds", c.read_timeout_seconds, 1, kMaxTimeoutSeconds);
  r.read_integer("idle_timeout_seconds", c.idle_timeout_seconds, 1, kMaxTimeoutSeconds);
  r.read_integer("max_connections", c.max_connections, 1);
  r.finish();
}

void read_threads(detail::TableReader& r, ThreadsConfig& c) {
  r.read_integer("io", c.io, 1, kMaxIoThreads);
  r.read_integer("workers", c.workers, 0, kMaxWorkers);
  r.finish();
}

void read_database(detail::TableReader& r, DatabaseConfig& c, const std::string& origin) {
  r.read("url", c.url);
  r.read_integer("pool_size", c.pool_size, 0, kMaxPoolSize);
  r.read_integer("version_cache_mb", c.version_cache_mb, 0, kMaxVersionCacheMb);
  detail::TableReader embedded(r.table("embedded"), r.path("embedded"), origin);
  // PostgreSQL needs a real port: 0 is not "ephemeral" for the embedded cluster.
  embedded.read_integer("port", c.embedded.port, 1, kMaxPort);
  embedded.read("bin_dir", c.embedded.bin_dir);
  embedded.read_integer("shared_buffers_mb", c.embedded.shared_buffers_mb, 0, kMaxSharedBuffersMb);
  embedded.finish();
  r.finish();
}

void read_audit(detail::TableReader& r, AuditConfig& c) {
  r.read_integer("max_batch", c.max_batch, 1);
  r.read_integer("commit_delay_us", c.commit_delay_us, 0, kMaxCommitDelayUs);
  r.finish();
}

Config read_root(const toml::table& root, const std::string& origin) {
  Config config;
  detail::TableReader r(&root, "", origin);
  const auto section = [&](std::string_view name) {
    return detail::TableReader(r.table(name), std::string(name), origin);
  };

  auto server = section("server");
  read_server(server, config.server);
  auto http = section("http");
  read_listener(http, config.http);
  auto https = section("https");
  read_listener(https, config.https);
  auto tls = section("tls");
  read_tls(tls, config.tls);
  auto limits = section("limits");
  read_limits(limits, config.limits);
  auto threads = section("threads");
  read_threads(threads, config.threads);
  auto database = section("database");
  read_database(database, config.database, origin);
  auto audit = section("audit");
  read_audit(audit, config.audit);
  r.finish();

  detail::validate(config, origin);
  return config;
}

}  // namespace

Config load_string(const std::string& toml, const std::string& origin) {
  toml::table root;
  try {
    root = toml::parse(toml, origin);
  } catch (const toml::parse_error& e) {
    const auto& where = e.source().begin;
    throw ConfigError(origin + ":" + std::to_string(where.line) + ":" + std::to_string(where.column) + ": " +
                      std::string(e.description()));
  }
  return read_root(root, origin);
}

Config load_file(const std::filesystem::path& path) {
  const std::string origin = path.string();
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) throw ConfigError(origin + ": is a directory, not a file");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ConfigError(origin + ": cannot open: " + std::strerror(errno));
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) throw ConfigError(origin + ": cannot read: " + std::strerror(errno));
  return load_string(text.str(), origin);
}

std::size_t pool_size_for_cores(unsigned cores) {
  return std::clamp<std::size_t>(2 * std::size_t{cores}, 4, kMaxPoolSize);
}

std::size_t effective_pool_size(const DatabaseConfig& database) {
  if (database.pool_size != 0) return database.pool_size;
  return pool_size_for_cores(std::thread::hardware_concurrency());  // 0 when unknown: 4
}

}  // namespace carnet::config
