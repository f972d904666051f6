#pragma once
// Paging parameters shared by history and listings: _count and the opaque
// cursor of `next` links (the global change sequence, so pages stay stable
// while writes happen: http://hl7.org/fhir/R4/http.html#paging).

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "carnet/service/interaction.hpp"

namespace carnet::service {

inline constexpr std::size_t kDefaultCount = 50;
inline constexpr std::size_t kMaxCount = 1000;
inline constexpr const char* kCursorParam = "_cursor";

struct Paging {
  std::size_t count = kDefaultCount;
  std::optional<std::int64_t> before;  ///< cursor: only items older than this
};

/// Reads _count (0..1000; larger is capped) and the cursor. Throws 400 when malformed.
Paging read_paging(const Interaction& in);

/// Query string for a link: every parameter of `in` except the cursor,
/// re-encoded, plus `extra` (e.g. "_cursor=42") when not empty.
std::string link_query(const Interaction& in, const std::string& extra);

/// A search page link: `path`, then "?" and `params` re-encoded (their
/// `_cursor`s dropped), then `_cursor=<cursor>` when `cursor` is set; `path`
/// alone when nothing follows.
std::string page_url(const std::string& path, const std::vector<Param>& params,
                     const std::optional<std::string>& cursor);

}  // namespace carnet::service
