#include "support/test_server.hpp"

#include <algorithm>
#include <map>
#include <mutex>
#include <pqxx/pqxx>
#include <regex>
#include <stdexcept>

#include "carnet/app/instance.hpp"
#include "support/pg_cluster.hpp"

namespace carnet::testing {

struct TestServer::Impl {
  std::unique_ptr<TestCluster> cluster;  ///< owned by shared() only; isolated servers use its cluster
  std::string url;                       ///< this server's database
  TempFolder data{"carnet-data"};
  std::shared_ptr<const fhir::Model> model;
  std::unique_ptr<app::Instance> instance;
};

namespace {

config::Config test_config(const std::string& url, const std::filesystem::path& data_dir) {
  config::Config config;
  config.database.url = url;
  config.database.pool_size = 8;
  config.http.port = 0;
  config.https.port = 0;
  config.server.data_dir = data_dir;
  config.server.schemas_dir = std::filesystem::path(CARNET_SOURCE_DIR) / "schemas";
  config.server.log_level = "warn";
  return config;
}

}  // namespace

std::string with_database(const std::string& url, const std::string& database) {
  const auto query = std::min(url.find('?'), url.size());
  const auto slash = url.rfind('/', query);
  if (slash == std::string::npos || slash < url.find('@'))
    throw std::runtime_error("unexpected database URL shape");
  return url.substr(0, slash + 1) + database + url.substr(query);
}

TestServer::TestServer() : impl_(std::make_unique<Impl>()) {
  impl_->cluster = std::make_unique<TestCluster>();
  impl_->url = impl_->cluster->url();
  auto config = test_config(impl_->url, impl_->data.path());
  impl_->model = fhir::Model::load(config.server.schemas_dir);
  impl_->instance = std::make_unique<app::Instance>(config, impl_->model);
}

TestServer::TestServer(const TestServer& base, const std::string& database)
    : impl_(std::make_unique<Impl>()) {
  {
    // The cluster's superuser owns every database; CREATE DATABASE cannot run in a transaction.
    pqxx::connection conn(base.impl_->url);
    pqxx::nontransaction tx(conn);
    tx.exec("DROP DATABASE IF EXISTS " + tx.quote_name(database) + " WITH (FORCE)");
    tx.exec("CREATE DATABASE " + tx.quote_name(database));
  }
  impl_->url = with_database(base.impl_->url, database);
  auto config = test_config(impl_->url, impl_->data.path());
  impl_->model = base.impl_->model;
  impl_->instance = std::make_unique<app::Instance>(config, impl_->model);  // migrates the new database
}

TestServer::~TestServer() {
  impl_->instance.reset();  // before the cluster goes away
}

TestServer& TestServer::shared() {
  static std::unique_ptr<TestServer> server(new TestServer());
  return *server;
}

TestServer& TestServer::isolated(const std::string& name) {
  static const std::regex valid("[a-z0-9_]{1,40}");
  if (!std::regex_match(name, valid))
    throw std::invalid_argument("TestServer::isolated: bad name '" + name + "'");
  // shared() first: function-local statics are destroyed in reverse order of
  // construction, so the isolated servers stop before the cluster they use.
  TestServer& base = shared();
  static std::mutex mutex;
  static std::map<std::string, std::unique_ptr<TestServer>> servers;
  std::lock_guard lock(mutex);
  auto& slot = servers[name];
  if (!slot) slot.reset(new TestServer(base, "carnet_" + name));
  return *slot;
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
  return impl_->url;
}

long long TestServer::sql_scalar(const std::string& query) const {
  pqxx::connection conn(impl_->url);
  pqxx::nontransaction tx(conn);
  return tx.exec1(query)[0].as<long long>();
}

void TestServer::sql_exec(const std::string& sql) const {
  pqxx::connection conn(impl_->url);
  pqxx::nontransaction tx(conn);
  tx.exec(sql);
}

Headers fhir_json_headers() {
  return {{"Content-Type", "application/fhir+json"}, {"Accept", "application/fhir+json"}};
}

}  // namespace carnet::testing
