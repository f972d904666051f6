// migrations/0006-0008 fill the columns they add to the index rows written
// before them with the rules the server uses for new rows: the patient key
// of token (0006) and date (0007) rows (store/pg/patient_key.hpp), and the
// current seq on reference (0008) and date (0009) rows. A database at 0005 with hand-made
// rows is migrated, and each row is compared with what the server writes.
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

// Migrations 0006-0008 fill the new columns of rows written before them.
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
        tx.exec_params(
            "INSERT INTO idx_date (rid, key, low, high) VALUES ($1, 11, '2020-01-01', '2020-01-02')", rid);
        // Its head, whose current version 0008 copies to the reference rows.
        tx.exec_params(
            "INSERT INTO resource (res_type, res_id, version, seq, last_updated, deleted, rid) VALUES "
            "('Observation', 'o' || $1::text, 1, $1::bigint + 100, now(), false, $1::bigint)",
            rid);
      }
      tx.commit();
      migrated_0006 = true;
    }
    pqxx::work tx(conn);
    tx.exec(m.sql);
    tx.commit();
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
    // 0007: the date rows get the same key.
    EXPECT_EQ(read.exec_params1("SELECT pat FROM idx_date WHERE rid = $1", rid)[0].as<std::int32_t>(),
              store::pg::patient_key(e))
        << "rid " << rid;
  }
  EXPECT_EQ(read.exec1("SELECT count(*) FROM idx_token WHERE pat = 0")[0].as<int>(), 4);  // rids 2 and 5
  // 0008: reference rows carry their resource's current seq.
  EXPECT_EQ(read.exec1("SELECT count(*) FROM idx_reference WHERE seq <> rid + 100")[0].as<int>(), 0);
  EXPECT_EQ(read.exec1("SELECT count(*) FROM idx_reference")[0].as<int>(), 7);
  // 0009: so do date rows.
  EXPECT_EQ(read.exec1("SELECT count(*) FROM idx_date WHERE seq <> rid + 100")[0].as<int>(), 0);
  EXPECT_EQ(read.exec1("SELECT count(*) FROM idx_date")[0].as<int>(), 6);
}

}  // namespace
}  // namespace carnet
