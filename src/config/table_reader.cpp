#include "config/table_reader.hpp"

#include <string>
#include <utility>

namespace carnet::config::detail {

void fail(const std::string& origin, std::string_view key, std::string_view problem) {
  std::string message = origin;
  message += ": ";
  message += key;
  message += ": ";
  message += problem;
  throw ConfigError(message);
}

void fail_at(const std::string& origin, std::string_view key, std::string_view problem,
             const toml::node& where) {
  const auto line = where.source().begin.line;
  if (line == 0) fail(origin, key, problem);
  fail(origin, key, std::string(problem) + " (line " + std::to_string(line) + ")");
}

std::string_view describe(toml::node_type type) {
  switch (type) {
    case toml::node_type::table: return "a table";
    case toml::node_type::array: return "an array";
    case toml::node_type::string: return "a string";
    case toml::node_type::integer: return "an integer";
    case toml::node_type::floating_point: return "a float";
    case toml::node_type::boolean: return "a boolean";
    case toml::node_type::date: return "a date";
    case toml::node_type::time: return "a time";
    case toml::node_type::date_time: return "a date-time";
    case toml::node_type::none: break;
  }
  return "nothing";
}

TableReader::TableReader(const toml::table* table, std::string prefix, const std::string& origin)
    : table_(table), prefix_(std::move(prefix)), origin_(origin) {}

std::string TableReader::path(std::string_view key) const {
  if (prefix_.empty()) return std::string(key);
  std::string p = prefix_;
  p += '.';
  p += key;
  return p;
}

const toml::node* TableReader::get(std::string_view key) {
  known_.emplace(key);
  if (table_ == nullptr) return nullptr;
  return table_->get(key);
}

void TableReader::wrong_type(std::string_view key, std::string_view expected, const toml::node& node) const {
  fail_at(origin_, path(key),
          "expected " + std::string(expected) + ", got " + std::string(describe(node.type())), node);
}

void TableReader::read(std::string_view key, bool& out) {
  const toml::node* node = get(key);
  if (node == nullptr) return;
  const auto* v = node->as_boolean();
  if (v == nullptr) wrong_type(key, "a boolean", *node);
  out = v->get();
}

void TableReader::read(std::string_view key, std::string& out) {
  const toml::node* node = get(key);
  if (node == nullptr) return;
  const auto* v = node->as_string();
  if (v == nullptr) wrong_type(key, "a string", *node);
  out = v->get();
}

void TableReader::read(std::string_view key, std::filesystem::path& out) {
  std::string s;
  const bool present = table_ != nullptr && table_->contains(key);
  read(key, s);
  if (present) out = s;
}

std::optional<std::int64_t> TableReader::integer(std::string_view key, std::int64_t min, std::int64_t max) {
  const toml::node* node = get(key);
  if (node == nullptr) return std::nullopt;
  const auto* v = node->as_integer();
  if (v == nullptr) wrong_type(key, "an integer", *node);
  const std::int64_t value = v->get();
  if (value >= min && value <= max) return value;
  std::string problem;
  // A bound far beyond any sensible value is the type's, not a policy: say
  // only which side failed.
  if (max >= std::int64_t{UINT32_MAX}) {
    problem = min == 1 ? "must be > 0" : "must be >= " + std::to_string(min);
  } else {
    problem = "must be between " + std::to_string(min) + " and " + std::to_string(max);
  }
  fail_at(origin_, path(key), problem + ", got " + std::to_string(value), *node);
}

const toml::table* TableReader::table(std::string_view key) {
  const toml::node* node = get(key);
  if (node == nullptr) return nullptr;
  const auto* t = node->as_table();
  if (t == nullptr) wrong_type(key, "a table", *node);
  return t;
}

void TableReader::finish() const {
  if (table_ == nullptr) return;
  // toml::table iterates in key order; report the unknown key that comes
  // first in the file, which is the one a reader looks for first.
  const toml::node* first = nullptr;
  std::string first_key;
  for (const auto& [key, node] : *table_) {
    if (known_.contains(key.str())) continue;
    if (first == nullptr || node.source().begin < first->source().begin) {
      first = &node;
      first_key = std::string(key.str());
    }
  }
  if (first == nullptr) return;
  fail_at(origin_, path(first_key), first->is_table() ? "unknown table" : "unknown key", *first);
}

}  // namespace carnet::config::detail
