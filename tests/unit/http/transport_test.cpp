// HTTP/1.1 behaviour of the transport as a client sees it: keep-alive, the
// request handed to the handler, limits answered through the handler, timeouts.

#include <string>

#include "unit/http/transport_fixture.hpp"

namespace carnet::http {
namespace {

using carnet::testing::HttpClient;

TEST_F(TransportTest, KeepAliveServesTwoRequestsOnOneConnection) {
  start(test_config());
  HttpClient client = plain_client();

  const auto first = client.request("GET", "/fhir/metadata");
  const auto second = client.request("POST", "/fhir/Patient", {{"Content-Type", "text/plain"}}, "hello");

  EXPECT_EQ(first.status, 200);
  EXPECT_EQ(second.status, 200);
  EXPECT_EQ(second.body, "hello");
  ASSERT_NE(second.header("x-method"), nullptr);
  EXPECT_EQ(*second.header("x-method"), "POST");
  EXPECT_EQ(second.header("connection"), nullptr) << "HTTP/1.1 keeps the connection open without saying so";
  const auto seen = recorder_->requests();
  ASSERT_EQ(seen.size(), 2U);
  EXPECT_EQ(seen[0].remote_port, seen[1].remote_port) << "both requests came over one connection";
}

TEST_F(TransportTest, HandlerGetsRequestAsSent) {
  start(test_config());
  const auto response =
      carnet::testing::fetch("127.0.0.1", server_->http_port(), "GET", "/fhir/Patient?name=Dupont&_count=5",
                             {{"X-Custom-Header", "Value"}, {"Accept", "application/fhir+json"}});

  EXPECT_EQ(response.status, 200);
  ASSERT_NE(response.header("date"), nullptr) << "the transport adds Date";
  ASSERT_NE(response.header("content-length"), nullptr);
  EXPECT_EQ(*response.header("content-length"), "0");
  const auto seen = recorder_->requests();
  ASSERT_EQ(seen.size(), 1U);
  EXPECT_EQ(seen[0].method, "GET");
  EXPECT_EQ(seen[0].target, "/fhir/Patient?name=Dupont&_count=5");
  ASSERT_NE(seen[0].header("x-custom-header"), nullptr) << "names are lower-cased";
  EXPECT_EQ(*seen[0].header("x-custom-header"), "Value") << "values are kept as sent";
  EXPECT_EQ(seen[0].remote_address, "127.0.0.1");
  EXPECT_NE(seen[0].remote_port, 0);
  EXPECT_FALSE(seen[0].tls);
  EXPECT_FALSE(seen[0].rejected.has_value());
}

TEST_F(TransportTest, HandlerConnectionCloseClosesTheConnection) {
  start(test_config(), [](HttpRequest&&) { return HttpResponse{204, {{"Connection", "close"}}, {}}; });
  HttpClient client = plain_client();

  const auto response = client.request("DELETE", "/fhir/Patient/1");

  EXPECT_EQ(response.status, 204);
  EXPECT_EQ(response.header("content-length"), nullptr) << "204 carries no Content-Length";
  ASSERT_NE(response.header("connection"), nullptr);
  EXPECT_EQ(*response.header("connection"), "close");
  EXPECT_TRUE(client.wait_closed(std::chrono::seconds(5)));
}

TEST_F(TransportTest, BodyOverLimitIsAnsweredWith413ThroughTheHandler) {
  auto config = test_config();
  config.limits.max_body_bytes = 1024;
  start(config);
  HttpClient client = plain_client();

  const auto response = client.request("POST", "/fhir/Patient", {}, std::string(64 * 1024, 'x'));

  EXPECT_EQ(response.status, 413);
  ASSERT_NE(response.header("connection"), nullptr);
  EXPECT_EQ(*response.header("connection"), "close");
  EXPECT_TRUE(client.wait_closed(std::chrono::seconds(5)));
  const auto seen = recorder_->requests();
  ASSERT_EQ(seen.size(), 1U);
  ASSERT_TRUE(seen[0].rejected.has_value());
  EXPECT_EQ(seen[0].rejected->first, 413);
  EXPECT_EQ(seen[0].target, "/fhir/Patient") << "the handler can still audit what was refused";
  EXPECT_TRUE(seen[0].body.empty());
}

TEST_F(TransportTest, ChunkedBodyOverLimitIsAnsweredWith413) {
  auto config = test_config();
  config.limits.max_body_bytes = 1024;
  start(config);
  HttpClient client = plain_client();

  std::string raw = "POST /fhir/Binary HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n";
  for (int i = 0; i < 8; ++i) raw += "200\r\n" + std::string(0x200, 'y') + "\r\n";
  raw += "0\r\n\r\n";
  client.send_raw(raw);

  EXPECT_EQ(client.read_response().status, 413);
}

TEST_F(TransportTest, HugeHeaderIsAnsweredWith431) {
  auto config = test_config();
  config.limits.max_header_bytes = 4096;
  start(config);
  HttpClient client = plain_client();

  const auto response = client.request("GET", "/fhir/metadata", {{"X-Padding", std::string(32 * 1024, 'p')}});

  EXPECT_EQ(response.status, 431);
  EXPECT_TRUE(client.wait_closed(std::chrono::seconds(5)));
  const auto seen = recorder_->requests();
  ASSERT_EQ(seen.size(), 1U);
  ASSERT_TRUE(seen[0].rejected.has_value());
  EXPECT_EQ(seen[0].rejected->first, 431);
}

TEST_F(TransportTest, MalformedRequestIsAnsweredWith400AndClosed) {
  start(test_config());
  HttpClient client = plain_client();

  client.send_raw("GET /fhir/metadata HTTP/1.1\r\nHost: localhost\r\nBad Header\r\n\r\n");

  EXPECT_EQ(client.read_response().status, 400);
  EXPECT_TRUE(client.wait_closed(std::chrono::seconds(5)));
}

TEST_F(TransportTest, ExpectContinueGetsInterimResponseBeforeBody) {
  start(test_config());
  HttpClient client = plain_client();

  client.send_raw(
      "PUT /fhir/Patient/1 HTTP/1.1\r\nHost: localhost\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n");
  const auto interim = client.read_response();
  client.send_raw("hello");
  const auto final_response = client.read_response();

  EXPECT_EQ(interim.status, 100);
  EXPECT_EQ(final_response.status, 200);
  EXPECT_EQ(final_response.body, "hello");
}

TEST_F(TransportTest, IdleKeepAliveConnectionIsClosedAfterIdleTimeout) {
  auto config = test_config();
  config.limits.idle_timeout_seconds = 1;
  start(config);
  HttpClient client = plain_client();
  ASSERT_EQ(client.request("GET", "/fhir/metadata").status, 200);

  EXPECT_TRUE(client.wait_closed(std::chrono::seconds(10)));
}

TEST_F(TransportTest, ConnectionWithoutRequestIsClosedAfterIdleTimeout) {
  auto config = test_config();
  config.limits.idle_timeout_seconds = 1;
  start(config);
  HttpClient client = plain_client();

  EXPECT_TRUE(client.wait_closed(std::chrono::seconds(10)));
  EXPECT_TRUE(recorder_->requests().empty()) << "an idle expiry is silent";
}

TEST_F(TransportTest, IncompleteRequestIsClosedAfterReadTimeout) {
  auto config = test_config();
  config.limits.read_timeout_seconds = 1;
  start(config);
  HttpClient client = plain_client();

  client.send_raw("POST /fhir/Patient HTTP/1.1\r\nHost: localhost\r\nContent-Length: 100\r\n\r\nonly part");

  EXPECT_TRUE(client.wait_closed(std::chrono::seconds(10)));
}

}  // namespace
}  // namespace carnet::http
