#include "store/pg/search_cursor.hpp"

#include <array>
#include <nlohmann/json.hpp>

#include "carnet/core/error.hpp"

namespace carnet::store::pg {
namespace {

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
constexpr std::size_t kMaxCursor = 8192;  // a cursor holds a few sort values: anything longer is not ours

std::string base64url(std::string_view bytes) {
  std::string out;
  std::uint32_t buffer = 0;
  int bits = 0;
  for (unsigned char c : bytes) {
    buffer = (buffer << 8) | c;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out.push_back(kAlphabet[(buffer >> bits) & 0x3F]);
    }
  }
  if (bits > 0) out.push_back(kAlphabet[(buffer << (6 - bits)) & 0x3F]);
  return out;
}

std::optional<std::string> from_base64url(std::string_view text) {
  static const std::array<int, 256> kValue = [] {
    std::array<int, 256> v{};
    v.fill(-1);
    for (int i = 0; i < 64; ++i) v[static_cast<unsigned char>(kAlphabet[i])] = i;
    return v;
  }();
  std::string out;
  std::uint32_t buffer = 0;
  int bits = 0;
  for (unsigned char c : text) {
    const int value = kValue[c];
    if (value < 0) return std::nullopt;
    buffer = (buffer << 6) | static_cast<std::uint32_t>(value);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((buffer >> bits) & 0xFF));
    }
  }
  return out;
}

[[noreturn]] void bad_cursor() {
  throw core::invalid("The _cursor parameter is not a cursor of this search; follow the links of the Bundle",
                      "_cursor");
}

}  // namespace

std::string encode_cursor(const Cursor& cursor, std::string_view signature) {
  nlohmann::json values = nlohmann::json::array();
  for (const auto& v : cursor.values) values.push_back(v ? nlohmann::json(*v) : nlohmann::json());
  nlohmann::json j = {
      {"b", cursor.backward}, {"v", std::move(values)}, {"r", cursor.rid}, {"s", std::string(signature)}};
  if (cursor.snapshot != 0) {
    j["n"] = cursor.snapshot;
    j["p"] = cursor.position;
  }
  return base64url(j.dump());
}

Cursor decode_cursor(std::string_view text, std::string_view signature, std::size_t value_count) {
  if (text.empty() || text.size() > kMaxCursor) bad_cursor();
  auto bytes = from_base64url(text);
  if (!bytes) bad_cursor();
  const auto j = nlohmann::json::parse(*bytes, nullptr, false);
  if (j.is_discarded() || !j.is_object()) bad_cursor();
  const auto b = j.find("b"), v = j.find("v"), r = j.find("r"), s = j.find("s");
  const auto n = j.find("n"), p = j.find("p");
  const bool snapshot = n != j.end();
  if (b == j.end() || !b->is_boolean() || v == j.end() || !v->is_array() || r == j.end() ||
      !r->is_number_integer() || s == j.end() || !s->is_string() || s->get<std::string>() != signature ||
      v->size() != (snapshot ? 0 : value_count) ||
      (snapshot && (!n->is_number_integer() || p == j.end() || !p->is_number_integer()))) {
    bad_cursor();
  }
  Cursor c;
  c.backward = b->get<bool>();
  c.rid = r->get<std::int64_t>();
  if (snapshot) {
    c.snapshot = n->get<std::int64_t>();
    c.position = p->get<std::int64_t>();
    if (c.snapshot <= 0) bad_cursor();
  }
  for (const auto& value : *v) {
    if (value.is_null()) {
      c.values.emplace_back();
    } else if (value.is_string()) {
      c.values.emplace_back(value.get<std::string>());
    } else {
      bad_cursor();
    }
  }
  return c;
}

}  // namespace carnet::store::pg
