#include "search/union_parameters.hpp"

#include <algorithm>
#include <cctype>
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

// "X.where(resolve()isT)" (compact): X and T; false for another form.
bool typed_part(const std::string& part, std::string& path, std::string& type) {
  static constexpr std::string_view kWhere = ".where(resolve()is";
  const auto at = part.rfind(kWhere);
  if (at == std::string::npos || at == 0 || part.back() != ')') return false;
  type = part.substr(at + kWhere.size(), part.size() - 1 - at - kWhere.size());
  if (type.empty() || !std::all_of(type.begin(), type.end(),
                                   [](char c) { return std::isalpha(static_cast<unsigned char>(c)) != 0; }))
    return false;
  path = part.substr(0, at);
  return true;
}

// P = Q.where(resolve() is T), part by part, with one T: P's values are Q's
// rows of target type T (search/extract_reference.cpp stores the type of
// every reference resolve() can type without a resolver).
void link_typed(const std::vector<const SearchParameter*>& list,
                const std::vector<std::set<std::string>>& parts, std::set<std::int32_t>& storage) {
  for (std::size_t i = 0; i < list.size(); ++i) {
    auto& p = const_cast<SearchParameter&>(*list[i]);  // `tables` owns them; by_type only points
    if (p.type != ParamType::reference || parts[i].empty() || storage.count(p.key) != 0) continue;
    std::set<std::string> paths;
    std::string target;
    bool typed = true;
    for (const std::string& part : parts[i]) {
      std::string path, type;
      if (!typed_part(part, path, type) || (!target.empty() && type != target)) {
        typed = false;
        break;
      }
      target = type;
      paths.insert(path);
    }
    if (!typed) continue;
    for (std::size_t j = 0; j < list.size(); ++j) {
      const SearchParameter& q = *list[j];
      if (j == i || q.type != ParamType::reference || parts[j] != paths || !q.stored_under.empty()) continue;
      p.stored_under = {q.key};
      p.stored_target_type = target;
      storage.insert(q.key);
      break;
    }
  }
}

// P = Q1 | Q2 | ...: P's values are the rows of the Qs.
void link_unions(const std::vector<const SearchParameter*>& list,
                 const std::vector<std::set<std::string>>& parts, const std::set<std::int32_t>& storage) {
  // Fewest parts first: the parameters a union may be stored under (fewer
  // parts, not stored under others themselves) are settled before it.
  std::vector<std::size_t> order(list.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&parts](std::size_t a, std::size_t b) { return parts[a].size() < parts[b].size(); });
  for (std::size_t i : order) {
    auto& p = const_cast<SearchParameter&>(*list[i]);
    if (parts[i].size() < 2 || p.type == ParamType::special || !p.stored_under.empty() ||
        storage.count(p.key) != 0)
      continue;
    std::set<std::string> covered;
    std::vector<std::int32_t> keys;
    for (std::size_t j = 0; j < list.size(); ++j) {
      if (parts[j].empty() || parts[j].size() >= parts[i].size() || !list[j]->stored_under.empty()) continue;
      if (!same_values(p, *list[j])) continue;
      if (!std::includes(parts[i].begin(), parts[i].end(), parts[j].begin(), parts[j].end())) continue;
      covered.insert(parts[j].begin(), parts[j].end());
      keys.push_back(list[j]->key);
    }
    if (covered == parts[i]) p.stored_under = std::move(keys);
  }
}

}  // namespace

void link_union_parameters(RegistryTables& tables) {
  std::unordered_set<std::string_view> types(tables.resource_types.begin(), tables.resource_types.end());
  std::unordered_map<std::string_view, std::vector<SearchParameter*>> by_code;
  for (SearchParameter& p : tables.params) {
    p.stored_under.clear();
    p.stored_target_type.clear();
    p.same_code.clear();
    if (types.count(p.base) != 0) by_code[p.code].push_back(&p);
  }
  for (auto& [code, entries] : by_code)
    for (SearchParameter* p : entries)
      for (const SearchParameter* other : entries)
        if (other != p) p->same_code.push_back(other);
  for (auto& [type, list] : tables.by_type) {
    if (types.count(type) == 0) continue;  // Resource/DomainResource: no rows of their own
    std::vector<std::set<std::string>> parts;
    parts.reserve(list.size());
    for (const SearchParameter* p : list)
      parts.push_back(p->expression_text.empty() ? std::set<std::string>{} : parts_of(*p, types));
    // Typed first, so that a union is never stored under a parameter that is
    // itself stored elsewhere, and no parameter a typed one reads is moved.
    std::set<std::int32_t> storage;
    link_typed(list, parts, storage);
    link_unions(list, parts, storage);
  }
}

}  // namespace carnet::search::detail
