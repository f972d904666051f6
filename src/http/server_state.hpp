#pragma once
/// State shared by the Server, its listeners and every session: the handler,
/// the limits, the worker pool, the connection count and the registry of live
/// sessions that stop() walks. Private to src/http/.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <optional>
#include <unordered_map>

#include "carnet/config/config.hpp"
#include "carnet/http/server.hpp"
#include "http/detail/asio.hpp"

namespace carnet::http::detail {

/// What stop() needs from a session, whatever its stream type.
/// Both calls are thread-safe: they post to the session's strand.
class SessionControl {
 public:
  virtual ~SessionControl() = default;
  /// Graceful: close now if waiting for a request, else answer the request in
  /// progress with `Connection: close` and close after writing it.
  virtual void request_stop() = 0;
  /// Closes the socket now; a response still being computed is dropped.
  virtual void force_close() = 0;
};

class ServerState;

/// One reserved connection slot (max_connections); released on destruction.
/// Move-only; sessions own theirs for their whole life.
class ConnectionSlot {
 public:
  ConnectionSlot() = default;
  explicit ConnectionSlot(std::shared_ptr<ServerState> state) : state_(std::move(state)) {}
  ConnectionSlot(ConnectionSlot&& other) noexcept = default;
  ConnectionSlot& operator=(ConnectionSlot&& other) noexcept;
  ConnectionSlot(const ConnectionSlot&) = delete;
  ConnectionSlot& operator=(const ConnectionSlot&) = delete;
  ~ConnectionSlot();

 private:
  std::shared_ptr<ServerState> state_;
};

/// Shared by Server::Impl, listeners and sessions (through shared_ptr, so a
/// session destroyed late — e.g. when the io_context drops queued handlers —
/// still finds it alive).
class ServerState {
 public:
  ServerState(AsyncHandler handler, const config::LimitsConfig& limits,
              asio::thread_pool::executor_type workers, std::shared_ptr<ssl::context> tls,
              std::shared_ptr<core::Backlog> backlog = nullptr)
      : handler_(std::move(handler)),
        limits_(limits),
        workers_(workers),
        tls_(std::move(tls)),
        backlog_(std::move(backlog)) {}

  const AsyncHandler& handler() const noexcept { return handler_; }
  const config::LimitsConfig& limits() const noexcept { return limits_; }
  asio::thread_pool::executor_type workers() const noexcept { return workers_; }
  /// The TLS context; null when HTTPS is disabled.
  ssl::context* tls() const noexcept { return tls_.get(); }
  /// Where requests waiting for a worker are counted; null when nobody reads it.
  core::Backlog* backlog() const noexcept { return backlog_.get(); }

  /// Reserves a connection slot, or returns nullopt at max_connections.
  /// Thread-safe (both listeners may accept at once).
  std::optional<ConnectionSlot> try_reserve(const std::shared_ptr<ServerState>& self);

  /// Number of connections holding a slot.
  std::size_t live_connections() const noexcept { return live_.load(); }

  /// Blocks until no connection holds a slot or `deadline` passes; true if none left.
  bool wait_until_idle(std::chrono::steady_clock::time_point deadline);

  /// Set once stop() begins: listeners stop accepting, sessions answer with
  /// `Connection: close`.
  bool stopping() const noexcept { return stopping_.load(); }
  void set_stopping() noexcept { stopping_.store(true); }

  /// Session registry, so stop() can reach idle keep-alive connections.
  void add_session(SessionControl* key, std::weak_ptr<SessionControl> session);
  void remove_session(SessionControl* key);
  /// Calls request_stop() (graceful) or force_close() on every live session.
  void stop_all_sessions(bool force);

  /// Counts the requests handed to the handler whose answer has not reached
  /// the I/O side yet (an answer may come from a thread outside the worker
  /// pool, e.g. the audit trail's writer). stop() waits for none to be left
  /// before it stops the io_context the answers are posted to.
  void answer_due() noexcept;
  void answer_given() noexcept;
  /// Blocks until no answer is due; logs every `report` while waiting.
  void wait_for_answers(std::chrono::seconds report);

 private:
  friend class ConnectionSlot;
  void release_slot() noexcept;

  AsyncHandler handler_;
  config::LimitsConfig limits_;
  asio::thread_pool::executor_type workers_;
  std::shared_ptr<ssl::context> tls_;
  std::shared_ptr<core::Backlog> backlog_;

  std::atomic<bool> stopping_{false};
  std::atomic<std::size_t> live_{0};
  std::size_t answers_due_ = 0;  // guarded by mutex_
  std::mutex mutex_;             // guards sessions_ and pairs with idle_
  std::condition_variable idle_;
  std::unordered_map<SessionControl*, std::weak_ptr<SessionControl>> sessions_;
};

}  // namespace carnet::http::detail
