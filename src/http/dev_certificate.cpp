// ensure_dev_certificate: a self-signed certificate so that `carnet serve`
// offers HTTPS out of the box. Development only — production configures
// tls.certificate / tls.private_key (docs/configuration.md).

#include <fcntl.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <system_error>

#include "carnet/http/server.hpp"

namespace carnet::http {

namespace {

constexpr long kValidityDays = 825;  // the longest lifetime Apple platforms accept for a TLS server cert

template <class T, void (*Free)(T*)>
struct Deleter {
  void operator()(T* p) const noexcept { Free(p); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY, EVP_PKEY_free>>;
using X509Ptr = std::unique_ptr<X509, Deleter<X509, X509_free>>;
using X509ExtPtr = std::unique_ptr<X509_EXTENSION, Deleter<X509_EXTENSION, X509_EXTENSION_free>>;
using BioPtr = std::unique_ptr<BIO, Deleter<BIO, BIO_free_all>>;
using BnPtr = std::unique_ptr<BIGNUM, Deleter<BIGNUM, BN_free>>;

[[noreturn]] void fail(const std::string& what) {
  std::string reason = "unknown OpenSSL error";
  if (const unsigned long code = ERR_get_error(); code != 0) {
    char buffer[256];
    ERR_error_string_n(code, buffer, sizeof buffer);
    reason = buffer;
  }
  ERR_clear_error();
  throw std::runtime_error("dev certificate: " + what + ": " + reason);
}

void add_extension(X509* cert, X509V3_CTX* context, int nid, const char* value) {
  X509ExtPtr extension(X509V3_EXT_conf_nid(nullptr, context, nid, value));
  if (!extension || X509_add_ext(cert, extension.get(), -1) != 1) fail(std::string("extension ") + value);
}

X509Ptr make_certificate(EVP_PKEY* key) {
  X509Ptr cert(X509_new());
  if (!cert || X509_set_version(cert.get(), 2) != 1) fail("X509_new");  // 2 = X.509 v3

  // A random 127-bit positive serial (RFC 5280 §4.1.2.2 allows up to 20 octets):
  // clients cache certificates by issuer+serial, so regenerated ones must differ.
  BnPtr serial(BN_new());
  if (!serial || BN_rand(serial.get(), 127, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) != 1 ||
      !BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(cert.get()))) {
    fail("serial number");
  }
  // Backdated by an hour so that a client whose clock is slightly behind accepts it.
  if (!X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600) ||
      !X509_time_adj_ex(X509_getm_notAfter(cert.get()), static_cast<int>(kValidityDays), 0, nullptr)) {
    fail("validity");
  }
  if (X509_set_pubkey(cert.get(), key) != 1) fail("public key");

  X509_NAME* name = X509_get_subject_name(cert.get());
  const auto text = [](const char* s) { return reinterpret_cast<const unsigned char*>(s); };
  if (X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC, text("Carnet development"), -1, -1, 0) != 1 ||
      X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, text("localhost"), -1, -1, 0) != 1 ||
      X509_set_issuer_name(cert.get(), name) != 1) {
    fail("subject name");
  }

  X509V3_CTX context;
  X509V3_set_ctx_nodb(&context);
  X509V3_set_ctx(&context, cert.get(), cert.get(), nullptr, nullptr, 0);
  add_extension(cert.get(), &context, NID_basic_constraints, "critical,CA:FALSE");
  add_extension(cert.get(), &context, NID_key_usage, "critical,digitalSignature");
  add_extension(cert.get(), &context, NID_ext_key_usage, "serverAuth");
  add_extension(cert.get(), &context, NID_subject_key_identifier, "hash");
  // Clients match host names against the SAN only (RFC 6125 §6.4.4); CN is for people.
  add_extension(cert.get(), &context, NID_subject_alt_name, "DNS:localhost,IP:127.0.0.1,IP:::1");

  if (X509_sign(cert.get(), key, EVP_sha256()) == 0) fail("signing");
  return cert;
}

std::string to_pem(const std::function<int(BIO*)>& write) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || write(bio.get()) != 1) fail("PEM encoding");
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(size));
}

/// Writes through a temporary file and rename(), so a crash or a concurrent
/// start never leaves a half-written key; the key file is created 0600, never
/// widened afterwards.
void write_file(const std::filesystem::path& path, const std::string& content, mode_t mode) {
  const std::filesystem::path temporary = path.string() + ".tmp";
  const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0)
    throw std::system_error(errno, std::generic_category(),
                            "dev certificate: cannot create " + temporary.string());
  std::size_t written = 0;
  while (written < content.size()) {
    const ssize_t n = ::write(fd, content.data() + written, content.size() - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      const int error = errno;
      ::close(fd);
      throw std::system_error(error, std::generic_category(),
                              "dev certificate: cannot write " + temporary.string());
    }
    written += static_cast<std::size_t>(n);
  }
  // fchmod: O_CREAT's mode is filtered by the umask, and an older .tmp keeps its mode.
  if (::fchmod(fd, mode) != 0 || ::fsync(fd) != 0 || ::close(fd) != 0) {
    throw std::system_error(errno, std::generic_category(),
                            "dev certificate: cannot finish " + temporary.string());
  }
  std::filesystem::rename(temporary, path);
}

}  // namespace

void ensure_dev_certificate(const std::filesystem::path& certificate,
                            const std::filesystem::path& private_key) {
  if (std::filesystem::exists(certificate) && std::filesystem::exists(private_key)) return;

  for (const auto& path : {certificate, private_key}) {
    if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path());
  }

  // P-256: universally supported, and far cheaper per handshake than RSA.
  PkeyPtr key(EVP_EC_gen("P-256"));
  if (!key) fail("P-256 key generation");
  X509Ptr cert = make_certificate(key.get());

  const std::string key_pem = to_pem([&](BIO* bio) {
    return PEM_write_bio_PrivateKey(bio, key.get(), nullptr, nullptr, 0, nullptr, nullptr);
  });
  const std::string cert_pem = to_pem([&](BIO* bio) { return PEM_write_bio_X509(bio, cert.get()); });

  // The key first: a certificate on disk without its key would look complete
  // to a reader that checks only the certificate.
  write_file(private_key, key_pem, 0600);
  write_file(certificate, cert_pem, 0644);
}

}  // namespace carnet::http
