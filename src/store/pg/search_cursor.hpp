#pragma once
// The _cursor of search paging links: a position in the query's order (the
// sort values and rid of one row) and a direction. Opaque to clients, made of
// URL-safe characters only, checked when it comes back.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace carnet::store::pg {

/// A position in the order: the rows strictly after it (next page) or
/// strictly before it (previous page, `backward`). Either a keyset position
/// (a row's sort values and rid) or a position in a snapshot of the order
/// (search_snapshot.hpp): stored (`snapshot`) or carried by the cursor
/// itself (`rids`).
struct Cursor {
  bool backward = false;
  std::vector<std::optional<std::string>> values;  ///< the row's sort values as SQL text (NULL = nullopt)
  std::int64_t rid = 0;                            ///< the row's rid (the final tie-break)
  std::int64_t snapshot = 0;                       ///< search_snapshot id; 0 = none stored
  std::int64_t position = 0;                       ///< 1-based position in the snapshot
  std::vector<std::int64_t> rids;                  ///< the snapshot itself, when the cursor carries it

  /// A position in a snapshot, stored or carried.
  bool in_snapshot() const { return snapshot != 0 || !rids.empty(); }
};

/// The longest snapshot a cursor carries (rids), and the most characters it
/// may take in the cursor: beyond either, the snapshot is stored.
inline constexpr std::size_t kMaxCarriedRids = 500;
inline constexpr std::size_t kMaxCarriedChars = 3000;

/// Whether a cursor made by encode_cursor carries its snapshot (its page is
/// then read in one statement).
bool carries_snapshot(std::string_view text);

/// The characters `rids` take in a cursor that carries them.
std::size_t carried_size(const std::vector<std::int64_t>& rids);

/// base64url (no padding) of a small JSON object. `signature` names the sort
/// the values belong to (see decode_cursor).
std::string encode_cursor(const Cursor& cursor, std::string_view signature);

/// Decodes a cursor made by encode_cursor for a query with the same sort
/// `signature` and `value_count` sort values (none for a snapshot position).
/// Throws core::invalid (400, expression "_cursor") for anything else.
Cursor decode_cursor(std::string_view text, std::string_view signature, std::size_t value_count);

}  // namespace carnet::store::pg
