#include "search/union_parameters.hpp"

#include <algorithm>
#include <set>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include "search/expression_parts.hpp"

namespace carnet::search::detail {
namespace {

// The union parts of a parameter's expression on its own type, without
// white space outside quotes, so that "(A.b as C)" and "(A.b  as C)" compare equal.
std::set<std::string> parts_of(const SearchParameter& p, const std::unordered_set<std::string_view>& types) {
  std::set<std::string> out;
  const std::string own = expression_for_type(p.expression_text, p.base, types);
  for (std::string_view part : union_parts(own)) {
    std::string compact;
    char quote = 0;
    for (char c : part) {
      if (quote != 0) {
        if (c == quote) quote = 0;
      } else if (c == '\'' || c == '`') {
        quote = c;
      } else if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
        continue;
      }
      compact.push_back(c);
    }
    out.insert(std::move(compact));
  }
  return out;
}

bool same_components(const SearchParameter& a, const SearchParameter& b) {
  if (a.components.size() != b.components.size()) return false;
  for (std::size_t i = 0; i < a.components.size(); ++i) {
    if (a.components[i].type != b.components[i].type) return false;
    if (a.components[i].expression != b.components[i].expression) return false;  // compiled once per text
  }
  return true;
}

bool same_values(const SearchParameter& a, const SearchParameter& b) {
  return a.type == b.type && a.implicit_system == b.implicit_system &&
         (a.type != ParamType::composite || same_components(a, b));
}

}  // namespace

void link_union_parameters(RegistryTables& tables) {
  std::unordered_set<std::string_view> types(tables.resource_types.begin(), tables.resource_types.end());
  std::unordered_map<std::string_view, int> concrete_bases_of_code;
  for (SearchParameter& p : tables.params) {
    p.stored_under.clear();
    if (types.count(p.base) != 0) ++concrete_bases_of_code[p.code];
  }
  for (auto& [type, list] : tables.by_type) {
    if (types.count(type) == 0) continue;  // Resource/DomainResource: no rows of their own
    std::vector<std::set<std::string>> parts;
    parts.reserve(list.size());
    for (const SearchParameter* p : list)
      parts.push_back(p->expression_text.empty() ? std::set<std::string>{} : parts_of(*p, types));
    // Fewest parts first: the parameters a union may be stored under (fewer
    // parts, not stored under others themselves) are settled before it.
    std::vector<std::size_t> order(list.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(),
                     [&parts](std::size_t a, std::size_t b) { return parts[a].size() < parts[b].size(); });
    for (std::size_t i : order) {
      auto& p = const_cast<SearchParameter&>(*list[i]);  // `tables` owns them; by_type only points
      if (parts[i].size() < 2 || p.type == ParamType::special || concrete_bases_of_code[p.code] != 1)
        continue;
      std::set<std::string> covered;
      std::vector<std::int32_t> keys;
      for (std::size_t j = 0; j < list.size(); ++j) {
        if (parts[j].empty() || parts[j].size() >= parts[i].size() || !list[j]->stored_under.empty())
          continue;
        if (!same_values(p, *list[j])) continue;
        if (!std::includes(parts[i].begin(), parts[i].end(), parts[j].begin(), parts[j].end())) continue;
        covered.insert(parts[j].begin(), parts[j].end());
        keys.push_back(list[j]->key);
      }
      if (covered == parts[i]) p.stored_under = std::move(keys);
    }
  }
}

}  // namespace carnet::search::detail
