#pragma once
/// Accepts connections on one endpoint (plain or TLS) and starts a session for
/// each, within max_connections. Private to src/http/.

#include <cstdint>
#include <memory>

#include "carnet/config/config.hpp"
#include "http/detail/asio.hpp"
#include "http/server_state.hpp"

namespace carnet::http::detail {

class Listener : public std::enable_shared_from_this<Listener> {
 public:
  /// Opens, binds and listens at once, so that start() fails early and the
  /// bound port (port 0 = ephemeral) is known before any thread runs.
  /// Throws std::runtime_error naming the address when it cannot be bound.
  Listener(asio::io_context& io, std::shared_ptr<ServerState> state, const config::ListenerConfig& endpoint,
           bool tls);

  /// The bound port.
  std::uint16_t port() const noexcept { return port_; }

  /// Starts the accept loop on the I/O threads. Call once.
  void start();

  /// Stops accepting and closes the listening socket. Thread-safe (posts to
  /// the acceptor's strand); connections already accepted are not touched.
  void close();

 private:
  void accept();
  void on_accept(error_code ec, tcp::socket socket);

  asio::io_context& io_;
  std::shared_ptr<ServerState> state_;
  asio::strand<asio::io_context::executor_type> strand_;
  tcp::acceptor acceptor_;
  asio::steady_timer backoff_;
  std::uint16_t port_ = 0;
  bool tls_;
};

}  // namespace carnet::http::detail
