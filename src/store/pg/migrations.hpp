#pragma once
// The SQL migrations compiled into the binary (generated from migrations/*.sql).

#include <string>
#include <vector>

namespace carnet::store::pg {

struct Migration {
  std::string name;  // file name without .sql, e.g. "0001_resources"
  std::string sql;
};

/// All migrations in name order. Thread-safe.
const std::vector<Migration>& migrations();

}  // namespace carnet::store::pg
