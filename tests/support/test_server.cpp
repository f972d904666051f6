#include "support/test_server.hpp"

#include <pqxx/pqxx>

#include "carnet/app/instance.hpp"
#include "support/pg_cluster.hpp"

namespace carnet::testing {

struct TestServer::Impl {
  TestCluster cluster;
  TempFolder data{"carnet-data"};
  std::shared_ptr<const fhir::Model> model;
  std::unique_ptr<app::Instance> instance;
};

TestServer::TestServer() : impl_(std::make_unique<Impl>()) {
  config::Config config;
  config.database.url = impl_->cluster.url();
  config.database.pool_size = 8;
  config.http.port = 0;
  config.https.port = 0;
  config.server.data_dir = impl_->data.path();
  config.server.schemas_dir = std::filesystem::path(CARNET_SOURCE_DIR) / "schemas";
  config.server.log_level = "warn";
  impl_->model = fhir::Model::load(config.server.schemas_dir);
  impl_->instance = std::make_unique<app::Instance>(config, impl_->model);
}

TestServer::~TestServer() {
  impl_->instance.reset();  // before the cluster goes away
}

TestServer& TestServer::shared() {
  static std::unique_ptr<TestServer> server(new TestServer());
  return *server;
}

std::uint16_t TestServer::http_port() const {
  return impl_->instance->http_port();
}
std::uint16_t TestServer::https_port() const {
  return impl_->instance->https_port();
}
HttpClient TestServer::client() const {
  return HttpClient("127.0.0.1", http_port());
}
HttpClient TestServer::tls_client() const {
  ClientOptions options;
  options.tls = true;
  return HttpClient("127.0.0.1", https_port(), options);
}
std::shared_ptr<const fhir::Model> TestServer::model() const {
  return impl_->model;
}
const std::string& TestServer::database_url() const {
  return impl_->cluster.url();
}

long long TestServer::sql_scalar(const std::string& query) const {
  pqxx::connection conn(impl_->cluster.url());
  pqxx::nontransaction tx(conn);
  return tx.exec1(query)[0].as<long long>();
}

void TestServer::sql_exec(const std::string& sql) const {
  pqxx::connection conn(impl_->cluster.url());
  pqxx::nontransaction tx(conn);
  tx.exec(sql);
}

Headers fhir_json_headers() {
  return {{"Content-Type", "application/fhir+json"}, {"Accept", "application/fhir+json"}};
}

}  // namespace carnet::testing
