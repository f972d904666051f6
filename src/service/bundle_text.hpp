#pragma once
// Builds Bundle JSON text around resource texts that are already serialised
// (stored versions are sent as stored: no parse, no re-serialisation).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace carnet::service {

/// Writes a Bundle's text in one buffer, in order: the head (type, total,
/// links) when the first entry comes, then the entries; finish() hands the
/// buffer over. A search page is mostly its entries (hundreds of KB with
/// includes): they are appended once and never copied again.
class BundleText {
 public:
  /// `type`: "history" or "searchset".
  explicit BundleText(std::string type);

  /// Sets Bundle.total. Must come before the first entry.
  void total(std::int64_t n);
  /// Room for `bytes` of entry text, so that adding them does not reallocate.
  /// Must come before the first entry to have an effect.
  void reserve_entries(std::size_t bytes) { entry_bytes_ = bytes; }
  /// Adds a link (relation "self", "next", ...). Must come before the first entry.
  void link(const std::string& relation, const std::string& url);
  /// Adds an entry. `full_url` may be empty (no fullUrl, e.g. an
  /// OperationOutcome of a search). `resource` is JSON text or empty (no resource, e.g. a
  /// deletion in a history); `tail` is the text of further entry members
  /// (e.g. `"request":{...},"response":{...}`), without leading comma, or empty.
  void entry(std::string_view full_url, std::string_view resource, std::string_view tail);
  /// The same with fullUrl `base/type/id`, written without a temporary.
  void entry(std::string_view base, std::string_view type, std::string_view id, std::string_view resource,
             std::string_view tail);

  /// The Bundle's JSON text. Call once, last (a second call throws std::logic_error).
  std::string finish();

 private:
  void open_entries();  // writes the head and `"entry":[`
  void close_entry(std::string_view resource, std::string_view tail, bool has_url);

  std::string type_;
  std::optional<std::int64_t> total_;
  std::string links_;
  std::size_t entry_bytes_ = 0;
  std::string text_;  // the head and the entries written so far
  bool entries_open_ = false;
  bool finished_ = false;
};

/// `"key":"value"` with the value escaped.
std::string json_member(const std::string& key, const std::string& value);

/// Percent-encodes a query parameter name or value: RFC 3986 unreserved
/// characters and `: / , $ @` (allowed in a query, and common in FHIR values
/// such as `http://loinc.org|1234-5` or `a,b`) are kept; `+ & = | %`... are encoded.
std::string url_encode(const std::string& value);

}  // namespace carnet::service
