#include "store/pg/connection_pool.hpp"

#include <pqxx/except>

#include "carnet/core/error.hpp"

namespace carnet::store::pg {

ConnectionPool::ConnectionPool(std::string url, std::size_t size,
                               std::function<void(pqxx::connection&)> on_connect)
    : url_(std::move(url)), size_(size), on_connect_(std::move(on_connect)) {}

ConnectionPool::Lease::~Lease() {
  if (pool_ != nullptr) pool_->give_back(std::move(conn_));
}

void ConnectionPool::give_back(std::unique_ptr<PooledConnection> conn) {
  {
    std::lock_guard lock(mutex_);
    if (conn && conn->is_open()) {
      idle_.push_back(std::move(conn));
    } else {
      --open_;  // discarded: a new one may be opened in its place
    }
  }
  available_.notify_one();
}

ConnectionPool::Lease ConnectionPool::acquire(std::chrono::milliseconds wait) {
  std::unique_lock lock(mutex_);
  bool ready = available_.wait_for(lock, wait, [&] { return !idle_.empty() || open_ < size_; });
  if (!ready) throw core::unavailable("The database is busy; retry later", "connection pool exhausted");
  if (!idle_.empty()) {
    auto conn = std::move(idle_.back());
    idle_.pop_back();
    return Lease(*this, std::move(conn));
  }
  ++open_;
  lock.unlock();
  try {
    auto conn = std::make_unique<PooledConnection>(url_);
    on_connect_(*conn);
    return Lease(*this, std::move(conn));
  } catch (const std::exception& e) {
    {
      std::lock_guard relock(mutex_);
      --open_;
    }
    available_.notify_one();
    throw core::unavailable("The database is unavailable; retry later",
                            std::string("cannot open a database connection: ") + e.what());
  }
}

}  // namespace carnet::store::pg
