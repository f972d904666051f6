#pragma once
/// Private to the config module: reads one TOML table into plain fields,
/// checking types and ranges and rejecting keys nobody asked for.

#include <toml++/toml.h>

#include <cstdint>
#include <filesystem>
#include <limits>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "carnet/config/config.hpp"

namespace carnet::config::detail {

/// "<origin>: <key>: <problem>", the one shape of every config message.
[[noreturn]] void fail(const std::string& origin, std::string_view key, std::string_view problem);

/// Same, with " (line N)" appended when the node knows where it came from.
[[noreturn]] void fail_at(const std::string& origin, std::string_view key, std::string_view problem,
                          const toml::node& where);

/// "a string", "an integer", ... for "expected X, got Y" messages.
std::string_view describe(toml::node_type type);

/// Reads the keys of one table. Every read marks its key as known; finish()
/// throws for any key left over. Absent keys leave the output untouched, so
/// the struct defaults apply. Not thread-safe (one reader per table, per load).
class TableReader {
 public:
  /// `table` may be null (the table is absent): every read is then a no-op.
  /// `prefix` is the dotted path of the table ("" for the root, "database.embedded").
  TableReader(const toml::table* table, std::string prefix, const std::string& origin);

  /// Reads a boolean. Throws ConfigError for another type.
  void read(std::string_view key, bool& out);
  /// Reads a string. Throws ConfigError for another type.
  void read(std::string_view key, std::string& out);
  /// Reads a string as a path. Throws ConfigError for another type.
  void read(std::string_view key, std::filesystem::path& out);

  /// Reads an integer in [min, max]. Throws ConfigError for another type or
  /// a value outside the range.
  template <typename T>
  void read_integer(std::string_view key, T& out, std::int64_t min, std::int64_t max = max_of<T>()) {
    if (const auto v = integer(key, min, max)) out = static_cast<T>(*v);
  }

  /// The sub-table `key`, or null when absent. Throws ConfigError when `key`
  /// holds something other than a table.
  const toml::table* table(std::string_view key);

  /// The dotted path of `key` in this table ("limits.max_body_bytes").
  std::string path(std::string_view key) const;

  /// Throws ConfigError naming the first key (in file order) that no read asked for.
  void finish() const;

 private:
  template <typename T>
  static constexpr std::int64_t max_of() {
    constexpr auto m = std::numeric_limits<T>::max();
    if constexpr (static_cast<std::uint64_t>(m) > static_cast<std::uint64_t>(INT64_MAX)) {
      return INT64_MAX;
    } else {
      return static_cast<std::int64_t>(m);
    }
  }

  /// The node under `key` (null when absent), marking the key as known.
  const toml::node* get(std::string_view key);
  std::optional<std::int64_t> integer(std::string_view key, std::int64_t min, std::int64_t max);
  [[noreturn]] void wrong_type(std::string_view key, std::string_view expected, const toml::node& node) const;

  const toml::table* table_;
  std::string prefix_;
  const std::string& origin_;
  std::set<std::string, std::less<>> known_;
};

}  // namespace carnet::config::detail
