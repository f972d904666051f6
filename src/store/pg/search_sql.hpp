#pragma once
// The query tree of a search (carnet/search/query.hpp) turned into SQL text
// plus parameters. Values always travel as parameters; the SQL text holds
// only our own identifiers, operators and the integer index keys.
// Semantics: http://hl7.org/fhir/R4/search.html

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "carnet/search/query.hpp"
#include "store/pg/params.hpp"

namespace carnet::store::pg {

/// The most parameters (values) one search statement may carry.
inline constexpr int kMaxSearchParameters = 20000;

/// The parameters of one statement being built, and fresh table aliases for
/// nested subqueries. Not thread-safe.
class SqlBuilder {
 public:
  /// Adds a parameter and returns its placeholder with a cast: "$3::text".
  /// Throws core::too_costly beyond kMaxSearchParameters.
  std::string param(std::string_view value, std::string_view type = "text");
  /// Adds a text[] parameter.
  std::string array(const std::vector<std::string>& values);
  /// A fresh alias: "x1", "x2"...
  std::string alias(std::string_view stem);
  Params& params() { return params_; }

 private:
  Params params_;
  int count_ = 0;
  int aliases_ = 0;
};

/// Where the values of a parameter are: the index rows of `key`, those of
/// target type `target_type` only when it is not empty (a reference parameter
/// stored under another, search/union_parameters.hpp).
struct StoredRows {
  std::int32_t key = 0;
  std::string_view target_type;  ///< points into the Registry
};

/// The rows of `param` on each of `types` (on its own type when `types` is
/// empty): each type's entry of its code, or the entries it is stored under.
std::vector<StoredRows> stored_rows(const search::SearchParameter& param,
                                    const std::vector<std::string>& types);

/// stored_rows as SQL on `column` ("<alias>.key", the target type filter on
/// "<alias>.target_type"): "x.key = 123", "x.key IN (1, 2)", "(x.key = 7 AND
/// x.target_type = 'Patient')", or an OR of these in parentheses.
std::string key_condition(std::string_view column, const search::SearchParameter& param,
                          const std::vector<std::string>& types);

/// The index table of a parameter type ("idx_token"...); throws core::invalid
/// for a type that has none (special).
const char* index_table(const search::SearchParameter& param);

/// A boolean SQL condition on the resource row `alias` (columns rid, res_type,
/// res_id, last_updated) for criterion `c` on resources of `types` (the
/// criterion's own resource_type when set). Throws core::invalid naming the
/// parameter for what the store cannot search (special parameters).
std::string criterion_sql(const search::Criterion& c, const std::vector<std::string>& types,
                          std::string_view alias, SqlBuilder& b);

/// How the conditions of filter_sql are planned.
enum class Drive {
  /// The most selective condition by FHIR knowledge (a reference to one
  /// resource, a code...) drives through its index; the others are per-row
  /// checks. The plan then does not depend on the planner's guesses, which a
  /// generic plan of a prepared statement would make.
  index,
  /// Every condition is a per-row check: the rows come from elsewhere (a
  /// snapshot's ids).
  rows,
};

/// The WHERE conditions on `resource r` of a whole query: types, not deleted,
/// compartment, criteria (AND-ed). `key_types`: the types whose index keys the
/// criteria without a type of their own use (q.types, or for a search of every
/// type the types stored).
/// A page in rid order (the default order) after a cursor's rid.
struct RidWindow {
  std::optional<std::int64_t> after;  ///< only rids beyond this one
  bool backward = false;              ///< beyond = smaller, nearest first
  std::size_t limit = 0;              ///< rows at most
};

/// `window`: when set and every condition can be checked on the driving
/// index rows, the window is applied to them (only its rows are read: a
/// page costs its size, not the number of matches). The caller still
/// applies its own order, keyset and limit around the result.
std::string filter_sql(const search::Query& q, const std::vector<std::string>& key_types, SqlBuilder& b,
                       Drive drive = Drive::index, const RidWindow* window = nullptr);

/// The sort value of a resource on a date parameter from its rows `alias`
/// of that parameter: the latest end descending, the earliest start
/// ascending (an SQL aggregate).
std::string date_sort_value(std::string_view alias, bool descending);

/// A query yielding the rids of the matches of a search, no duplicates.
struct IndexRids {
  std::string sql;  ///< columns `rid`, then `s0` when first_sort_value, then `seq` when seq
  /// `s0` is the value of the first _sort key (as its SortColumn would read
  /// it), read with the driving rows.
  bool first_sort_value = false;
  /// `seq` is the seq of the resource's current version, from its index
  /// rows; 0 when they do not know it (rows of an older Carnet).
  bool seq = false;
};

/// The rids of every match of `q` read from index rows alone ("SELECT
/// DISTINCT x1.rid FROM idx_... WHERE ..."): when a value criterion drives
/// (as in filter_sql) and every other criterion is checked on its rows.
/// Index rows exist only for live resources of their keys' types, so no
/// resource row is read. nullopt when a condition needs the resource row
/// (_id, _lastUpdated, _list...) or the search is a compartment's.
std::optional<IndexRids> index_rids_sql(const search::Query& q, const std::vector<std::string>& key_types,
                                        SqlBuilder& b);

/// A page in rid order (`window`) read from index rows alone, with columns
/// `rid` and `seq` (0: a row of an older Carnet, whose resource row knows
/// it): when a reference or date criterion drives and every other criterion
/// is checked on its rows. Adds parameters to `b` only when it answers.
std::optional<std::string> index_page_sql(const search::Query& q, const std::vector<std::string>& key_types,
                                          SqlBuilder& b, const RidWindow& window);

/// The condition of one value on the columns starting with `cols` ("x." for
/// an index table, "x.c2_" for a composite component); modifiers apply to
/// tokens, strings, references and uris. `targets`: for a reference without
/// type, the types it may point to.
std::string value_sql(const search::QueryValue& v, search::Modifier m, std::string_view cols,
                      const std::vector<std::string>& targets, SqlBuilder& b);
std::string component_sql(const search::ComponentQuery& v, std::string_view cols, SqlBuilder& b);

/// Date prefixes on stored ranges [low, high) (`low`/`high` SQL expressions).
std::string date_sql(const search::DateQuery& q, std::string_view low, std::string_view high, SqlBuilder& b);
/// Date prefixes on an instant column (a point, as _lastUpdated).
std::string instant_sql(const search::DateQuery& q, std::string_view column, SqlBuilder& b);

/// `text` escaped for LIKE (\ % _ preceded by \).
std::string like_escape(std::string_view text);

}  // namespace carnet::store::pg
