// The statement that writes search index rows has one text per shape
// (store/pg/index_writer.hpp): creates skip the DELETEs and the tables they
// do not fill, and the parameters match the placeholders of that text.
#include "store/pg/index_writer.hpp"

#include <gtest/gtest.h>

#include <regex>
#include <string>

namespace carnet::store::pg {
namespace {

search::IndexEntries observation_like() {
  search::IndexEntries e;
  e.tokens.push_back({7, {"http://loinc.org", "29463-7", "body weight", "", ""}});
  e.tokens.push_back({8, {"http://hl7.org/fhir/observation-status", "final", "", "", ""}});
  search::ReferenceValue subject;
  subject.target_type = "Patient";
  subject.target_id = "p1";
  e.references.push_back({9, subject});
  e.compartment_patients.push_back("p1");
  return e;
}

int highest_placeholder(const std::string& sql) {
  int highest = 0;
  const std::regex placeholder(R"(\$(\d+))");
  for (std::sregex_iterator it(sql.begin(), sql.end(), placeholder), end; it != end; ++it) {
    highest = std::max(highest, std::stoi((*it)[1].str()));
  }
  return highest;
}

TEST(IndexWriter, CreatesOnlyInsertIntoTheTablesTheyFill) {
  IndexRows rows;
  rows.add(41, 1001, observation_like());
  rows.add(42, 1002, observation_like());
  const std::string& sql = rows.sql();
  EXPECT_EQ(sql.find("DELETE"), std::string::npos) << sql;
  EXPECT_NE(sql.find("INSERT INTO idx_token "), std::string::npos) << sql;
  EXPECT_NE(sql.find("INSERT INTO idx_reference "), std::string::npos) << sql;
  EXPECT_NE(sql.find("INSERT INTO idx_compartment "), std::string::npos) << sql;
  EXPECT_EQ(sql.find("idx_string"), std::string::npos) << sql;
  EXPECT_EQ(sql.find("idx_date"), std::string::npos) << sql;
  EXPECT_EQ(sql.find("idx_text"), std::string::npos) << sql;
  // token 8 columns + reference 10 + compartment 2, one array each.
  const auto params = rows.params();
  EXPECT_EQ(params.values().size(), 20u);
  EXPECT_EQ(highest_placeholder(sql), 20);
  EXPECT_STREQ(params.values()[0], "{\"41\",\"41\",\"42\",\"42\"}");  // token rids
}

TEST(IndexWriter, ReplacingRowsDeletesFromEveryTable) {
  IndexRows rows;
  rows.remove(41);
  rows.add(41, 1003, observation_like());
  const std::string& sql = rows.sql();
  for (const char* table : {"idx_string", "idx_token", "idx_reference", "idx_date", "idx_number",
                            "idx_quantity", "idx_uri", "idx_composite", "idx_text", "idx_compartment"}) {
    EXPECT_NE(sql.find(std::string("DELETE FROM ") + table + " WHERE rid = ANY($1::bigint[])"),
              std::string::npos)
        << table;
  }
  const auto params = rows.params();
  EXPECT_STREQ(params.values()[0], "{\"41\"}");
  EXPECT_EQ(params.values().size(), 21u);
  EXPECT_EQ(highest_placeholder(sql), 21);
}

TEST(IndexWriter, ADeleteAloneOnlyDeletes) {
  IndexRows rows;
  rows.remove(41);
  EXPECT_FALSE(rows.empty());
  EXPECT_EQ(rows.sql().find("INSERT"), std::string::npos) << rows.sql();
  EXPECT_EQ(rows.params().values().size(), 1u);
}

TEST(IndexWriter, ValuesThatCannotBeStoredMakeNoStatement) {
  search::IndexEntries e;
  e.numbers.push_back({3, {}});  // no value, no range: skipped by add()
  search::QuantityValue q;
  q.code = "kg";
  e.quantities.push_back({4, q});
  IndexRows rows;
  rows.add(41, 1001, e);
  EXPECT_TRUE(rows.empty());  // nothing to send: the writer skips the statement
}

TEST(IndexWriter, SameShapeSameText) {
  IndexRows a, b, c;
  a.add(1, 1, observation_like());
  b.add(2, 2, observation_like());
  c.remove(3);
  c.add(3, 3, observation_like());
  EXPECT_EQ(&a.sql(), &b.sql());  // one text per shape: prepared once per connection
  EXPECT_NE(a.sql(), c.sql());
  EXPECT_TRUE(IndexRows().empty());
}

}  // namespace
}  // namespace carnet::store::pg
