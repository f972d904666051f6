#pragma once
// Private: the text searched by _text (the narrative) and _content (the whole
// resource), http://hl7.org/fhir/R4/search.html#text.

#include <string>
#include <string_view>

#include "carnet/core/json.hpp"

namespace carnet::search::detail {

/// The narrative XHTML `div` as plain text: tags removed (each a word break),
/// character references decoded (&amp; &lt; &gt; &quot; &apos; &nbsp; &#NNN; &#xHH;).
std::string narrative_text(std::string_view xhtml);

/// Most bytes kept for _content: enough for any real resource's words, and
/// bounded so that a huge resource does not make a huge index row.
inline constexpr std::size_t kMaxContentBytes = 64 * 1024;

/// Every string of `resource` normalized (normalize_string) and joined by
/// spaces, the narrative as its text, base64 `data` left out; at most
/// kMaxContentBytes, cut between words. `missing_id`, when not empty, is
/// taken as the resource's id (a create whose body has none yet).
std::string content_text(const core::Json& resource, std::string_view missing_id = {});

}  // namespace carnet::search::detail
