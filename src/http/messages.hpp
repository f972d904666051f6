#pragma once
/// Conversions between Beast messages and the Beast-free HttpRequest /
/// HttpResponse of carnet/http/server.hpp, plus the small helpers the session
/// needs for responses and access logs. Private to src/http/.

#include <chrono>
#include <string>
#include <string_view>

#include "carnet/http/server.hpp"
#include "http/detail/asio.hpp"

namespace carnet::http::detail {

using BeastRequest = bhttp::request<bhttp::string_body>;
using BeastResponse = bhttp::response<bhttp::string_body>;

/// Moves a parsed request into an HttpRequest: method and target as sent,
/// header names lower-cased (in order, duplicates kept), body moved.
/// Remote address, port and tls are left for the caller.
HttpRequest to_http_request(BeastRequest&& message);

/// What the session decided about the connection before building the response.
struct ResponseContext {
  unsigned version = 11;   ///< HTTP version of the request (10 or 11)
  bool head = false;       ///< request method was HEAD
  bool keep_alive = true;  ///< false: send `Connection: close` and close after writing
};

/// Builds the wire response: status, the handler's headers, a Date header if
/// absent, Content-Length from the body (none for 1xx/204/304), and the
/// Connection header per `context.keep_alive`. A handler-supplied
/// `Connection: close` is honoured: check the result's keep_alive().
/// For HEAD, a Content-Length given by the handler is kept and the body dropped.
BeastResponse to_beast_response(HttpResponse&& response, const ResponseContext& context);

/// IMF-fixdate (RFC 7231 §7.1.1.1), e.g. "Sun, 06 Nov 1994 08:49:37 GMT".
std::string http_date(std::chrono::system_clock::time_point when);

/// The target without its query string: the only part of a URL we log
/// (search values may identify a patient; STYLE.md).
std::string_view path_of(std::string_view target) noexcept;

}  // namespace carnet::http::detail
