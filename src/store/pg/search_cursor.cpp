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

// A carried snapshot: its rids as the differences between neighbours,
// zigzag varints (a patient's resources are often close in rid order, so most
// take one or two bytes), base64url after the JSON part and a '.'.
std::string encode_rids(const std::vector<std::int64_t>& rids) {
  std::string bytes;
  std::int64_t previous = 0;
  for (auto rid : rids) {
    const auto delta = static_cast<std::uint64_t>(rid) - static_cast<std::uint64_t>(previous);
    auto zigzag = (delta << 1) ^ (static_cast<std::int64_t>(delta) < 0 ? ~std::uint64_t{0} : 0);
    while (zigzag >= 0x80) {
      bytes.push_back(static_cast<char>((zigzag & 0x7F) | 0x80));
      zigzag >>= 7;
    }
    bytes.push_back(static_cast<char>(zigzag));
    previous = rid;
  }
  return base64url(bytes);
}

std::optional<std::vector<std::int64_t>> decode_rids(std::string_view text) {
  const auto bytes = from_base64url(text);
  if (!bytes) return std::nullopt;
  std::vector<std::int64_t> out;
  std::uint64_t value = 0;
  int shift = 0;
  std::int64_t previous = 0;
  for (unsigned char c : *bytes) {
    if (shift > 63) return std::nullopt;
    value |= static_cast<std::uint64_t>(c & 0x7F) << shift;
    if (c & 0x80) {
      shift += 7;
      continue;
    }
    const auto delta = (value >> 1) ^ (~(value & 1) + 1);
    previous = static_cast<std::int64_t>(static_cast<std::uint64_t>(previous) + delta);
    out.push_back(previous);
    value = 0;
    shift = 0;
  }
  if (shift != 0) return std::nullopt;  // cut in the middle of a number
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
  if (cursor.snapshot != 0) j["n"] = cursor.snapshot;
  if (cursor.in_snapshot()) j["p"] = cursor.position;
  std::string out = base64url(j.dump());
  if (!cursor.rids.empty()) out += "." + encode_rids(cursor.rids);
  return out;
}

bool carries_snapshot(std::string_view text) {
  return text.find('.') != std::string_view::npos;
}

std::size_t carried_size(const std::vector<std::int64_t>& rids) {
  return encode_rids(rids).size();
}

Cursor decode_cursor(std::string_view text, std::string_view signature, std::size_t value_count) {
  if (text.empty() || text.size() > kMaxCursor) bad_cursor();
  std::vector<std::int64_t> carried;
  if (const auto dot = text.find('.'); dot != std::string_view::npos) {
    auto rids = decode_rids(text.substr(dot + 1));
    if (!rids || rids->empty() || rids->size() > kMaxCarriedRids) bad_cursor();
    carried = std::move(*rids);
    text = text.substr(0, dot);
  }
  auto bytes = from_base64url(text);
  if (!bytes) bad_cursor();
  const auto j = nlohmann::json::parse(*bytes, nullptr, false);
  if (j.is_discarded() || !j.is_object()) bad_cursor();
  const auto b = j.find("b"), v = j.find("v"), r = j.find("r"), s = j.find("s");
  const auto n = j.find("n"), p = j.find("p");
  const bool stored = n != j.end(), snapshot = stored || !carried.empty();
  if (b == j.end() || !b->is_boolean() || v == j.end() || !v->is_array() || r == j.end() ||
      !r->is_number_integer() || s == j.end() || !s->is_string() || s->get<std::string>() != signature ||
      v->size() != (snapshot ? 0 : value_count) ||
      (stored && (!carried.empty() || !n->is_number_integer())) ||
      (snapshot && (p == j.end() || !p->is_number_integer()))) {
    bad_cursor();
  }
  Cursor c;
  c.backward = b->get<bool>();
  c.rid = r->get<std::int64_t>();
  if (snapshot) {
    c.position = p->get<std::int64_t>();
    c.rids = std::move(carried);
    if (stored) {
      c.snapshot = n->get<std::int64_t>();
      if (c.snapshot <= 0) bad_cursor();
    }
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
