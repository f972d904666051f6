#include "store/pg/version_loader.hpp"

#include <pqxx/pqxx>
#include <stdexcept>
#include <unordered_map>

#include "store/pg/row_mapping.hpp"
#include "store/pg/statements.hpp"

namespace carnet::store::pg {

std::vector<SharedVersion> load_versions(pqxx::transaction_base& tx, VersionCache& cache,
                                         const std::vector<VersionRef>& refs) {
  std::vector<std::int64_t> wanted;
  wanted.reserve(refs.size());
  for (const auto& ref : refs) wanted.push_back(ref.seq);
  std::vector<SharedVersion> out = cache.find_all(wanted);
  std::vector<std::size_t> missing;  // positions in refs
  for (std::size_t i = 0; i < refs.size(); ++i) {
    if (!out[i]) missing.push_back(i);
  }
  if (missing.empty()) return out;

  std::vector<std::string> seqs;
  seqs.reserve(missing.size());
  for (const auto i : missing) seqs.push_back(std::to_string(refs[i].seq));
  const auto rows = tx.exec_prepared("versions_by_seq", array_literal(seqs));
  std::unordered_map<std::int64_t, pqxx::row::size_type> row_of;
  for (pqxx::row::size_type r = 0; r < static_cast<pqxx::row::size_type>(rows.size()); ++r) {
    row_of.emplace(rows[r][0].as<std::int64_t>(), r);
  }
  for (const auto i : missing) {
    const auto& ref = refs[i];
    const auto it = row_of.find(ref.seq);
    if (it == row_of.end()) throw std::logic_error("No version has seq " + std::to_string(ref.seq));
    const auto& row = rows[it->second];
    // A ref may know only its seq (revincludes read from index rows): the
    // version row names its resource.
    out[i] = std::make_shared<const StoredVersion>(
        ref.id.empty() ? to_version(row, row[6].as<std::string>(), row[7].as<std::string>())
                       : to_version(row, ref.type, ref.id));
    cache.put(out[i]);
  }
  return out;
}

}  // namespace carnet::store::pg
