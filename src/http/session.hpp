#pragma once
/// One accepted connection: TLS handshake (HTTPS), then read → handle on a
/// worker → write, repeated while keep-alive lasts. Private to src/http/.
///
/// Life cycle and timers (LimitsConfig):
///   idle       waiting for the first byte of a request — idle_timeout_seconds,
///              expiry closes silently; stop() closes it at once.
///   reading    header and body of one request — read_timeout_seconds for the
///              whole request; expiry closes (Beast's tcp_stream closes the
///              socket on expiry, so no 408 can be written).
///   handling   the handler runs on the worker pool; no timer.
///   writing    the response — read_timeout_seconds.
/// Over-limit and malformed requests still reach the handler, with
/// HttpRequest::rejected set (413, 431, 400); the connection then closes,
/// after draining what the client was still sending so that the answer is not
/// lost to a TCP reset.

#include <memory>

#include "http/detail/asio.hpp"
#include "http/server_state.hpp"

namespace carnet::http::detail {

/// Starts serving `socket` (already accepted, bound to its own strand) in the
/// background; the session keeps itself alive through its pending operations
/// and holds `slot` until it ends. `tls` selects HTTPS (state->tls() must then
/// be set). Thread-safe; never throws for network errors (they end the session).
void start_session(std::shared_ptr<ServerState> state, tcp::socket socket, ConnectionSlot slot, bool tls);

}  // namespace carnet::http::detail
