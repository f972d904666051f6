// _text and _content (http://hl7.org/fhir/R4/search.html#text): plain text
// for full-text matching, normalized like string values.

#include "search/extract_text.hpp"

#include <cstdint>

#include "carnet/search/extractor.hpp"

namespace carnet::search::detail {
namespace {

void append_utf8(std::uint32_t cp, std::string& out) {
  if (cp == 0 || cp > 0x10FFFF) return;
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// Decodes the reference `entity` (between '&' and ';'); false when unknown.
bool decode_entity(std::string_view entity, std::string& out) {
  if (entity == "amp")
    out.push_back('&');
  else if (entity == "lt")
    out.push_back('<');
  else if (entity == "gt")
    out.push_back('>');
  else if (entity == "quot")
    out.push_back('"');
  else if (entity == "apos")
    out.push_back('\'');
  else if (entity == "nbsp")
    out.push_back(' ');
  else if (entity.size() > 1 && entity[0] == '#') {
    const bool hex = entity[1] == 'x' || entity[1] == 'X';
    std::uint32_t cp = 0;
    std::string_view digits = entity.substr(hex ? 2 : 1);
    if (digits.empty() || digits.size() > 7) return false;
    for (char c : digits) {
      int d = c >= '0' && c <= '9'          ? c - '0'
              : hex && c >= 'a' && c <= 'f' ? c - 'a' + 10
              : hex && c >= 'A' && c <= 'F' ? c - 'A' + 10
                                            : -1;
      if (d < 0) return false;
      cp = cp * (hex ? 16u : 10u) + static_cast<std::uint32_t>(d);
    }
    append_utf8(cp, out);
  } else {
    return false;
  }
  return true;
}

void append_word(std::string_view normalized, std::string& out) {
  if (normalized.empty() || out.size() + normalized.size() + 1 > kMaxContentBytes) return;
  if (!out.empty()) out.push_back(' ');
  out.append(normalized);
}

void collect(const core::Json& node, std::string_view key, std::string& out) {
  if (out.size() >= kMaxContentBytes) return;
  if (node.is_string()) {
    const std::string& s = node.get_ref<const std::string&>();
    if (key == "div") {
      append_word(normalize_string(narrative_text(s)), out);
    } else if (key != "data" && key != "resourceType") {  // data: base64 (Attachment, Binary)
      append_word(normalize_string(s), out);
    }
  } else if (node.is_object()) {
    for (auto it = node.begin(); it != node.end(); ++it) collect(it.value(), it.key(), out);
  } else if (node.is_array()) {
    for (const core::Json& item : node) collect(item, key, out);
  }
}

}  // namespace

std::string narrative_text(std::string_view xhtml) {
  std::string out;
  out.reserve(xhtml.size());
  std::size_t i = 0;
  while (i < xhtml.size()) {
    const char c = xhtml[i];
    if (c == '<') {
      const std::size_t close = xhtml.find('>', i);
      if (close == std::string_view::npos) break;
      out.push_back(' ');  // <td>a</td><td>b</td> are two words
      i = close + 1;
    } else if (c == '&') {
      const std::size_t semicolon = xhtml.find(';', i);
      if (semicolon != std::string_view::npos && semicolon - i <= 10 &&
          decode_entity(xhtml.substr(i + 1, semicolon - i - 1), out)) {
        i = semicolon + 1;
      } else {
        out.push_back('&');
        ++i;
      }
    } else {
      out.push_back(c);
      ++i;
    }
  }
  return out;
}

std::string content_text(const core::Json& resource, std::string_view missing_id) {
  std::string out;
  if (!missing_id.empty()) append_word(normalize_string(missing_id), out);
  collect(resource, {}, out);
  return out;
}

}  // namespace carnet::search::detail
