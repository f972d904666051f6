#include "http/tls_context.hpp"

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <stdexcept>
#include <string>

namespace carnet::http::detail {

namespace {

// TLS 1.2 suites of Mozilla's "intermediate" profile
// (https://wiki.mozilla.org/Security/Server_Side_TLS), without the DHE ones,
// which would need DH parameters for no client we expect. TLS 1.3 suites keep
// OpenSSL's defaults, all of which are AEAD.
constexpr const char* kTls12Ciphers =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";

std::string openssl_reason() {
  const unsigned long code = ERR_get_error();
  if (code == 0) return "unknown OpenSSL error";
  char buffer[256];
  ERR_error_string_n(code, buffer, sizeof buffer);
  ERR_clear_error();
  return buffer;
}

}  // namespace

std::shared_ptr<ssl::context> make_tls_context(const std::filesystem::path& certificate_chain,
                                               const std::filesystem::path& private_key) {
  auto context = std::make_shared<ssl::context>(ssl::context::tls_server);
  context->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                       ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 | ssl::context::no_compression |
                       ssl::context::single_dh_use);
  SSL_CTX* native = context->native_handle();
  // The option flags above are deprecated in OpenSSL 3; the version floor is what it honours.
  if (SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION) != 1) {
    throw std::runtime_error("TLS: cannot require TLS 1.2: " + openssl_reason());
  }
  // Client-initiated renegotiation is a denial-of-service lever and nothing needs it.
  SSL_CTX_set_options(native, SSL_OP_NO_RENEGOTIATION);
  if (SSL_CTX_set_cipher_list(native, kTls12Ciphers) != 1) {
    throw std::runtime_error("TLS: cipher list rejected: " + openssl_reason());
  }

  try {
    context->use_certificate_chain_file(certificate_chain.string());
  } catch (const boost::system::system_error& e) {
    throw std::runtime_error("TLS: cannot load certificate chain " + certificate_chain.string() + ": " +
                             e.code().message());
  }
  try {
    context->use_private_key_file(private_key.string(), ssl::context::pem);
  } catch (const boost::system::system_error& e) {
    throw std::runtime_error("TLS: cannot load private key " + private_key.string() + ": " +
                             e.code().message());
  }
  if (SSL_CTX_check_private_key(native) != 1) {
    throw std::runtime_error("TLS: private key " + private_key.string() + " does not match certificate " +
                             certificate_chain.string());
  }
  return context;
}

}  // namespace carnet::http::detail
