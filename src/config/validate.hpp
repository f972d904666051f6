#pragma once
/// Private to the config module: the checks that involve more than one key or
/// more than a type and a range.

#include <string>

#include "carnet/config/config.hpp"

namespace carnet::config::detail {

/// Checks cross-key rules (TLS pairs, distinct listener ports) and value
/// formats (log level, base URL, database URL). May normalise `config`
/// (a trailing '/' of server.base_url is removed). Throws ConfigError naming
/// `origin` and the dotted key.
void validate(Config& config, const std::string& origin);

}  // namespace carnet::config::detail
