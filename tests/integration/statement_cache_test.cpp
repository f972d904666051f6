// store/pg/statement_cache.hpp on a real PostgreSQL connection: search SQL is
// prepared once per text, reused, and the least recently used statements are
// deallocated beyond capacity (and prepared again when they come back).
#include "store/pg/statement_cache.hpp"

#include <gtest/gtest.h>

#include <pqxx/pqxx>

#include "support/test_server.hpp"

namespace carnet {
namespace {

using store::pg::Params;
using store::pg::StatementCache;
using testing::TestServer;

// The prepared statements of this session, by name, as PostgreSQL sees them.
std::vector<std::string> prepared_names(pqxx::connection& conn) {
  pqxx::nontransaction tx(conn);
  std::vector<std::string> names;
  for (const auto& row : tx.exec("SELECT name FROM pg_prepared_statements ORDER BY name")) {
    names.push_back(row[0].as<std::string>());
  }
  return names;
}

std::string run(StatementCache& cache, pqxx::connection& conn, const std::string& sql,
                const std::string& value) {
  pqxx::nontransaction tx(conn);
  Params params;
  params.text(value);
  return cache.exec(tx, sql, params)[0][0].as<std::string>();
}

TEST(StatementCache, SameTextIsPreparedOnceAndReused) {
  pqxx::connection conn(TestServer::shared().database_url());
  StatementCache cache(8);
  EXPECT_EQ(run(cache, conn, "SELECT $1::text || '!'", "a"), "a!");
  EXPECT_EQ(run(cache, conn, "SELECT $1::text || '!'", "b"), "b!");
  EXPECT_EQ(cache.size(), 1u);
  EXPECT_EQ(prepared_names(conn).size(), 1u);
}

TEST(StatementCache, TrimDeallocatesTheLeastRecentlyUsed) {
  pqxx::connection conn(TestServer::shared().database_url());
  StatementCache cache(2);
  EXPECT_EQ(run(cache, conn, "SELECT 'one ' || $1::text", "x"), "one x");
  EXPECT_EQ(run(cache, conn, "SELECT 'two ' || $1::text", "x"), "two x");
  EXPECT_EQ(run(cache, conn, "SELECT 'one ' || $1::text", "y"), "one y");  // "two" is now the oldest
  EXPECT_EQ(run(cache, conn, "SELECT 'three ' || $1::text", "x"), "three x");
  EXPECT_EQ(prepared_names(conn).size(), 3u);  // over capacity until trimmed

  cache.trim(conn);
  EXPECT_EQ(cache.size(), 2u);
  EXPECT_EQ(prepared_names(conn).size(), 2u);
  // The evicted text works again: prepared anew under a new name.
  EXPECT_EQ(run(cache, conn, "SELECT 'two ' || $1::text", "z"), "two z");
  cache.trim(conn);
  EXPECT_EQ(cache.size(), 2u);
  EXPECT_EQ(prepared_names(conn).size(), 2u);
  EXPECT_EQ(run(cache, conn, "SELECT 'three ' || $1::text", "w"), "three w");
}

TEST(StatementCache, AFailedStatementLeavesTheCacheUsable) {
  pqxx::connection conn(TestServer::shared().database_url());
  StatementCache cache(4);
  EXPECT_THROW(run(cache, conn, "SELECT $1::int", "not a number"), pqxx::data_exception);
  EXPECT_EQ(run(cache, conn, "SELECT $1::int", "42"), "42");
}

}  // namespace
}  // namespace carnet
