#include "http/messages.hpp"

#include <cstdio>
#include <ctime>
#include <iterator>

namespace carnet::http::detail {

namespace {

char ascii_lower(char c) noexcept {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = ascii_lower(c);
  return out;
}

// A CR or LF in a header would let a value chosen by a client (echoed back by a
// handler) inject headers or a second response: drop such headers outright.
bool safe_header(std::string_view name, std::string_view value) noexcept {
  if (name.empty()) return false;
  for (char c : name) {
    if (c == '\r' || c == '\n' || c == ':' || c == ' ') return false;
  }
  for (char c : value) {
    if (c == '\r' || c == '\n') return false;
  }
  return true;
}

bool has_close_token(std::string_view value) {
  return bhttp::token_list(value).exists("close");
}

// 1xx, 204 and 304 never carry a body, nor a Content-Length describing one
// (RFC 7230 §3.3.2).
bool status_without_body(unsigned status) noexcept {
  return status < 200 || status == 204 || status == 304;
}

}  // namespace

HttpRequest to_http_request(BeastRequest&& message) {
  HttpRequest request;
  request.method = std::string(message.method_string());
  request.target = std::string(message.target());
  request.headers.reserve(static_cast<std::size_t>(std::distance(message.begin(), message.end())));
  for (const auto& field : message) {
    request.headers.emplace_back(lower(field.name_string()), std::string(field.value()));
  }
  request.body = std::move(message.body());
  return request;
}

BeastResponse to_beast_response(HttpResponse&& response, const ResponseContext& context) {
  BeastResponse out;
  out.version(context.version);
  // Beast refuses codes outside 0..999; a handler bug must not kill the session.
  const unsigned status =
      (response.status >= 100 && response.status <= 999) ? static_cast<unsigned>(response.status) : 500U;
  out.result(status);

  bool keep_alive = context.keep_alive;
  bool has_date = false;
  std::string head_length;  // a HEAD answer may announce the GET body's length
  for (auto& [name, value] : response.headers) {
    if (!safe_header(name, value)) continue;
    const std::string key = lower(name);
    if (key == "connection") {
      if (has_close_token(value)) keep_alive = false;
      continue;  // we write our own, below
    }
    if (key == "content-length") {
      if (context.head) head_length = value;
      continue;  // always computed from the body otherwise
    }
    if (key == "transfer-encoding") continue;  // the whole body is in hand: no chunking
    if (key == "date") has_date = true;
    out.insert(name, value);
  }
  if (!has_date) out.set(bhttp::field::date, http_date(std::chrono::system_clock::now()));

  if (status_without_body(status)) {
    out.body().clear();
  } else if (context.head) {
    out.body().clear();
    if (!head_length.empty()) {
      out.set(bhttp::field::content_length, head_length);
    } else {
      out.content_length(response.body.size());
    }
  } else {
    out.body() = std::move(response.body);
    out.content_length(out.body().size());
  }
  out.keep_alive(keep_alive);
  return out;
}

std::string http_date(std::chrono::system_clock::time_point when) {
  const std::time_t seconds = std::chrono::system_clock::to_time_t(when);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  // Names spelled out rather than strftime's %a/%b, which follow LC_TIME.
  static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  char buffer[40];
  std::snprintf(buffer, sizeof buffer, "%s, %02d %s %04d %02d:%02d:%02d GMT", kDays[utc.tm_wday % 7],
                utc.tm_mday, kMonths[utc.tm_mon % 12], utc.tm_year + 1900, utc.tm_hour, utc.tm_min,
                utc.tm_sec);
  return buffer;
}

std::string_view path_of(std::string_view target) noexcept {
  const auto query = target.find('?');
  return query == std::string_view::npos ? target : target.substr(0, query);
}

}  // namespace carnet::http::detail
