#pragma once
/// Shared set-up for the HTTP transport tests: a Server on ephemeral ports
/// (plain and TLS, with a development certificate in a temporary folder) and a
/// recording echo handler. Real sockets, no database.

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "carnet/http/server.hpp"
#include "support/http_client.hpp"

namespace carnet::http {

/// What the handler saw, for assertions made on the test thread.
class Recorder {
 public:
  void record(const HttpRequest& request) {
    std::lock_guard lock(mutex_);
    requests_.push_back(request);
    threads_.push_back(std::this_thread::get_id());
  }
  std::vector<HttpRequest> requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
  }
  std::vector<std::thread::id> threads() const {
    std::lock_guard lock(mutex_);
    return threads_;
  }

 private:
  mutable std::mutex mutex_;
  std::vector<HttpRequest> requests_;
  std::vector<std::thread::id> threads_;
};

class TransportTest : public ::testing::Test {
 protected:
  /// One certificate per test process, (re)generated when missing — a suite's
  /// TearDownTestSuite removes it.
  static std::filesystem::path tls_dir() {
    const auto dir =
        std::filesystem::temp_directory_path() / ("carnet-http-test-" + std::to_string(::getpid()));
    ensure_dev_certificate(dir / "cert.pem", dir / "key.pem");
    return dir;
  }
  static void TearDownTestSuite() {
    std::error_code ignored;
    std::filesystem::remove_all(
        std::filesystem::temp_directory_path() / ("carnet-http-test-" + std::to_string(::getpid())), ignored);
  }

  /// Both listeners on 127.0.0.1, ephemeral ports, short but non-flaky limits.
  static config::Config test_config() {
    config::Config config;
    config.http = {true, "127.0.0.1", 0};
    config.https = {true, "127.0.0.1", 0};
    config.threads.io = 1;
    config.threads.workers = 4;
    config.limits.read_timeout_seconds = 10;
    config.limits.idle_timeout_seconds = 10;
    return config;
  }

  /// Records the request, answers a rejected one with its status, and echoes
  /// the body otherwise, naming the method in X-Method.
  Handler echo_handler() {
    return [recorder = recorder_](HttpRequest&& request) {
      recorder->record(request);
      if (request.rejected) {
        return HttpResponse{
            request.rejected->first, {{"Content-Type", "text/plain"}}, request.rejected->second};
      }
      return HttpResponse{200, {{"Content-Type", "text/plain"}, {"X-Method", request.method}}, request.body};
    };
  }

  void start(const config::Config& config, Handler handler = {}) {
    server_ = std::make_unique<Server>(config, tls_dir() / "cert.pem", tls_dir() / "key.pem",
                                       handler ? std::move(handler) : echo_handler());
    server_->start();
  }

  void start_async(const config::Config& config, AsyncHandler handler,
                   std::shared_ptr<core::Backlog> backlog = nullptr) {
    server_ = std::make_unique<Server>(config, tls_dir() / "cert.pem", tls_dir() / "key.pem",
                                       std::move(handler), std::move(backlog));
    server_->start();
  }

  carnet::testing::HttpClient plain_client() { return {"127.0.0.1", server_->http_port()}; }
  carnet::testing::HttpClient tls_client(
      carnet::testing::TlsVersion version = carnet::testing::TlsVersion::any) {
    carnet::testing::ClientOptions options;
    options.tls = true;
    options.tls_version = version;
    return {"127.0.0.1", server_->https_port(), options};
  }

  void TearDown() override {
    if (server_) server_->stop(1);
  }

  std::shared_ptr<Recorder> recorder_ = std::make_shared<Recorder>();
  std::unique_ptr<Server> server_;
};

}  // namespace carnet::http
