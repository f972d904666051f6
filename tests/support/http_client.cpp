#include "support/http_client.hpp"

// Boost 1.74 Asio needs <utility> before its headers with g++ 12 in C++20
// (ARCHITECTURE.md, "Known traps"); src/http/detail/asio.hpp is private to
// carnet_http, so its rules are repeated here.
#include <utility>

// carnet_http compiles Beast with std::string_view. Beast's inline functions
// differ with and without this macro, and a test executable links both this
// file and carnet_http: without the same setting the linker keeps one copy for
// both (an ODR violation that crashed string_to_verb).
#ifndef BOOST_BEAST_USE_STD_STRING_VIEW
#define BOOST_BEAST_USE_STD_STRING_VIEW
#endif

#include <openssl/ssl.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <optional>
#include <stdexcept>

namespace carnet::testing {

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace ssl = boost::asio::ssl;
using tcp = asio::ip::tcp;
using error_code = boost::system::error_code;

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

void configure_tls(ssl::context& context, const ClientOptions& options) {
  SSL_CTX* native = context.native_handle();
  int version = 0;
  switch (options.tls_version) {
    case TlsVersion::any: break;
    case TlsVersion::tls1_1:
      version = TLS1_1_VERSION;
      // OpenSSL 3 will not even offer TLS < 1.2 above security level 0; lower
      // it so that refusing TLS 1.1 is the server's doing, not ours.
      SSL_CTX_set_security_level(native, 0);
      SSL_CTX_set_cipher_list(native, "DEFAULT:@SECLEVEL=0");
      break;
    case TlsVersion::tls1_2: version = TLS1_2_VERSION; break;
    case TlsVersion::tls1_3: version = TLS1_3_VERSION; break;
  }
  if (version != 0) {
    SSL_CTX_set_min_proto_version(native, version);
    SSL_CTX_set_max_proto_version(native, version);
  }
  if (options.ca_file.empty()) {
    context.set_verify_mode(ssl::verify_none);
  } else {
    context.load_verify_file(options.ca_file.string());
    context.set_verify_mode(ssl::verify_peer);
  }
}

}  // namespace

const std::string* Response::header(std::string_view name) const {
  const std::string key = lower(name);
  for (const auto& [field, value] : headers) {
    if (field == key) return &value;
  }
  return nullptr;
}

struct HttpClient::Impl {
  std::string host;
  ClientOptions options;
  asio::io_context io;
  ssl::context tls_context{ssl::context::tls_client};
  std::optional<beast::tcp_stream> plain;
  std::optional<beast::ssl_stream<beast::tcp_stream>> secure;
  beast::flat_buffer buffer;

  beast::tcp_stream& lowest() { return plain ? *plain : beast::get_lowest_layer(*secure); }

  /// Runs one asynchronous operation to completion under the timeout; Beast's
  /// tcp_stream closes the socket when the timer fires, which ends the operation.
  template <class Start>
  error_code run(Start&& start) {
    error_code result = asio::error::would_block;
    lowest().expires_after(options.timeout);
    start([&result](error_code ec, std::size_t = 0) { result = ec; });
    io.restart();
    io.run();
    return result;
  }

  /// Calls `f` with whichever stream this connection uses.
  template <class F>
  decltype(auto) with_stream(F&& f) {
    if (plain) return f(*plain);
    return f(*secure);
  }

  void check(const error_code& ec, const char* what) const {
    if (ec) throw std::runtime_error(std::string("http client: ") + what + ": " + ec.message());
  }
};

HttpClient::HttpClient(std::string host, std::uint16_t port, ClientOptions options)
    : impl_(std::make_unique<Impl>()) {
  Impl& impl = *impl_;
  impl.host = std::move(host);
  impl.options = std::move(options);
  tcp::resolver resolver(impl.io);
  const auto endpoints = resolver.resolve(impl.host, std::to_string(port));

  if (impl.options.tls) {
    configure_tls(impl.tls_context, impl.options);
    impl.secure.emplace(impl.io, impl.tls_context);
    SSL* ssl = impl.secure->native_handle();
    error_code ignored;
    asio::ip::make_address(impl.host, ignored);
    if (ignored) SSL_set_tlsext_host_name(ssl, impl.host.c_str());  // SNI only for names, not IPs
    if (!impl.options.ca_file.empty()) SSL_set1_host(ssl, "localhost");
  } else {
    impl.plain.emplace(impl.io);
  }
  impl.check(impl.run([&](auto handler) {
    impl.lowest().async_connect(endpoints, [handler](error_code ec, auto&&) { handler(ec); });
  }),
             "connect");
  if (impl.secure) {
    impl.check(
        impl.run([&](auto handler) { impl.secure->async_handshake(ssl::stream_base::client, handler); }),
        "TLS handshake");
  }
}

HttpClient::~HttpClient() = default;
HttpClient::HttpClient(HttpClient&&) noexcept = default;
HttpClient& HttpClient::operator=(HttpClient&&) noexcept = default;

Response HttpClient::request(std::string_view method, std::string_view target, const Headers& headers,
                             std::string body) {
  Impl& impl = *impl_;
  bhttp::request<bhttp::string_body> message;
  message.method_string(method);
  message.target(target);
  message.version(11);
  bool has_host = false;
  bool has_length = false;
  for (const auto& [name, value] : headers) {
    const std::string key = lower(name);
    has_host = has_host || key == "host";
    has_length = has_length || key == "content-length" || key == "transfer-encoding";
    message.insert(name, value);
  }
  if (!has_host) message.set(bhttp::field::host, impl.host);
  message.body() = std::move(body);
  if (!has_length) message.prepare_payload();

  const error_code write_error = impl.run([&](auto handler) {
    impl.with_stream([&](auto& stream) { bhttp::async_write(stream, message, handler); });
  });
  try {
    return read_response(method == "HEAD");
  } catch (const std::runtime_error&) {
    impl.check(write_error, "write");  // the write failure is the better explanation
    throw;
  }
}

void HttpClient::send_raw(std::string_view bytes) {
  Impl& impl = *impl_;
  impl.check(impl.run([&](auto handler) {
    impl.with_stream([&](auto& stream) { asio::async_write(stream, asio::buffer(bytes), handler); });
  }),
             "write");
}

Response HttpClient::read_response(bool head) {
  Impl& impl = *impl_;
  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(std::uint64_t{1} << 30);
  parser.skip(head);  // a HEAD answer announces a Content-Length but carries no body
  impl.check(impl.run([&](auto handler) {
    impl.with_stream([&](auto& stream) { bhttp::async_read(stream, impl.buffer, parser, handler); });
  }),
             "read");
  auto message = parser.release();
  Response response;
  response.status = static_cast<int>(message.result_int());
  for (const auto& field : message)
    response.headers.emplace_back(lower(field.name_string()), std::string(field.value()));
  response.body = std::move(message.body());
  return response;
}

bool HttpClient::wait_closed(std::chrono::milliseconds timeout) {
  Impl& impl = *impl_;
  if (impl.buffer.size() > 0) impl.buffer.consume(impl.buffer.size());
  const auto saved = impl.options.timeout;
  impl.options.timeout = timeout;
  error_code ec;
  char scratch[4096];
  do {
    ec = impl.run([&](auto handler) {
      impl.with_stream([&](auto& stream) { stream.async_read_some(asio::buffer(scratch), handler); });
    });
  } while (!ec);
  impl.options.timeout = saved;
  // Timeout: we gave up, the server had not closed. Anything else (EOF, reset,
  // TLS truncation) means the server went away.
  return ec != beast::error::timeout;
}

std::string HttpClient::tls_protocol() const {
  if (!impl_->secure) return {};
  return SSL_get_version(impl_->secure->native_handle());
}

Response fetch(const std::string& host, std::uint16_t port, std::string_view method, std::string_view target,
               const Headers& headers, std::string body, ClientOptions options) {
  HttpClient client(host, port, std::move(options));
  return client.request(method, target, headers, std::move(body));
}

}  // namespace carnet::testing
