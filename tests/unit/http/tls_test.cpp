// The HTTPS listener (TLS 1.2 and 1.3 only) and the development certificate.

#include <sys/stat.h>

#include <fstream>
#include <sstream>
#include <stdexcept>

#include "unit/http/transport_fixture.hpp"

namespace carnet::http {
namespace {

using carnet::testing::HttpClient;
using carnet::testing::TlsVersion;

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

TEST_F(TransportTest, Tls12IsAccepted) {
  start(test_config());
  HttpClient client = tls_client(TlsVersion::tls1_2);

  EXPECT_EQ(client.tls_protocol(), "TLSv1.2");
  EXPECT_EQ(client.request("GET", "/fhir/metadata").status, 200);
}

TEST_F(TransportTest, Tls13IsAcceptedWithKeepAlive) {
  start(test_config());
  HttpClient client = tls_client(TlsVersion::tls1_3);

  EXPECT_EQ(client.tls_protocol(), "TLSv1.3");
  EXPECT_EQ(client.request("GET", "/a").status, 200);
  EXPECT_EQ(client.request("POST", "/b", {}, "body").body, "body");
  const auto seen = recorder_->requests();
  ASSERT_EQ(seen.size(), 2U);
  EXPECT_TRUE(seen[0].tls);
  EXPECT_EQ(seen[0].remote_port, seen[1].remote_port);
}

TEST_F(TransportTest, Tls11IsRefused) {
  start(test_config());

  EXPECT_THROW(tls_client(TlsVersion::tls1_1), std::runtime_error);
  EXPECT_TRUE(recorder_->requests().empty());
}

TEST_F(TransportTest, PlainHttpOnTlsPortGetsNoResponse) {
  start(test_config());
  HttpClient client("127.0.0.1", server_->https_port());

  EXPECT_THROW(client.request("GET", "/fhir/metadata"), std::runtime_error);
}

TEST_F(TransportTest, DevCertificateVerifiesForLocalhost) {
  start(test_config());
  carnet::testing::ClientOptions options;
  options.tls = true;
  options.ca_file = tls_dir() / "cert.pem";

  const auto response =
      carnet::testing::fetch("127.0.0.1", server_->https_port(), "GET", "/fhir/metadata", {}, {}, options);

  EXPECT_EQ(response.status, 200);
}

TEST_F(TransportTest, RequestBodyOverLimitOnTlsIsAnsweredWith413) {
  auto config = test_config();
  config.limits.max_body_bytes = 100;
  start(config);
  HttpClient client = tls_client();

  EXPECT_EQ(client.request("POST", "/fhir/Patient", {}, std::string(1000, 'z')).status, 413);
}

TEST(DevCertificate, CreatesFolderAndPrivateKeyFile) {
  const auto dir =
      std::filesystem::temp_directory_path() / ("carnet-devcert-test-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  const auto cert = dir / "nested" / "cert.pem";
  const auto key = dir / "nested" / "key.pem";

  ensure_dev_certificate(cert, key);

  EXPECT_NE(read_file(cert).find("-----BEGIN CERTIFICATE-----"), std::string::npos);
  EXPECT_NE(read_file(key).find("-----BEGIN PRIVATE KEY-----"), std::string::npos);
  struct stat info {};
  ASSERT_EQ(::stat(key.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600U) << "only the owner may read the key";
  std::filesystem::remove_all(dir);
}

TEST(DevCertificate, KeepsExistingFiles) {
  const auto dir =
      std::filesystem::temp_directory_path() / ("carnet-devcert-keep-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  ensure_dev_certificate(dir / "cert.pem", dir / "key.pem");
  const auto before = read_file(dir / "cert.pem");

  ensure_dev_certificate(dir / "cert.pem", dir / "key.pem");

  EXPECT_EQ(read_file(dir / "cert.pem"), before);
  std::filesystem::remove(dir / "key.pem");
  ensure_dev_certificate(dir / "cert.pem", dir / "key.pem");
  EXPECT_NE(read_file(dir / "cert.pem"), before) << "a missing key means a new pair";
  std::filesystem::remove_all(dir);
}

TEST(DevCertificate, UnusableKeyFailsServerStart) {
  const auto dir =
      std::filesystem::temp_directory_path() / ("carnet-devcert-bad-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "cert.pem") << "not a certificate";
  std::ofstream(dir / "key.pem") << "not a key";
  config::Config config;
  config.http = {false, "127.0.0.1", 0};
  config.https = {true, "127.0.0.1", 0};
  Server server(config, dir / "cert.pem", dir / "key.pem", [](HttpRequest&&) { return HttpResponse{}; });

  EXPECT_THROW(server.start(), std::runtime_error);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace carnet::http
