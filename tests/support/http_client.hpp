#pragma once
/// A small blocking HTTP/1.1 client for tests: plain or TLS, one connection
/// reused for several requests (keep-alive), with a timeout on every operation
/// so that a broken server fails a test instead of hanging it.
///
///   carnet::testing::HttpClient client("127.0.0.1", server.http_port());
///   auto r = client.request("GET", "/fhir/metadata", {{"Accept", "application/fhir+json"}});
///   EXPECT_EQ(r.status, 200);
///
///   auto once = carnet::testing::fetch("127.0.0.1", port, "POST", "/fhir/Patient", headers, body,
///                                      {.tls = true});
///
/// Beast stays in the .cpp: including this header costs nothing.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace carnet::testing {

/// Header list: names as the caller writes them, sent in order.
using Headers = std::vector<std::pair<std::string, std::string>>;

/// One response as received.
struct Response {
  int status = 0;
  Headers headers;  ///< lower-case names, in order, duplicates kept
  std::string body;

  /// First value of `name` (any case), or nullptr.
  const std::string* header(std::string_view name) const;
};

/// Which TLS versions the client offers.
enum class TlsVersion {
  any,     ///< whatever OpenSSL negotiates (1.2 or 1.3)
  tls1_1,  ///< TLS 1.1 only (security level 0, so OpenSSL 3 really offers it)
  tls1_2,  ///< TLS 1.2 only
  tls1_3,  ///< TLS 1.3 only
};

/// How to connect.
struct ClientOptions {
  bool tls = false;  ///< HTTPS
  TlsVersion tls_version = TlsVersion::any;
  /// PEM file to verify the server certificate against, with host name
  /// "localhost"; empty = no verification (self-signed test certificates).
  std::filesystem::path ca_file;
  std::chrono::milliseconds timeout{10000};  ///< for each connect, handshake, write and read
};

/// One connection. Not thread-safe: one test thread uses it.
/// Every operation throws std::runtime_error on failure or timeout.
class HttpClient {
 public:
  /// Connects (and completes the TLS handshake) at once.
  HttpClient(std::string host, std::uint16_t port, ClientOptions options = {});
  ~HttpClient();
  HttpClient(HttpClient&&) noexcept;
  HttpClient& operator=(HttpClient&&) noexcept;

  /// Sends one HTTP/1.1 request and reads its response on this connection.
  /// Adds `Host` and `Content-Length` (when there is a body or the method
  /// usually has one) unless given. If the server answers before reading the
  /// whole body (413) and the write fails, the response is still returned.
  Response request(std::string_view method, std::string_view target, const Headers& headers = {},
                   std::string body = {});

  /// Sends bytes exactly as given (malformed or oversized requests).
  void send_raw(std::string_view bytes);

  /// Reads one response (after send_raw); `head` when it answers a HEAD request
  /// (no body follows its headers). Throws if the connection closes first.
  Response read_response(bool head = false);

  /// True when the server closes the connection within `timeout`; false when it
  /// is still open then. Data the server sends meanwhile is discarded.
  bool wait_closed(std::chrono::milliseconds timeout);

  /// Negotiated protocol, e.g. "TLSv1.3"; empty for plain HTTP.
  std::string tls_protocol() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// One request on a fresh connection, closed afterwards.
Response fetch(const std::string& host, std::uint16_t port, std::string_view method, std::string_view target,
               const Headers& headers = {}, std::string body = {}, ClientOptions options = {});

}  // namespace carnet::testing
