#pragma once
// The one place libpqxx exceptions become FHIR errors (STYLE.md).

#include <pqxx/except>
#include <type_traits>
#include <utility>

#include "carnet/core/error.hpp"
#include "store/pg/connection_pool.hpp"

namespace carnet::store::pg {

/// Runs `work(connection)` on a leased connection. Serialization failures and
/// deadlocks are retried (up to 3 attempts) then become 409; unique violations
/// 409; a broken connection drops it from the pool and becomes 503, as do
/// statement and lock timeouts; any other
/// database error is a 500 whose SQLSTATE goes to the log only. core::Error
/// thrown by `work` passes through unchanged.
template <typename Work>
auto with_connection(ConnectionPool& pool, Work&& work) -> std::invoke_result_t<Work&, PooledConnection&> {
  for (int attempt = 1;; ++attempt) {
    auto lease = pool.acquire();
    try {
      return work(*lease);
    } catch (const core::Error&) {
      throw;
    } catch (const pqxx::broken_connection& e) {
      lease.discard();
      throw core::unavailable("The database connection was lost; retry the request", e.what());
    } catch (const pqxx::in_doubt_error& e) {
      lease.discard();
      throw core::unavailable("The outcome of the change is unknown; read the resource before retrying",
                              e.what());
    } catch (const pqxx::transaction_rollback& e) {
      if (attempt < 3) continue;
      throw core::conflict("Concurrent changes conflicted; retry the request", e.what());
    } catch (const pqxx::unique_violation& e) {
      throw core::conflict("The resource already exists", e.what());
    } catch (const pqxx::sql_error& e) {
      if (!lease->is_open()) lease.discard();
      // statement_timeout (57014) and lock_timeout (55P03), set on every pooled
      // connection: the database was too busy, not the request wrong.
      if (e.sqlstate() == "57014" || e.sqlstate() == "55P03") {
        throw core::unavailable("The database did not answer in time; retry the request", e.what());
      }
      throw core::internal("database error " + e.sqlstate() + ": " + e.what());
    }
  }
}

}  // namespace carnet::store::pg
