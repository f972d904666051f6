#include "carnet/service/interaction.hpp"

namespace carnet::service {

const char* interaction_code(Kind kind) noexcept {
  switch (kind) {
    case Kind::read: return "read";
    case Kind::vread: return "vread";
    case Kind::update: return "update";
    case Kind::patch: return "patch";
    case Kind::remove: return "delete";
    case Kind::create: return "create";
    case Kind::search_type: return "search-type";
    case Kind::search_system: return "search-system";
    case Kind::search_compartment: return "search-type";
    case Kind::history_instance: return "history-instance";
    case Kind::history_type: return "history-type";
    case Kind::history_system: return "history-system";
    case Kind::capabilities: return "capabilities";
    case Kind::batch: return "transaction";
    case Kind::operation: return "operation";
  }
  return "operation";
}

char audit_action(Kind kind) noexcept {
  switch (kind) {
    case Kind::create: return 'C';
    case Kind::update:
    case Kind::patch: return 'U';
    case Kind::remove: return 'D';
    case Kind::batch:
    case Kind::operation: return 'E';
    default: return 'R';
  }
}

const std::string* Interaction::param(std::string_view name) const {
  for (const auto& [k, v] : params)
    if (k == name) return &v;
  return nullptr;
}

}  // namespace carnet::service
