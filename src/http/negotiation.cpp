#include "http/negotiation.hpp"

#include <algorithm>
#include <cctype>

#include "carnet/core/error.hpp"

namespace carnet::http {

namespace {

std::string lower_trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

bool is_json_type(const std::string& mime) {
  return mime == "application/fhir+json" || mime == "application/json" || mime == "application/json+fhir";
}

bool is_xml_type(const std::string& mime) {
  return mime == "application/fhir+xml" || mime == "application/xml" || mime == "text/xml" ||
         mime == "application/xml+fhir";
}

// Splits "type/subtype; a=b; q=0.5" into the type and whether q > 0.
std::string media_type(std::string_view range, bool* acceptable) {
  auto semi = range.find(';');
  std::string type = lower_trim(range.substr(0, semi));
  *acceptable = true;
  while (semi != std::string_view::npos) {
    range.remove_prefix(semi + 1);
    semi = range.find(';');
    std::string param = lower_trim(range.substr(0, semi));
    if (param.starts_with("q=")) {
      std::string q = param.substr(2);
      *acceptable = !(q == "0" || q == "0.0" || q == "0.00" || q == "0.000");
    }
  }
  return type;
}

}  // namespace

void require_json_response(const HttpRequest& request, const std::vector<service::Param>& params) {
  for (const auto& [name, value] : params) {
    if (name != "_format") continue;
    std::string f = lower_trim(value);
    // An unencoded '+' in "_format=application/fhir+json" arrives as a space.
    if (auto sp = f.find(' '); sp != std::string::npos && f.starts_with("application/fhir ")) f[sp] = '+';
    bool ok = true;
    std::string type = media_type(f, &ok);
    if (type == "json" || is_json_type(type)) return;
    if (type == "xml" || is_xml_type(type)) {
      throw core::not_acceptable("XML is not supported by this server; use _format=json");
    }
    throw core::not_acceptable("_format '" + value + "' is not supported; use json");
  }
  const std::string* accept = request.header("accept");
  if (accept == nullptr || lower_trim(*accept).empty()) return;
  std::string_view rest = *accept;
  bool saw_xml = false;
  while (true) {
    auto comma = rest.find(',');
    bool acceptable = true;
    std::string type = media_type(rest.substr(0, comma), &acceptable);
    if (acceptable && (is_json_type(type) || type == "*/*" || type == "application/*")) return;
    if (is_xml_type(type)) saw_xml = true;
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  throw core::not_acceptable(saw_xml ? "XML is not supported by this server; accept application/fhir+json"
                                     : "The Accept header allows no format this server produces "
                                       "(application/fhir+json)");
}

BodyKind check_body_type(const HttpRequest& request, bool form_allowed) {
  const std::string* ct = request.header("content-type");
  if (ct == nullptr) {
    throw core::unsupported_media_type("A Content-Type header is required: application/fhir+json");
  }
  std::string_view v = *ct;
  auto semi = v.find(';');
  std::string type = lower_trim(v.substr(0, semi));
  while (semi != std::string_view::npos) {
    v.remove_prefix(semi + 1);
    semi = v.find(';');
    std::string param = lower_trim(v.substr(0, semi));
    if (param.starts_with("charset=") && param != "charset=utf-8" && param != "charset=\"utf-8\"") {
      throw core::unsupported_media_type("Only the UTF-8 charset is supported");
    }
  }
  if (is_json_type(type)) return BodyKind::fhir_json;
  if (form_allowed && type == "application/x-www-form-urlencoded") return BodyKind::form;
  if (is_xml_type(type)) {
    throw core::unsupported_media_type(
        "XML bodies are not supported by this server; send application/fhir+json");
  }
  throw core::unsupported_media_type("Content-Type '" + *ct +
                                     "' is not supported; send application/fhir+json");
}

bool wants_pretty(const std::vector<service::Param>& params) {
  for (const auto& [name, value] : params)
    if (name == "_pretty") return value == "true";
  return false;
}

}  // namespace carnet::http
