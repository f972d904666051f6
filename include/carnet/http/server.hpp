#pragma once
/// The HTTP/1.1 transport: Boost.Beast listeners (plain and TLS), sessions with
/// keep-alive, limits and timeouts, and a worker pool for blocking handlers.
/// Beast itself stays inside src/http/ (ARCHITECTURE.md); this header is Beast-free.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "carnet/config/config.hpp"
#include "carnet/core/backlog.hpp"

namespace carnet::http {

/// One request as the transport read it. Header names are lower-case.
struct HttpRequest {
  std::string method;  ///< "GET", "POST", ... as sent
  std::string target;  ///< origin-form target: path and query, still percent-encoded
  std::vector<std::pair<std::string, std::string>> headers;  ///< lower-case names, in order
  std::string body;
  std::string remote_address;  ///< peer IP address
  std::uint16_t remote_port = 0;
  bool tls = false;  ///< arrived on the HTTPS listener
  /// Set when the transport refused the request before reading it whole
  /// (413 body too large, 431 header too large, 400 malformed HTTP). The
  /// handler must still answer it (and audit it); `body` is empty. A read
  /// timeout closes the connection without an answer (Beast closes the socket).
  std::optional<std::pair<int, std::string>> rejected;

  /// First value of a header (name lower-case), or nullptr.
  const std::string* header(std::string_view name) const;
};

/// The answer. `content_type` empty = no Content-Type header.
struct HttpResponse {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

/// Called on a worker thread (never an I/O thread) for every request, including
/// rejected ones. Must be thread-safe and must not throw (answer 500 instead).
using Handler = std::function<HttpResponse(HttpRequest&&)>;

/// Sends the answer to one request. Call it once, from any thread; later
/// calls are ignored.
using Respond = std::function<void(HttpResponse)>;

/// As Handler, but it answers through `respond`, at once or later from
/// another thread — e.g. once the request's audit record is committed, so
/// that no worker thread sleeps through the commit. It must not block waiting
/// for that, and every request must get its answer.
using AsyncHandler = std::function<void(HttpRequest&&, Respond respond)>;

/// Listens on the configured plain and TLS endpoints and serves `handler`.
/// Thread-safety: start/stop from one controlling thread; ports are readable after start.
class Server {
 public:
  /// `tls_certificate`/`tls_private_key` are PEM files (required when https is enabled).
  /// `backlog`, when given, counts the requests waiting for a worker thread
  /// (the audit trail reads it to tell a saturated server).
  Server(const config::Config& config, std::filesystem::path tls_certificate,
         std::filesystem::path tls_private_key, AsyncHandler handler,
         std::shared_ptr<core::Backlog> backlog = nullptr);
  /// A server whose handler answers before it returns.
  Server(const config::Config& config, std::filesystem::path tls_certificate,
         std::filesystem::path tls_private_key, Handler handler);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  /// Binds the listeners and starts the I/O and worker threads; returns at once.
  /// Throws std::runtime_error when an address cannot be bound or TLS material is unusable.
  void start();
  /// Stops accepting, lets in-flight requests finish and their responses be
  /// written (up to `grace_seconds`), then closes every connection and joins threads.
  void stop(unsigned grace_seconds = 10);
  /// Blocks until stop() completed (e.g. from a signal handler thread).
  void wait();

  std::uint16_t http_port() const;   ///< bound port of the plain listener, 0 if disabled
  std::uint16_t https_port() const;  ///< bound port of the TLS listener, 0 if disabled

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// Makes sure a self-signed development certificate (RSA 2048 or P-256, CN and
/// SAN localhost/127.0.0.1/::1, 825 days) exists at the two paths, creating the
/// folder and writing both files (key mode 0600) if either is missing.
/// Throws std::runtime_error on OpenSSL failure.
void ensure_dev_certificate(const std::filesystem::path& certificate,
                            const std::filesystem::path& private_key);

}  // namespace carnet::http
