#include "service/bundle_text.hpp"

#include "carnet/core/clock.hpp"
#include "carnet/core/id.hpp"
#include "carnet/core/json.hpp"

namespace carnet::service {

BundleText::BundleText(std::string type) : type_(std::move(type)) {}

void BundleText::link(const std::string& relation, const std::string& url) {
  if (!links_.empty()) links_.push_back(',');
  // Appends, not `"{" + ...` temporaries: cheaper, and GCC 12 warns falsely
  // (-Wstringop-overflow) on literal + std::string chains.
  links_.push_back('{');
  links_ += json_member("relation", relation);
  links_.push_back(',');
  links_ += json_member("url", url);
  links_.push_back('}');
}

void BundleText::entry(const std::string& full_url, const std::string& resource, const std::string& tail) {
  if (!entries_.empty()) entries_.push_back(',');
  entries_.push_back('{');
  if (!full_url.empty()) entries_ += json_member("fullUrl", full_url);
  if (!resource.empty()) {
    if (!full_url.empty()) entries_.push_back(',');
    entries_ += "\"resource\":";
    entries_ += resource;
  }
  if (!tail.empty()) {
    if (!full_url.empty() || !resource.empty()) entries_.push_back(',');
    entries_ += tail;
  }
  entries_.push_back('}');
}

std::string BundleText::finish() const {
  // The entries are most of the text (hundreds of KB for a page with its
  // includes): copied once, into a string allocated once.
  constexpr std::size_t kHead = 256;  // resourceType, id, meta, type, total
  std::string out;
  out.reserve(kHead + links_.size() + entries_.size());
  out += "{\"resourceType\":\"Bundle\",";
  out += json_member("id", core::new_uuid());
  out += ",\"meta\":{";
  out += json_member("lastUpdated", core::to_fhir_instant(core::now()));
  out += "},";
  out += json_member("type", type_);
  if (total_) {
    out += ",\"total\":";
    out += std::to_string(*total_);
  }
  if (!links_.empty()) {
    out += ",\"link\":[";
    out += links_;
    out.push_back(']');
  }
  if (!entries_.empty()) {
    out += ",\"entry\":[";
    out += entries_;
    out.push_back(']');
  }
  out.push_back('}');
  return out;
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
