#include "carnet/service/fhir_service.hpp"

#include "carnet/core/error.hpp"

namespace carnet::service {

namespace {
// AuditEvents are made by the server alone (ARCHITECTURE.md: the trail is append-only).
constexpr std::string_view kAuditType = "AuditEvent";
}  // namespace

namespace {
// What every interaction's audit record says before it is served.
void note_interaction(const Interaction& in, core::AccessRecord& audit) {
  audit.interaction = interaction_code(in.kind);
  audit.action = audit_action(in.kind);
  audit.entity_type = in.type;
  audit.entity_id = in.id;
  if (!in.query.empty()) audit.query = in.query;
}
}  // namespace

Reply FhirService::handle(const Request& r, Context& c) {
  const auto& in = r.interaction;
  note_interaction(in, c.audit);

  if (in.type == kAuditType) {
    switch (in.kind) {
      case Kind::read: return read_audit(r, c);
      // The trail is listed, not searched: AuditEvent rows have no search index.
      case Kind::search_type: return search_audit(r, c);
      default:
        throw core::method_not_allowed(
            "AuditEvent supports read and search only: the server writes the trail, which has no versions");
    }
  }
  switch (in.kind) {
    case Kind::read: return read(r, c);
    case Kind::vread: return vread(r, c);
    case Kind::create: return create(r, c);
    case Kind::update: return update(r, c);
    case Kind::remove: return remove(r, c);
    case Kind::history_instance:
    case Kind::history_type:
    case Kind::history_system: return history(r, c);
    case Kind::capabilities: return capabilities(r);
    case Kind::patch: throw core::method_not_allowed("PATCH is not supported yet");
    case Kind::search_type:
    case Kind::search_system:
    case Kind::search_compartment: return search(r, c);
    case Kind::batch:
      throw core::Error(400, {core::Issue{core::Severity::error,
                                          "not-supported",
                                          "Batch and transaction Bundles are not supported yet",
                                          {}}});
    case Kind::operation: return operation(r, c);
  }
  throw core::internal("unhandled interaction kind");
}

void FhirService::handle_async(const Request& r, Context& c, Finished finished) {
  if (r.interaction.kind == Kind::create && r.interaction.type != kAuditType) {
    note_interaction(r.interaction, c.audit);
    return create_async(r, c, std::move(finished));
  }
  finished(handle(r, c), nullptr);
}

void FhirService::finish_audit(Context& c) {
  if (c.audited) return;
  trail_.record(c.audit);
  c.audited = true;
}

void FhirService::finish_audit_async(Context& c, audit::Trail::Committed committed) {
  if (c.audited) return committed(nullptr);
  trail_.record_async(std::move(c.audit), std::move(committed));
}

}  // namespace carnet::service
