#include "http/listener.hpp"

#include <spdlog/spdlog.h>

#include <chrono>
#include <stdexcept>
#include <string>

#include "http/session.hpp"

namespace carnet::http::detail {

namespace {

// After an accept error such as EMFILE the same error comes back at once:
// pause instead of spinning a core until a descriptor frees up.
constexpr auto kAcceptBackoff = std::chrono::milliseconds(50);

tcp::endpoint resolve(const config::ListenerConfig& endpoint) {
  error_code ec;
  // "localhost" is common in hand-written configs; map it rather than refuse it.
  const auto address = asio::ip::make_address(endpoint.host == "localhost" ? "127.0.0.1" : endpoint.host, ec);
  if (ec) throw std::runtime_error("http: listener host '" + endpoint.host + "' is not an IP address");
  return {address, endpoint.port};
}

}  // namespace

Listener::Listener(asio::io_context& io, std::shared_ptr<ServerState> state,
                   const config::ListenerConfig& endpoint, bool tls)
    : io_(io),
      state_(std::move(state)),
      strand_(asio::make_strand(io)),
      acceptor_(strand_),
      backoff_(strand_),
      tls_(tls) {
  const tcp::endpoint where = resolve(endpoint);
  const auto name = endpoint.host + ":" + std::to_string(endpoint.port);
  error_code ec;
  acceptor_.open(where.protocol(), ec);
  if (!ec) acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor_.bind(where, ec);
  if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) throw std::runtime_error("http: cannot listen on " + name + ": " + ec.message());
  port_ = acceptor_.local_endpoint().port();
  spdlog::info("http: listening on {}:{}{}", endpoint.host, port_, tls_ ? " (TLS)" : "");
}

void Listener::start() {
  asio::dispatch(strand_, [self = shared_from_this()] { self->accept(); });
}

void Listener::close() {
  asio::post(strand_, [self = shared_from_this()] {
    error_code ignored;
    self->backoff_.cancel();
    self->acceptor_.close(ignored);
  });
}

void Listener::accept() {
  if (!acceptor_.is_open()) return;
  // Each connection gets its own strand: with several I/O threads, sessions
  // run in parallel but each one's handlers never overlap.
  acceptor_.async_accept(asio::make_strand(io_),
                         [self = shared_from_this()](error_code ec, tcp::socket socket) {
                           self->on_accept(ec, std::move(socket));
                         });
}

void Listener::on_accept(error_code ec, tcp::socket socket) {
  if (ec == asio::error::operation_aborted || !acceptor_.is_open()) return;  // close()
  if (ec) {
    spdlog::debug("http: accept failed: {}", ec.message());
    backoff_.expires_after(kAcceptBackoff);
    backoff_.async_wait([self = shared_from_this()](error_code wait_ec) {
      if (!wait_ec) self->accept();
    });
    return;
  }
  if (state_->stopping()) return;  // the socket closes as it goes out of scope

  if (auto slot = state_->try_reserve(state_)) {
    try {
      start_session(state_, std::move(socket), std::move(*slot), tls_);
    } catch (const std::exception& e) {
      // E.g. SSL_new failing under memory pressure: lose this connection, not the listener.
      spdlog::warn("http: cannot start a session: {}", e.what());
    }
  } else {
    // Closing at once (rather than leaving it in the backlog) tells the
    // client to go elsewhere; its request is never read.
    spdlog::debug("http: max_connections ({}) reached, closing new connection",
                  state_->limits().max_connections);
    error_code ignored;
    socket.shutdown(tcp::socket::shutdown_both, ignored);
    socket.close(ignored);
  }
  accept();
}

}  // namespace carnet::http::detail
