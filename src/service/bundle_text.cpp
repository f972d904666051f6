#include "service/bundle_text.hpp"

#include <stdexcept>

#include "carnet/core/clock.hpp"
#include "carnet/core/id.hpp"
#include "carnet/core/json.hpp"

namespace carnet::service {

BundleText::BundleText(std::string type) : type_(std::move(type)) {}

void BundleText::total(std::int64_t n) {
  if (entries_open_) throw std::logic_error("BundleText: total() after the first entry");
  total_ = n;
}

void BundleText::link(const std::string& relation, const std::string& url) {
  if (entries_open_) throw std::logic_error("BundleText: link() after the first entry");
  if (!links_.empty()) links_.push_back(',');
  // Appends, not `"{" + ...` temporaries: cheaper, and GCC 12 warns falsely
  // (-Wstringop-overflow) on literal + std::string chains.
  links_.push_back('{');
  links_ += json_member("relation", relation);
  links_.push_back(',');
  links_ += json_member("url", url);
  links_.push_back('}');
}

void BundleText::open_entries() {
  constexpr std::size_t kHead = 256;  // resourceType, id, meta, type, total
  text_.reserve(kHead + links_.size() + entry_bytes_);
  text_ += "{\"resourceType\":\"Bundle\",";
  text_ += json_member("id", core::new_uuid());
  text_ += ",\"meta\":{";
  text_ += json_member("lastUpdated", core::to_fhir_instant(core::now()));
  text_ += "},";
  text_ += json_member("type", type_);
  if (total_) {
    text_ += ",\"total\":";
    text_ += std::to_string(*total_);
  }
  if (!links_.empty()) {
    text_ += ",\"link\":[";
    text_ += links_;
    text_.push_back(']');
  }
  entries_open_ = true;
}

void BundleText::entry(std::string_view full_url, std::string_view resource, std::string_view tail) {
  if (!entries_open_) {
    open_entries();
    text_ += ",\"entry\":[{";
  } else {
    text_ += ",{";
  }
  if (!full_url.empty()) {
    text_ += "\"fullUrl\":";
    core::append_json_string(text_, full_url);
  }
  close_entry(resource, tail, !full_url.empty());
}

void BundleText::entry(std::string_view base, std::string_view type, std::string_view id,
                       std::string_view resource, std::string_view tail) {
  if (!entries_open_) {
    open_entries();
    text_ += ",\"entry\":[{";
  } else {
    text_ += ",{";
  }
  text_ += "\"fullUrl\":\"";
  core::append_json_escaped(text_, base);
  text_.push_back('/');
  core::append_json_escaped(text_, type);
  text_.push_back('/');
  core::append_json_escaped(text_, id);
  text_.push_back('"');
  close_entry(resource, tail, true);
}

void BundleText::close_entry(std::string_view resource, std::string_view tail, bool has_url) {
  if (!resource.empty()) {
    if (has_url) text_.push_back(',');
    text_ += "\"resource\":";
    text_ += resource;
  }
  if (!tail.empty()) {
    if (has_url || !resource.empty()) text_.push_back(',');
    text_ += tail;
  }
  text_.push_back('}');
}

std::string BundleText::finish() {
  if (finished_) throw std::logic_error("BundleText: finish() called twice");
  finished_ = true;
  if (entries_open_) {
    text_.push_back(']');
  } else {
    open_entries();  // no entry: the head alone
  }
  text_.push_back('}');
  return std::move(text_);
}

std::string json_member(const std::string& key, const std::string& value) {
  std::string out;
  core::append_json_string(out, key);
  out.push_back(':');
  core::append_json_string(out, value);
  return out;
}

std::string url_encode(const std::string& value) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : value) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
        c == '_' || c == '~' || c == ':' || c == '/' || c == ',' || c == '$' || c == '@') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

}  // namespace carnet::service
