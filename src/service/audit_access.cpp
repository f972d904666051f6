// Reading the audit trail: GET [base]/AuditEvent and GET [base]/AuditEvent/[id].
// Reading it is itself audited (by the caller, like every request).
#include <charconv>

#include "carnet/audit/audit_event.hpp"
#include "carnet/core/error.hpp"
#include "carnet/service/fhir_service.hpp"
#include "service/bundle_text.hpp"
#include "service/paging.hpp"

namespace carnet::service {

Reply FhirService::read_audit(const Request& r, Context& c) {
  const auto& id = r.interaction.id;
  std::int64_t seq = 0;
  auto [p, ec] = std::from_chars(id.data(), id.data() + id.size(), seq);
  std::optional<store::StoredAccess> row;
  if (ec == std::errc() && p == id.data() + id.size()) row = store_.read_audit(seq);
  if (!row) throw core::not_found("AuditEvent/" + id + " is not known");
  c.audit.patient = row->record.patient;
  Reply reply;
  reply.body = core::to_json_text(audit::to_audit_event(row->seq, row->record));
  return reply;
}

Reply FhirService::search_audit(const Request& r, Context&) {
  const auto& in = r.interaction;
  for (const auto& [name, value] : in.params) {
    if (name != "_count" && name != kCursorParam && name != "_format" && name != "_pretty") {
      throw core::Error(
          400, {core::Issue{core::Severity::error, "not-supported",
                            "Search parameter '" + name + "' is not supported on AuditEvent yet", name}});
    }
  }
  auto paging = read_paging(in);
  auto rows = store_.list_audit(paging.count, paging.before);
  bool more = rows.size() > paging.count;
  if (more) rows.resize(paging.count);

  std::string path = r.base_url + "/AuditEvent";
  BundleText bundle("searchset");
  bundle.total(store_.count_audit());
  std::string self_query =
      link_query(in, paging.before ? std::string(kCursorParam) + "=" + std::to_string(*paging.before) : "");
  bundle.link("self", self_query.empty() ? path : path + "?" + self_query);
  if (more && !rows.empty()) {
    bundle.link(
        "next",
        path + "?" + link_query(in, std::string(kCursorParam) + "=" + std::to_string(rows.back().seq)));
  }
  for (const auto& row : rows) {
    bundle.entry(path + "/" + std::to_string(row.seq),
                 core::to_json_text(audit::to_audit_event(row.seq, row.record)),
                 "\"search\":{\"mode\":\"match\"}");
  }
  Reply reply;
  reply.body = bundle.finish();
  return reply;
}

}  // namespace carnet::service
