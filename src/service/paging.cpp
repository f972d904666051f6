#include "service/paging.hpp"

#include <charconv>

#include "carnet/core/error.hpp"
#include "service/bundle_text.hpp"

namespace carnet::service {

namespace {
template <typename T>
bool to_number(const std::string& s, T& out) {
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return !s.empty() && ec == std::errc() && p == s.data() + s.size();
}
}  // namespace

Paging read_paging(const Interaction& in) {
  Paging paging;
  if (const auto* c = in.param("_count")) {
    long long n = 0;
    if (!to_number(*c, n) || n < 0) throw core::invalid("_count must be a non-negative integer", "_count");
    paging.count = static_cast<std::size_t>(std::min<long long>(n, static_cast<long long>(kMaxCount)));
  }
  if (const auto* cursor = in.param(kCursorParam)) {
    std::int64_t v = 0;
    if (!to_number(*cursor, v)) throw core::invalid("The paging cursor is malformed", kCursorParam);
    paging.before = v;
  }
  return paging;
}

std::string link_query(const Interaction& in, const std::string& extra) {
  std::string q;
  for (const auto& [k, v] : in.params) {
    if (k == kCursorParam) continue;
    if (!q.empty()) q.push_back('&');
    q += url_encode(k) + "=" + url_encode(v);
  }
  if (!extra.empty()) {
    if (!q.empty()) q.push_back('&');
    q += extra;
  }
  return q;
}

std::string page_url(const std::string& path, const std::vector<Param>& params,
                     const std::optional<std::string>& cursor) {
  std::string q;
  for (const auto& [k, v] : params) {
    if (k == kCursorParam) continue;
    if (!q.empty()) q.push_back('&');
    q += url_encode(k);
    q.push_back('=');
    q += url_encode(v);
  }
  if (cursor) {
    if (!q.empty()) q.push_back('&');
    q += kCursorParam;
    q.push_back('=');
    q += url_encode(*cursor);
  }
  return q.empty() ? path : path + "?" + q;
}

}  // namespace carnet::service
