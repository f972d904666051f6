#include "carnet/core/json.hpp"

#include <cstdio>
#include <utility>
#include <vector>

#include "carnet/core/error.hpp"

namespace carnet::core {
namespace {

// SAX handler building an ordered_json tree; mirrors nlohmann's own DOM builder
// but keeps the text of floating-point numbers and refuses duplicates and depth.
class ExactBuilder {
 public:
  using number_integer_t = Json::number_integer_t;
  using number_unsigned_t = Json::number_unsigned_t;
  using number_float_t = Json::number_float_t;
  using string_t = Json::string_t;
  using binary_t = Json::binary_t;

  ExactBuilder(Json& root, std::size_t max_depth) : root_(root), max_depth_(max_depth) {}

  bool null() { return put(Json(nullptr)); }
  bool boolean(bool v) { return put(Json(v)); }
  bool number_integer(number_integer_t v) { return put(Json(v)); }
  bool number_unsigned(number_unsigned_t v) { return put(Json(v)); }
  bool number_float(number_float_t, const string_t& text) { return put(make_decimal(text)); }
  bool string(string_t& v) { return put(Json(std::move(v))); }
  bool binary(binary_t&) { return false; }

  bool start_object(std::size_t) { return open(Json::object()); }
  bool end_object() { return close(); }
  bool start_array(std::size_t) { return open(Json::array()); }
  bool end_array() { return close(); }

  bool key(string_t& k) {
    ++keys_seen_;
    Json& obj = *stack_.back();
    if (obj.contains(k)) {
      error_ = "duplicate property '" + k + "'";
      failed_key_ = keys_seen_;
      return false;
    }
    obj[k] = nullptr;
    pending_ = &obj[k];
    return true;
  }

  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception& ex) {
    error_ = ex.what();
    // nlohmann prefixes "[json.exception.parse_error.101] "; keep the readable
    // part, and drop its "; last read: '...'" echo of the body, which may hold
    // patient data (diagnostics reach the audit trail).
    if (auto pos = error_.find("] "); pos != std::string::npos) error_ = error_.substr(pos + 2);
    if (auto pos = error_.find("; last read"); pos != std::string::npos) error_.erase(pos);
    if (auto pos = error_.find(" parsing '"); pos != std::string::npos)
      error_.erase(pos);  // "number overflow parsing '<text>'"
    return false;
  }

  const std::string& error() const { return error_; }
  /// 1-based index (in document order) of the duplicate key, 0 if none.
  std::size_t failed_key() const { return failed_key_; }
  /// True when the parse stopped on the depth limit.
  bool too_deep() const { return too_deep_; }

 private:
  Json* slot() {
    if (stack_.empty()) return &root_;
    Json& top = *stack_.back();
    if (top.is_array()) {
      top.push_back(nullptr);
      return &top.back();
    }
    return pending_;
  }
  bool put(Json&& v) {
    *slot() = std::move(v);
    return true;
  }
  bool open(Json&& v) {
    if (stack_.size() >= max_depth_) {
      error_ = "nesting deeper than " + std::to_string(max_depth_) + " levels";
      too_deep_ = true;
      return false;
    }
    Json* s = slot();
    *s = std::move(v);
    stack_.push_back(s);
    return true;
  }
  bool close() {
    stack_.pop_back();
    return true;
  }

  Json& root_;
  std::size_t max_depth_;
  std::vector<Json*> stack_;
  Json* pending_ = nullptr;
  std::string error_;
  std::size_t keys_seen_ = 0;
  std::size_t failed_key_ = 0;
  bool too_deep_ = false;
};

// The SAX interface gives no positions: rescan the text to find where the
// n-th object key (or the first container deeper than max_depth) starts.
std::string position_of(std::string_view text, std::size_t nth_key, std::size_t max_depth) {
  std::size_t line = 1, column = 0, keys = 0, depth = 0;
  bool in_string = false, escaped = false;
  std::size_t string_line = 0, string_column = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    ++column;
    if (c == '\n') {
      ++line;
      column = 0;
    }
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
        std::size_t j = text.find_first_not_of(" \t\r\n", i + 1);
        if (j != std::string_view::npos && text[j] == ':' && ++keys == nth_key) {
          return "line " + std::to_string(string_line) + ", column " + std::to_string(string_column);
        }
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
      string_line = line;
      string_column = column;
    } else if (c == '{' || c == '[') {
      if (++depth > max_depth && nth_key == 0) {
        return "line " + std::to_string(line) + ", column " + std::to_string(column);
      }
    } else if (c == '}' || c == ']') {
      --depth;
    }
  }
  return "an unknown position";
}

void newline(std::string& out, int indent, int level) {
  if (indent < 0) return;
  out.push_back('\n');
  out.append(static_cast<std::size_t>(indent * level), ' ');
}

void write(std::string& out, const Json& v, int indent, int level) {
  switch (v.type()) {
    case Json::value_t::object: {
      if (v.empty()) {
        out += "{}";
        return;
      }
      out.push_back('{');
      bool first = true;
      for (auto it = v.begin(); it != v.end(); ++it) {
        if (!first) out.push_back(',');
        first = false;
        newline(out, indent, level + 1);
        append_json_string(out, it.key());
        out += indent < 0 ? ":" : ": ";
        write(out, it.value(), indent, level + 1);
      }
      newline(out, indent, level);
      out.push_back('}');
      return;
    }
    case Json::value_t::array: {
      if (v.empty()) {
        out += "[]";
        return;
      }
      out.push_back('[');
      bool first = true;
      for (const auto& e : v) {
        if (!first) out.push_back(',');
        first = false;
        newline(out, indent, level + 1);
        write(out, e, indent, level + 1);
      }
      newline(out, indent, level);
      out.push_back(']');
      return;
    }
    case Json::value_t::string: append_json_string(out, v.get_ref<const std::string&>()); return;
    case Json::value_t::binary: {
      const auto& bin = v.get_binary();
      if (bin.has_subtype() && bin.subtype() == kDecimalSubtype) {
        out.append(bin.begin(), bin.end());
      } else {
        out += "null";  // no other binary values are ever created
      }
      return;
    }
    default: out += v.dump(); return;
  }
}

}  // namespace

Json parse_json(std::string_view text, std::size_t max_depth) {
  if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    throw invalid_structure("The request body is empty; a JSON resource was expected");
  }
  Json root;
  ExactBuilder builder(root, max_depth);
  bool ok = Json::sax_parse(text.begin(), text.end(), &builder, nlohmann::detail::input_format_t::json,
                            /*strict=*/true);
  if (!ok) {
    if (builder.failed_key() != 0 || builder.too_deep()) {
      throw invalid_structure("Invalid JSON at " + position_of(text, builder.failed_key(), max_depth) + ": " +
                              builder.error());
    }
    throw invalid_structure("Invalid JSON: " + builder.error());
  }
  return root;
}

std::string to_json_text(const Json& value, int indent) {
  std::string out;
  out.reserve(256);
  write(out, value, indent, 0);
  return out;
}

void append_json_text(std::string& out, const Json& value, int indent) {
  write(out, value, indent, 0);
}

bool is_decimal(const Json& value) noexcept {
  return value.is_binary() && value.get_binary().has_subtype() &&
         value.get_binary().subtype() == kDecimalSubtype;
}

Json make_decimal(std::string_view text) {
  return Json::binary(std::vector<std::uint8_t>(text.begin(), text.end()), kDecimalSubtype);
}

std::string number_text(const Json& value) {
  if (is_decimal(value)) {
    const auto& bin = value.get_binary();
    return std::string(bin.begin(), bin.end());
  }
  if (value.is_number()) return value.dump();
  return {};
}

void append_json_string(std::string& out, std::string_view text) {
  out.push_back('"');
  append_json_escaped(out, text);
  out.push_back('"');
}

void append_json_escaped(std::string& out, std::string_view text) {
  // Runs that need no escape (ids, URLs, codes: nearly all text) are
  // appended whole.
  std::size_t run = 0;
  while (run < text.size()) {
    std::size_t end = run;
    while (end < text.size()) {
      const auto c = static_cast<unsigned char>(text[end]);
      if (c < 0x20 || c == '"' || c == '\\') break;
      ++end;
    }
    out.append(text.substr(run, end - run));
    if (end == text.size()) return;
    run = end + 1;
    const auto c = static_cast<unsigned char>(text[end]);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      default: {
        char buf[8];
        std::snprintf(buf, sizeof buf, "\\u%04x", c);
        out += buf;
      }
    }
  }
}

}  // namespace carnet::core
