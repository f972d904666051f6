#pragma once
/// The one place src/http/ and tests/support/ include Boost.Asio and Boost.Beast from.
///
/// Boost 1.74's Asio uses std::exchange (awaitable.hpp) without including
/// <utility>; with g++ 12 in C++20 mode that no longer comes in transitively, so
/// <utility> must precede every Asio header (ARCHITECTURE.md, "Known traps").
/// Include this wrapper instead of <boost/asio.hpp> or <boost/beast.hpp> directly.

#include <utility>  // must stay first: see above

// Beast with std::string_view rather than boost::string_view. CMakeLists.txt
// sets it for carnet_http; repeated here so that every translation unit using
// this header agrees even if built otherwise — Beast's inline functions differ
// with and without it, and mixing them in one binary is an ODR violation.
#ifndef BOOST_BEAST_USE_STD_STRING_VIEW
#define BOOST_BEAST_USE_STD_STRING_VIEW
#endif

#include <boost/asio/bind_executor.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

namespace carnet::http::detail {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace ssl = boost::asio::ssl;
using tcp = boost::asio::ip::tcp;
using error_code = boost::system::error_code;

/// A TCP stream with Beast's per-operation timeouts, bound to a strand so that
/// one session never runs on two I/O threads at once.
using PlainStream = beast::tcp_stream;
/// The same wrapped in TLS.
using TlsStream = beast::ssl_stream<beast::tcp_stream>;

}  // namespace carnet::http::detail
