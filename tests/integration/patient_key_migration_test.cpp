// migrations/0006_token_patient_key.sql fills the patient key of the token
// rows written before it with the rule and the hash the server uses for new
// rows (store/pg/patient_key.hpp): a database at 0005 with hand-made index
// rows is migrated, and each row's key is compared with the C++ one for the
// same compartment and references.
#include <gtest/gtest.h>

#include <map>
#include <pqxx/pqxx>
#include <random>
#include <string>

#include "store/pg/migrations.hpp"
#include "store/pg/patient_key.hpp"
#include "support/test_server.hpp"

namespace carnet {
namespace {

using testing::TestServer;

/// A database of its own on the shared test cluster, dropped at the end.
class ScratchDatabase {
 public:
  ScratchDatabase() {
    std::mt19937_64 rng{std::random_device{}()};
    name_ = "scratch_" + std::to_string(rng() % 1000000000);
    admin().exec("CREATE DATABASE " + name_);
    const auto& base = TestServer::shared().database_url();
    url_ = testing::with_database(base, name_);
  }
  ~ScratchDatabase() {
    try {
      admin().exec("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
    } catch (const std::exception&) {  // a leftover scratch database is harmless
    }
  }
  ScratchDatabase(const ScratchDatabase&) = delete;
  ScratchDatabase& operator=(const ScratchDatabase&) = delete;
  const std::string& url() const { return url_; }

 private:
  static pqxx::nontransaction admin() {
    static pqxx::connection conn(TestServer::shared().database_url());
    return pqxx::nontransaction(conn);
  }
  std::string name_, url_;
};

struct Indexed {
  std::vector<std::string> compartment;
  std::vector<std::pair<std::string, std::string>> references;  // target type, id
};

TEST(PatientKeyMigration, FillsTheKeysOfExistingRowsAsTheServerWould) {
  ScratchDatabase db;
  pqxx::connection conn(db.url());
  bool migrated_0006 = false;
  const std::map<std::int64_t, Indexed> resources{
      {1, {{"p-a"}, {{"Patient", "p-a"}}}},                             // one patient
      {2, {{"p-a", "p-b"}, {{"Patient", "p-a"}, {"Patient", "p-b"}}}},  // two: 0
      {3, {{}, {{"Patient", "p-c"}}}},                                  // a reference only
      {4, {{"p-d"}, {}}},                                               // the compartment only
      {5, {{}, {{"Practitioner", "pr-1"}}}},                            // no patient: 0
      {6, {{"p-e"}, {{"Patient", "p-e"}, {"Group", "g-1"}}}},
  };
  for (const auto& m : store::pg::migrations()) {
    if (m.name.starts_with("0006")) {
      // The rows the server wrote before this migration.
      pqxx::work tx(conn);
      for (const auto& [rid, r] : resources) {
        for (const auto& p : r.compartment) {
          tx.exec_params("INSERT INTO idx_compartment (rid, patient_id) VALUES ($1, $2)", rid, p);
        }
        for (const auto& [type, id] : r.references) {
          tx.exec_params(
              "INSERT INTO idx_reference (rid, key, target_type, target_id) VALUES ($1, 7, $2, $3)", rid,
              type, id);
        }
        tx.exec_params(
            "INSERT INTO idx_token (rid, key, system, code) VALUES ($1, 9, 's', 'c'), ($1, 9, 's', 'd')",
            rid);
      }
      tx.commit();
      migrated_0006 = true;
    }
    pqxx::work tx(conn);
    tx.exec(m.sql);
    tx.commit();
    if (m.name.starts_with("0006")) break;
  }
  ASSERT_TRUE(migrated_0006);

  pqxx::nontransaction read(conn);
  for (const auto& [rid, r] : resources) {
    search::IndexEntries e;
    e.compartment_patients = r.compartment;
    for (const auto& [type, id] : r.references)
      e.references.push_back({7, {type, id, std::nullopt, "", "", "", ""}});
    const auto rows = read.exec_params("SELECT DISTINCT pat FROM idx_token WHERE rid = $1", rid);
    ASSERT_EQ(rows.size(), 1U) << "rid " << rid;
    EXPECT_EQ(rows[0][0].as<std::int32_t>(), store::pg::patient_key(e)) << "rid " << rid;
  }
  EXPECT_EQ(read.exec1("SELECT count(*) FROM idx_token WHERE pat = 0")[0].as<int>(), 4);  // rids 2 and 5
}

}  // namespace
}  // namespace carnet
