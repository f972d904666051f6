#pragma once
// A fixed-size pool of libpqxx connections. A connection is used by one thread
// at a time (libpq is not thread-safe per connection): callers lease it. Each
// keeps its prepared statements (statement_cache.hpp) while it lives.

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <pqxx/connection>
#include <string>
#include <vector>

#include "store/pg/statement_cache.hpp"

namespace carnet::store::pg {

class ConnectionPool {
 public:
  /// `on_connect` runs once on every new connection (prepares statements).
  ConnectionPool(std::string url, std::size_t size, std::function<void(pqxx::connection&)> on_connect);

  /// A leased connection, returned to the pool on destruction.
  class Lease {
   public:
    Lease(ConnectionPool& pool, std::unique_ptr<PooledConnection> conn)
        : pool_(&pool), conn_(std::move(conn)) {}
    Lease(Lease&&) noexcept = default;
    ~Lease();
    PooledConnection& operator*() const { return *conn_; }
    PooledConnection* operator->() const { return conn_.get(); }
    /// Drops the connection instead of returning it (after a broken connection).
    void discard() { conn_.reset(); }

   private:
    ConnectionPool* pool_;
    std::unique_ptr<PooledConnection> conn_;
  };

  /// Blocks until a connection is free (opening one if the pool is not full).
  /// Throws core::Error 503 when none is free within `wait` or the database is unreachable.
  Lease acquire(std::chrono::milliseconds wait = std::chrono::seconds(30));

 private:
  void give_back(std::unique_ptr<PooledConnection> conn);

  std::string url_;
  std::size_t size_;
  std::function<void(pqxx::connection&)> on_connect_;
  std::mutex mutex_;
  std::condition_variable available_;
  std::vector<std::unique_ptr<PooledConnection>> idle_;
  std::size_t open_ = 0;  // connections that exist (idle or leased)
};

}  // namespace carnet::store::pg
