#pragma once
/// The Carnet under test: one throwaway PostgreSQL cluster and one real server
/// (plain and TLS listeners on ports 0) shared by the integration tests of a
/// process, started on first use and stopped at exit.

#include <cstdint>
#include <memory>
#include <string>

#include "carnet/fhir/model.hpp"
#include "support/http_client.hpp"

namespace carnet::testing {

class TestServer {
 public:
  /// Starts the shared server on first call. Throws when it cannot start.
  static TestServer& shared();
  /// A second server of its own, started on first call for `name`, in the same
  /// throwaway cluster as shared() but on a fresh database `carnet_<name>`
  /// (dropped and created again at start): a suite that needs exact result
  /// sets sees only the data it stores, whatever other tests write to shared().
  /// `name`: [a-z0-9_], at most 40 characters. Thread-safe; the same name
  /// returns the same server. Stopped at exit, before shared().
  static TestServer& isolated(const std::string& name);
  ~TestServer();

  std::uint16_t http_port() const;
  std::uint16_t https_port() const;
  /// A keep-alive plain HTTP client.
  HttpClient client() const;
  /// A keep-alive HTTPS client (no certificate verification: self-signed).
  HttpClient tls_client() const;
  /// The model the server loaded (shared with tests that need it).
  std::shared_ptr<const fhir::Model> model() const;
  /// Runs a scalar SQL query on the server's database (e.g. "SELECT count(*) FROM audit_event").
  long long sql_scalar(const std::string& query) const;
  /// Runs SQL statements (separated by ';') on the server's database.
  void sql_exec(const std::string& sql) const;
  /// The database URL (for tests that open their own connections).
  const std::string& database_url() const;

 private:
  TestServer();
  TestServer(const TestServer& base, const std::string& database);
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// Standard FHIR JSON headers for a request with a body.
Headers fhir_json_headers();

/// The URL of database `database` on the same cluster, user and password as
/// `url` (postgresql://carnet:PASSWORD@127.0.0.1:PORT/carnet, or
/// postgresql://carnet:PASSWORD@/carnet?host=SOCKET_DIR&port=PORT).
std::string with_database(const std::string& url, const std::string& database);

}  // namespace carnet::testing
