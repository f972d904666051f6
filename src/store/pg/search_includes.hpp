#pragma once
// _include and _revinclude (http://hl7.org/fhir/R4/search.html#include).

#include <cstdint>
#include <pqxx/transaction_base>
#include <string>
#include <vector>

#include "carnet/search/query.hpp"
#include "carnet/store/resource_store.hpp"
#include "store/pg/statement_cache.hpp"
#include "store/pg/version_cache.hpp"

namespace carnet::store::pg {

/// A resource of the page: its rid, type and id ("" when not known: the
/// first page of a sorted search and the rounds after a _revinclude learn
/// only the rid; their _revincludes then find the targets by rid).
struct PageRow {
  std::int64_t rid = 0;
  std::string type;
  std::string id;
};

/// Rounds of :iterate at most (the first round, on the matches, included).
inline constexpr int kMaxIncludeRounds = 10;
/// Included resources at most per page; further ones are left out.
inline constexpr std::size_t kMaxIncluded = 1000;

/// The live current versions that the includes of `q` reach from the page's
/// `matches`, each once and none of them a match, in rid order. The first
/// round applies every include to the matches; each further round applies the
/// :iterate ones to the resources the previous round added, until nothing new
/// is found, kMaxIncludeRounds or kMaxIncluded. The versions come from
/// `versions` when kept there, else from one statement after the rounds.
std::vector<SharedVersion> find_includes(pqxx::transaction_base& tx, StatementCache& statements,
                                         VersionCache& versions, const search::Query& q,
                                         const std::vector<PageRow>& matches);

}  // namespace carnet::store::pg
