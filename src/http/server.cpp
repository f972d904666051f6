#include "carnet/http/server.hpp"

#include <spdlog/spdlog.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>

#include "http/detail/asio.hpp"
#include "http/listener.hpp"
#include "http/server_state.hpp"
#include "http/tls_context.hpp"

namespace carnet::http {

using namespace detail;

namespace {

// After force-closing, sessions end as soon as their strand runs the close
// (or their handler returns); this bounds the wait for them before the
// io_context is stopped regardless.
constexpr auto kForceCloseWait = std::chrono::seconds(2);

unsigned worker_count(const config::Config& config) {
  if (config.threads.workers != 0) return config.threads.workers;
  // config.hpp: 0 = the pool size. Workers block on database calls only: a
  // request waiting for a grouped commit (its audit record, or a create)
  // holds no thread, it is answered from the commit's writer. More workers
  // than connections mostly queue for one, each hand-over waking a thread:
  // on 2 cores (pool 4), 4 workers served the patient-scoped searches 15-30 %
  // faster than 64, and 6 were in between (docs/benchmarks.md).
  return static_cast<unsigned>(config::effective_pool_size(config.database));
}

}  // namespace

// Member order is destruction order, reversed: listeners (acceptors) before the
// io_context they use, the worker pool before the io_context its jobs post to.
struct Server::Impl {
  config::Config config;
  std::filesystem::path certificate;
  std::filesystem::path private_key;
  AsyncHandler handler;
  // May be null. Declared before `workers`: queued jobs hold a raw pointer
  // to it (session.cpp, QueuedRequest) until the pool destroys them.
  std::shared_ptr<core::Backlog> backlog;

  std::shared_ptr<ServerState> state;
  std::optional<asio::io_context> io;
  std::optional<asio::thread_pool> workers;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> io_guard;
  std::vector<std::shared_ptr<Listener>> listeners;
  std::vector<std::thread> io_threads;
  std::uint16_t http_port = 0;
  std::uint16_t https_port = 0;

  std::mutex mutex;  // guards the flags below
  std::condition_variable stopped_changed;
  bool started = false;
  bool stopping = false;
  bool stopped = false;

  void run_io() {
    // A handler that throws must not take an I/O thread (and all its
    // connections) down with it; log and keep serving.
    for (;;) {
      try {
        io->run();
        return;
      } catch (const std::exception& e) {
        spdlog::error("http: I/O thread caught: {}", e.what());
      }
    }
  }

  void shut_down(unsigned grace_seconds) {
    const auto begin = std::chrono::steady_clock::now();
    state->set_stopping();
    for (auto& listener : listeners) listener->close();
    state->stop_all_sessions(/*force=*/false);

    if (!state->wait_until_idle(begin + std::chrono::seconds(grace_seconds))) {
      spdlog::warn("http: {} connection(s) still busy after {}s; closing them", state->live_connections(),
                   grace_seconds);
      state->stop_all_sessions(/*force=*/true);
    }
    // Blocking handlers cannot be interrupted: wait for the ones still running.
    // Their responses are posted back and either written (graceful case) or
    // dropped by a force-closed session.
    workers->join();
    // Answers computed by the pool but still waiting for their audit commit.
    state->wait_for_answers(std::chrono::seconds(5));
    state->wait_until_idle(std::chrono::steady_clock::now() + kForceCloseWait);

    io_guard.reset();
    io->stop();
    for (auto& thread : io_threads) thread.join();
    io_threads.clear();
    listeners.clear();
    spdlog::info("http: stopped");
  }
};

Server::Server(const config::Config& config, std::filesystem::path tls_certificate,
               std::filesystem::path tls_private_key, AsyncHandler handler,
               std::shared_ptr<core::Backlog> backlog)
    : impl_(std::make_unique<Impl>()) {
  impl_->config = config;
  impl_->certificate = std::move(tls_certificate);
  impl_->private_key = std::move(tls_private_key);
  impl_->handler = std::move(handler);
  impl_->backlog = std::move(backlog);
}

Server::Server(const config::Config& config, std::filesystem::path tls_certificate,
               std::filesystem::path tls_private_key, Handler handler)
    : Server(config, std::move(tls_certificate), std::move(tls_private_key),
             [handler = std::move(handler)](HttpRequest&& request, const Respond& respond) {
               respond(handler(std::move(request)));
             }) {}

Server::~Server() {
  try {
    stop(0);
  } catch (const std::exception& e) {
    spdlog::error("http: stopping the server failed: {}", e.what());
  }
}

void Server::start() {
  Impl& impl = *impl_;
  {
    std::lock_guard lock(impl.mutex);
    // A Server runs once: its io_context and pool are not restartable.
    if (impl.started || impl.stopping)
      throw std::logic_error("http::Server::start called twice or after stop");
    impl.started = true;
  }
  const unsigned io_threads = impl.config.threads.io == 0 ? 1U : impl.config.threads.io;

  std::shared_ptr<ssl::context> tls;
  if (impl.config.https.enabled) tls = make_tls_context(impl.certificate, impl.private_key);

  impl.io.emplace(static_cast<int>(io_threads));
  impl.workers.emplace(worker_count(impl.config));
  impl.state = std::make_shared<ServerState>(impl.handler, impl.config.limits, impl.workers->get_executor(),
                                             tls, impl.backlog);

  // Bind both before running anything: a port in use fails start() cleanly.
  if (impl.config.http.enabled) {
    impl.listeners.push_back(std::make_shared<Listener>(*impl.io, impl.state, impl.config.http, false));
    impl.http_port = impl.listeners.back()->port();
  }
  if (impl.config.https.enabled) {
    impl.listeners.push_back(std::make_shared<Listener>(*impl.io, impl.state, impl.config.https, true));
    impl.https_port = impl.listeners.back()->port();
  }

  impl.io_guard.emplace(impl.io->get_executor());
  for (auto& listener : impl.listeners) listener->start();
  impl.io_threads.reserve(io_threads);
  for (unsigned i = 0; i < io_threads; ++i) impl.io_threads.emplace_back([&impl] { impl.run_io(); });
}

// Must not be called from a handler: it joins the worker pool the handler runs on.
void Server::stop(unsigned grace_seconds) {
  Impl& impl = *impl_;
  bool must_shut_down = false;
  {
    std::lock_guard lock(impl.mutex);
    if (impl.stopping || impl.stopped) return;
    impl.stopping = true;
    // Never started (or start() threw before the threads ran): nothing to wind down
    // but a half-built pool, which its destructor handles.
    must_shut_down = impl.started && !impl.io_threads.empty();
  }
  if (must_shut_down) impl.shut_down(grace_seconds);
  {
    std::lock_guard lock(impl.mutex);
    impl.stopped = true;
  }
  impl.stopped_changed.notify_all();
}

void Server::wait() {
  std::unique_lock lock(impl_->mutex);
  impl_->stopped_changed.wait(lock, [this] { return impl_->stopped; });
}

std::uint16_t Server::http_port() const {
  return impl_->http_port;
}

std::uint16_t Server::https_port() const {
  return impl_->https_port;
}

}  // namespace carnet::http
