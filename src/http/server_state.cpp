#include "http/server_state.hpp"

#include <spdlog/spdlog.h>

#include <vector>

namespace carnet::http::detail {

ConnectionSlot& ConnectionSlot::operator=(ConnectionSlot&& other) noexcept {
  if (this != &other) {
    if (state_) state_->release_slot();
    state_ = std::move(other.state_);
  }
  return *this;
}

ConnectionSlot::~ConnectionSlot() {
  if (state_) state_->release_slot();
}

std::optional<ConnectionSlot> ServerState::try_reserve(const std::shared_ptr<ServerState>& self) {
  // Compare-exchange rather than fetch_add-then-check: the count must never
  // exceed the limit, even for a moment, when both listeners accept together.
  std::size_t current = live_.load();
  do {
    if (current >= limits_.max_connections) return std::nullopt;
  } while (!live_.compare_exchange_weak(current, current + 1));
  return ConnectionSlot(self);
}

void ServerState::release_slot() noexcept {
  // Take the mutex so a waiter cannot miss the notification between its
  // check of live_ and its wait.
  std::lock_guard lock(mutex_);
  live_.fetch_sub(1);
  idle_.notify_all();
}

bool ServerState::wait_until_idle(std::chrono::steady_clock::time_point deadline) {
  std::unique_lock lock(mutex_);
  return idle_.wait_until(lock, deadline, [this] { return live_.load() == 0; });
}

void ServerState::add_session(SessionControl* key, std::weak_ptr<SessionControl> session) {
  std::lock_guard lock(mutex_);
  sessions_.emplace(key, std::move(session));
}

void ServerState::remove_session(SessionControl* key) {
  std::lock_guard lock(mutex_);
  sessions_.erase(key);
}

void ServerState::stop_all_sessions(bool force) {
  // Lock the weak pointers outside the mutex: a session's destructor takes it
  // (remove_session) and must not wait on us while we hold its last reference.
  std::vector<std::weak_ptr<SessionControl>> snapshot;
  {
    std::lock_guard lock(mutex_);
    snapshot.reserve(sessions_.size());
    for (auto& [key, weak] : sessions_) snapshot.push_back(weak);
  }
  for (auto& weak : snapshot) {
    if (auto session = weak.lock()) {
      if (force) {
        session->force_close();
      } else {
        session->request_stop();
      }
    }
  }
}

void ServerState::answer_due() noexcept {
  std::lock_guard lock(mutex_);
  ++answers_due_;
}

void ServerState::answer_given() noexcept {
  std::lock_guard lock(mutex_);
  --answers_due_;
  idle_.notify_all();
}

void ServerState::wait_for_answers(std::chrono::seconds report) {
  std::unique_lock lock(mutex_);
  // No deadline: an answer posted to a destroyed io_context would be a crash.
  // Handlers always answer (the trail calls back whether its commit worked or not).
  while (!idle_.wait_for(lock, report, [this] { return answers_due_ == 0; })) {
    spdlog::warn("http: still waiting for {} answer(s) before stopping", answers_due_);
  }
}

}  // namespace carnet::http::detail
