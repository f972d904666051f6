// history at instance, type and system level: http://hl7.org/fhir/R4/http.html#history
#include "carnet/core/error.hpp"
#include "carnet/service/fhir_service.hpp"
#include "service/bundle_text.hpp"
#include "service/paging.hpp"
#include "service/resource_text.hpp"

namespace carnet::service {

namespace {

const char* status_line(const store::StoredVersion& v) {
  if (v.method == "DELETE") return "204 No Content";
  return v.created ? "201 Created" : "200 OK";
}

std::string entry_tail(const store::StoredVersion& v) {
  const auto& i = v.info;
  std::string url = v.method == "POST" ? i.type : i.type + "/" + i.id;
  std::string tail = "\"request\":{" + json_member("method", v.method) + "," + json_member("url", url) + "},";
  tail += "\"response\":{" + json_member("status", status_line(v)) + "," +
          json_member("etag", etag(i.version)) + "," +
          json_member("lastModified", core::to_fhir_instant(i.last_updated)) + "}";
  return tail;
}

}  // namespace

Reply FhirService::history(const Request& r, Context& c) {
  const auto& in = r.interaction;
  for (const auto& [name, value] : in.params) {
    if (name != "_count" && name != "_since" && name != "_at" && name != kCursorParam && name != "_format" &&
        name != "_pretty") {
      throw core::invalid("Parameter '" + name + "' is not supported on history (use _count, _since, _at)",
                          name);
    }
  }
  store::HistoryQuery q;
  q.type = in.type;
  q.id = in.id;
  auto paging = read_paging(in);
  q.count = paging.count;
  q.before_seq = paging.before;
  if (const auto* since = in.param("_since")) {
    auto range = core::parse_fhir_date_range(*since);
    if (!range) throw core::invalid("_since must be a FHIR instant such as 2026-01-31T10:00:00Z", "_since");
    q.since = range->start;
  }
  if (const auto* at = in.param("_at")) {
    auto range = core::parse_fhir_date_range(*at);
    if (!range) throw core::invalid("_at must be a FHIR date or dateTime", "_at");
    q.at = range;
  }

  auto versions = store_.history(q);
  if (versions.empty() && !in.id.empty() && !store_.read(in.type, in.id)) {
    throw core::not_found(in.type + "/" + in.id + " is not known");
  }
  if (!in.id.empty() && !versions.empty()) c.audit.patient = versions.front().patient;

  std::string path = r.base_url;
  if (!in.type.empty()) path += "/" + in.type;
  if (!in.id.empty()) path += "/" + in.id;
  path += "/_history";

  BundleText bundle("history");
  std::string self_query = link_query(
      in, paging.before ? std::string(kCursorParam) + "=" + std::to_string(*paging.before) : std::string());
  bundle.link("self", self_query.empty() ? path : path + "?" + self_query);
  bool more = versions.size() > q.count;
  if (more) versions.resize(q.count);
  if (more && !versions.empty()) {
    bundle.link("next", path + "?" +
                            link_query(in, std::string(kCursorParam) + "=" +
                                               std::to_string(versions.back().info.seq)));
  }
  for (const auto& v : versions) {
    bundle.entry(r.base_url, v.info.type, v.info.id, v.body, entry_tail(v));
  }
  Reply reply;
  reply.body = bundle.finish();
  return reply;
}

}  // namespace carnet::service
