// store/pg/statements.hpp: the array literals that carry many rows in one
// parameter (unnest($1::text[], ...)) read back as the values given, quotes,
// backslashes, commas, braces, NULLs and empty strings included.
#include <gtest/gtest.h>

#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "store/pg/statements.hpp"
#include "support/test_server.hpp"

namespace carnet {
namespace {

using testing::TestServer;

std::vector<std::optional<std::string>> read_back(const std::string& literal) {
  pqxx::connection conn(TestServer::shared().database_url());
  pqxx::nontransaction tx(conn);
  std::vector<std::optional<std::string>> out;
  for (const auto& row : tx.exec_params("SELECT unnest($1::text[])", literal))
    out.push_back(row[0].is_null() ? std::nullopt : std::optional<std::string>(row[0].as<std::string>()));
  return out;
}

TEST(ArrayLiteral, ValuesComeBackAsGiven) {
  const std::vector<std::optional<std::string>> values{
      std::string(R"({"resourceType":"Observation","note":[{"text":"a \"quoted\" c:\\dir, {x}"}]})"),
      std::string(""),
      std::nullopt,
      std::string("NULL"),
      std::string("\\"),
      std::string("\""),
      std::string("plain")};
  EXPECT_EQ(read_back(store::pg::array_literal(values)), values);
}

TEST(ArrayLiteral, ColumnsOfRowsComeBackAsGiven) {
  store::pg::ArrayColumns columns(2);
  columns.add(0, R"(a"b\c)");
  columns.add_null(1);
  columns.add(0, "");
  columns.add(1, R"(\\"")");
  store::pg::Params params;
  columns.to_params(params);
  ASSERT_EQ(params.values().size(), 2U);
  EXPECT_EQ(read_back(params.values()[0]),
            (std::vector<std::optional<std::string>>{std::string(R"(a"b\c)"), std::string("")}));
  EXPECT_EQ(read_back(params.values()[1]),
            (std::vector<std::optional<std::string>>{std::nullopt, std::string(R"(\\"")")}));
}

}  // namespace
}  // namespace carnet
