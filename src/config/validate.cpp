#include "config/validate.hpp"

#include <array>
#include <initializer_list>
#include <string>
#include <string_view>

#include "config/table_reader.hpp"

namespace carnet::config::detail {
namespace {

// spdlog's level names (spdlog::level::from_str), so the value maps 1:1.
constexpr std::array<std::string_view, 7> kLogLevels = {"trace", "debug",    "info", "warn",
                                                        "error", "critical", "off"};

bool starts_with_any(std::string_view s, std::initializer_list<std::string_view> prefixes) {
  for (const auto p : prefixes) {
    if (s.starts_with(p)) return true;
  }
  return false;
}

void validate_server(ServerConfig& server, const std::string& origin) {
  bool known_level = false;
  for (const auto level : kLogLevels) known_level = known_level || server.log_level == level;
  if (!known_level) {
    fail(origin, "server.log_level",
         "must be one of trace, debug, info, warn, error, critical, off, got \"" + server.log_level + "\"");
  }

  std::string& url = server.base_url;
  if (!url.empty()) {
    if (!starts_with_any(url, {"http://", "https://"})) {
      fail(origin, "server.base_url", "must start with http:// or https://, got \"" + url + "\"");
    }
    // Links are built as base_url + "/Patient/123": a trailing slash would double it.
    while (url.ends_with('/')) url.pop_back();
    if (url.ends_with(':') || url.find("://") + 3 >= url.size()) {
      fail(origin, "server.base_url", "has no host");
    }
    if (url.find_first_of("?# ") != std::string::npos) {
      fail(origin, "server.base_url", "must not contain a query, a fragment or spaces");
    }
  }
  if (server.data_dir.empty()) fail(origin, "server.data_dir", "must not be empty");
  if (server.schemas_dir.empty()) fail(origin, "server.schemas_dir", "must not be empty");
}

void validate_listeners(const Config& config, const std::string& origin) {
  if (config.http.enabled && config.http.host.empty()) fail(origin, "http.host", "must not be empty");
  if (config.https.enabled && config.https.host.empty()) fail(origin, "https.host", "must not be empty");
  if (config.http.enabled && config.https.enabled && config.http.port != 0 &&
      config.http.port == config.https.port && config.http.host == config.https.host) {
    fail(origin, "https.port", "is the same as http.port (" + std::to_string(config.http.port) + ")");
  }
  if (config.https.enabled) {
    // Both empty means "generate a development certificate"; one alone is a mistake.
    const bool has_cert = !config.tls.certificate.empty();
    const bool has_key = !config.tls.private_key.empty();
    if (has_cert && !has_key) {
      fail(origin, "tls.private_key", "must be set when tls.certificate is set");
    }
    if (has_key && !has_cert) {
      fail(origin, "tls.certificate", "must be set when tls.private_key is set");
    }
  }
}

void validate_database(const DatabaseConfig& database, const std::string& origin) {
  const std::string& url = database.url;
  // libpq takes a URI or a keyword=value string
  // (https://www.postgresql.org/docs/15/libpq-connect.html#LIBPQ-CONNSTRING).
  if (!url.empty() && !starts_with_any(url, {"postgresql://", "postgres://"}) &&
      url.find('=') == std::string::npos) {
    fail(origin, "database.url", "must be a postgresql:// URI or a libpq keyword=value string");
  }
}

}  // namespace

void validate(Config& config, const std::string& origin) {
  validate_server(config.server, origin);
  validate_listeners(config, origin);
  validate_database(config.database, origin);
}

}  // namespace carnet::config::detail
