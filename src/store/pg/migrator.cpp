#include <spdlog/spdlog.h>

#include <pqxx/connection>
#include <pqxx/except>
#include <pqxx/pqxx>
#include <set>
#include <stdexcept>

#include "carnet/core/error.hpp"
#include "carnet/store/pg_store.hpp"
#include "store/pg/migrations.hpp"

namespace carnet::store {

namespace {
// Any constant shared by every Carnet process: serialises concurrent migrators.
constexpr long long kMigrationLock = 0x43415231;  // "CAR1"
}  // namespace

std::vector<std::string> migrate(const std::string& url) {
  std::unique_ptr<pqxx::connection> conn;
  try {
    conn = std::make_unique<pqxx::connection>(url);
  } catch (const std::exception& e) {
    throw core::unavailable("The database is unavailable", std::string("migrate: ") + e.what());
  }
  pqxx::nontransaction session(*conn);
  session.exec("SELECT pg_advisory_lock(" + std::to_string(kMigrationLock) + ")");
  session.exec(
      "CREATE TABLE IF NOT EXISTS schema_migration (name text PRIMARY KEY, "
      "applied_at timestamptz NOT NULL DEFAULT now())");
  std::set<std::string> done;
  for (const auto& row : session.exec("SELECT name FROM schema_migration"))
    done.insert(row[0].as<std::string>());
  session.commit();

  std::vector<std::string> applied;
  for (const auto& m : pg::migrations()) {
    if (done.count(m.name) != 0) continue;
    try {
      pqxx::work tx(*conn);
      tx.exec(m.sql);
      tx.exec_params("INSERT INTO schema_migration (name) VALUES ($1)", m.name);
      tx.commit();
    } catch (const pqxx::sql_error& e) {
      throw std::runtime_error("migration " + m.name + " failed: " + e.what());
    }
    spdlog::info("applied migration {}", m.name);
    applied.push_back(m.name);
  }
  pqxx::nontransaction unlock(*conn);
  unlock.exec("SELECT pg_advisory_unlock(" + std::to_string(kMigrationLock) + ")");
  return applied;
}

}  // namespace carnet::store
