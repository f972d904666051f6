#pragma once
// Builds Bundle JSON text around resource texts that are already serialised
// (stored versions are sent as stored: no parse, no re-serialisation).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace carnet::service {

class BundleText {
 public:
  /// `type`: "history" or "searchset".
  explicit BundleText(std::string type);

  void total(std::int64_t n) { total_ = n; }
  /// Room for `bytes` of entry text, so that adding them does not reallocate.
  void reserve_entries(std::size_t bytes) { entries_.reserve(bytes); }
  /// Adds a link (relation "self", "next", ...).
  void link(const std::string& relation, const std::string& url);
  /// Adds an entry. `full_url` may be empty (no fullUrl, e.g. an
  /// OperationOutcome of a search). `resource` is JSON text or empty (no resource, e.g. a
  /// deletion in a history); `tail` is the text of further entry members
  /// (e.g. `"request":{...},"response":{...}`), without leading comma, or empty.
  void entry(const std::string& full_url, const std::string& resource, const std::string& tail);

  /// The Bundle's JSON text.
  std::string finish() const;

 private:
  std::string type_;
  std::optional<std::int64_t> total_;
  std::string links_;
  std::string entries_;
};

/// `"key":"value"` with the value escaped.
std::string json_member(const std::string& key, const std::string& value);

/// Percent-encodes a query parameter name or value: RFC 3986 unreserved
/// characters and `: / , $ @` (allowed in a query, and common in FHIR values
/// such as `http://loinc.org|1234-5` or `a,b`) are kept; `+ & = | %`... are encoded.
std::string url_encode(const std::string& value);

}  // namespace carnet::service
