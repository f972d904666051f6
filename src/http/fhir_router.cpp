#include "carnet/http/fhir_router.hpp"

#include <charconv>

#include "carnet/core/error.hpp"
#include "carnet/core/id.hpp"
#include "carnet/core/utf8.hpp"

namespace carnet::http {

using service::Interaction;
using service::Kind;

namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string decode(std::string_view s, bool plus_is_space) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '%') {
      int hi = i + 1 < s.size() ? hex_value(s[i + 1]) : -1;
      int lo = i + 2 < s.size() ? hex_value(s[i + 2]) : -1;
      if (hi < 0 || lo < 0) {
        throw core::invalid(
            "Malformed percent-encoding (a % not followed by two hex digits) in the URL or form body");
      }
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  // Every text Carnet stores, searches or echoes in an OperationOutcome is
  // UTF-8 (RFC 3986 §2.5 percent-encodes UTF-8 octets): other bytes are the
  // client's mistake, and PostgreSQL would refuse them later.
  if (!core::is_valid_utf8(out)) {
    throw core::invalid("The URL or form body is not valid UTF-8 once percent-decoded");
  }
  return out;
}

std::vector<std::string> split_path(std::string_view path) {
  std::vector<std::string> parts;
  while (!path.empty()) {
    auto slash = path.find('/');
    auto part = path.substr(0, slash);
    if (!part.empty()) {
      parts.push_back(decode(part, false));
      // "." and ".." are dot-segments (RFC 3986 §3.3, also when written
      // %2E): a client that did not remove them meant another path than the
      // one it sent, so neither is taken as a type or an id.
      if (parts.back() == "." || parts.back() == "..") {
        throw core::invalid("The URL path has a '" + parts.back() +
                            "' segment: remove dot-segments (RFC 3986 section 5.2.4) before sending");
      }
    }
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return parts;
}

[[noreturn]] void not_allowed(std::string_view method, const std::string& what) {
  throw core::method_not_allowed("Method " + std::string(method) + " is not allowed on " + what);
}

void require_id(const std::string& id) {
  if (!core::is_valid_id(id)) {
    throw core::invalid("Invalid resource id: ids are 1 to 64 characters among A-Z a-z 0-9 - .");
  }
}

Interaction make(Kind kind, std::string type = {}, std::string id = {}) {
  Interaction in;
  in.kind = kind;
  in.type = std::move(type);
  in.id = std::move(id);
  return in;
}

}  // namespace

std::vector<service::Param> parse_query(std::string_view query) {
  std::vector<service::Param> params;
  while (!query.empty()) {
    auto amp = query.find('&');
    auto pair = query.substr(0, amp);
    if (!pair.empty()) {
      auto eq = pair.find('=');
      std::string name = decode(pair.substr(0, eq), true);
      std::string value = eq == std::string_view::npos ? std::string() : decode(pair.substr(eq + 1), true);
      params.emplace_back(std::move(name), std::move(value));
    }
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return params;
}

Interaction route(std::string_view method_in, std::string_view path, const fhir::Model& model) {
  std::string_view method = method_in == "HEAD" ? std::string_view("GET") : method_in;
  auto seg = split_path(path);
  const bool get = method == "GET", post = method == "POST", put = method == "PUT", del = method == "DELETE";

  if (seg.empty()) {
    if (get) return make(Kind::search_system);
    if (post) return make(Kind::batch);
    not_allowed(method, "the base URL");
  }
  const std::string& first = seg[0];
  if (seg.size() == 1 && first == "metadata") {
    if (get) return make(Kind::capabilities);
    not_allowed(method, "metadata");
  }
  if (seg.size() == 1 && first == "_search") {
    // GET/POST [base]/_search: a system search (http.html#search).
    if (get || post) return make(Kind::search_system);
    not_allowed(method, "_search");
  }
  if (seg.size() == 1 && first == "_history") {
    if (get) return make(Kind::history_system);
    not_allowed(method, "_history");
  }
  if (first.starts_with("$")) {
    if (seg.size() != 1) throw core::not_found("Unknown URL");
    Interaction in = make(Kind::operation);
    in.operation = first;
    return in;
  }
  if (!model.is_resource_type(first)) throw core::not_found("Unknown resource type '" + first + "'");
  const std::string& type = first;

  if (seg.size() == 1) {
    if (get) return make(Kind::search_type, type);
    if (post) return make(Kind::create, type);
    not_allowed(method, type);
  }
  const std::string& second = seg[1];
  if (seg.size() == 2) {
    if (second == "_search") {
      if (get || post) return make(Kind::search_type, type);
      not_allowed(method, type + "/_search");
    }
    if (second == "_history") {
      if (get) return make(Kind::history_type, type);
      not_allowed(method, type + "/_history");
    }
    if (second.starts_with("$")) {
      Interaction in = make(Kind::operation, type);
      in.operation = second;
      return in;
    }
    require_id(second);
    if (get) return make(Kind::read, type, second);
    if (put) return make(Kind::update, type, second);
    if (del) return make(Kind::remove, type, second);
    if (method == "PATCH") return make(Kind::patch, type, second);
    not_allowed(method, type + "/[id]");
  }
  require_id(second);
  const std::string& third = seg[2];
  if (seg.size() == 3) {
    if (third == "_history") {
      if (get) return make(Kind::history_instance, type, second);
      not_allowed(method, type + "/[id]/_history");
    }
    if (third.starts_with("$")) {
      Interaction in = make(Kind::operation, type, second);
      in.operation = third;
      return in;
    }
    // [base]/Patient/[id]/[type] and /* (every type of the compartment).
    if (model.is_resource_type(third) || third == "*") {
      if (!get) not_allowed(method, "a compartment search");
      Interaction in = make(Kind::search_compartment, type, second);
      in.compartment_type = third;
      return in;
    }
    throw core::not_found("Unknown URL");
  }
  if (seg.size() == 4 && third == "_history") {
    if (!get) not_allowed(method, type + "/[id]/_history/[vid]");
    const std::string& vid = seg[3];
    int version = 0;
    auto [p, ec] = std::from_chars(vid.data(), vid.data() + vid.size(), version);
    if (ec != std::errc() || p != vid.data() + vid.size() || version < 1) {
      throw core::not_found(type + "/" + second + " has no version '" + vid + "'");
    }
    Interaction in = make(Kind::vread, type, second);
    in.version = version;
    return in;
  }
  throw core::not_found("Unknown URL");
}

}  // namespace carnet::http
