#pragma once
/// The server-side TLS context of the HTTPS listener. Private to src/http/.

#include <filesystem>
#include <memory>

#include "http/detail/asio.hpp"

namespace carnet::http::detail {

/// Builds a TLS server context restricted to TLS 1.2 and 1.3 with forward-secret
/// AEAD cipher suites only, loading the PEM certificate chain and private key.
/// Throws std::runtime_error naming the file when the material cannot be used
/// (missing, unreadable, or key not matching the certificate).
std::shared_ptr<ssl::context> make_tls_context(const std::filesystem::path& certificate_chain,
                                               const std::filesystem::path& private_key);

}  // namespace carnet::http::detail
