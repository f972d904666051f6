// read and vread: http://hl7.org/fhir/R4/http.html#read
#include "carnet/core/error.hpp"
#include "carnet/service/fhir_service.hpp"
#include "service/resource_text.hpp"
#include "service/summary.hpp"

namespace carnet::service {

namespace {

// _summary and _elements on read (http.html#read, search.html#summary).
std::string subset_for(const Interaction& in, const std::string& body, const fhir::Model& model) {
  search::Summary summary = search::Summary::none;
  if (const auto* s = in.param("_summary")) {
    if (*s == "true")
      summary = search::Summary::yes;
    else if (*s == "text")
      summary = search::Summary::text;
    else if (*s == "data")
      summary = search::Summary::data;
    else if (*s != "false")
      throw core::invalid("_summary on read takes true, text, data or false", "_summary");
  }
  std::vector<std::string> elements;
  for (const auto& [name, value] : in.params) {
    if (name != "_elements") continue;
    std::size_t start = 0;
    while (start <= value.size()) {
      auto comma = value.find(',', start);
      std::string element =
          value.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
      if (!element.empty()) elements.push_back(std::move(element));
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
  }
  return subsets(summary, elements) ? subset_resource(body, summary, elements, model) : body;
}

Reply version_reply(const store::StoredVersion& v, const Interaction& in, const fhir::Model& model) {
  Reply reply;
  reply.etag = etag(v.info.version);
  reply.last_modified = core::to_http_date(v.info.last_updated);
  reply.body = subset_for(in, v.body, model);
  return reply;
}

// A read of a deleted version is 410 Gone, with an OperationOutcome naming the deletion version.
core::Error deleted(const store::StoredVersion& v) {
  auto error = core::gone(v.info.type + "/" + v.info.id + " was deleted (version " +
                          std::to_string(v.info.version) + ")");
  error.with_header("ETag", etag(v.info.version))
      .with_header("Last-Modified", core::to_http_date(v.info.last_updated));
  return error;
}

}  // namespace

Reply FhirService::read(const Request& r, Context& c) {
  const auto& in = r.interaction;
  auto v = store_.read(in.type, in.id);
  if (!v) throw core::not_found(in.type + "/" + in.id + " is not known");
  c.audit.entity_version = v->info.version;
  c.audit.patient = v->patient;
  if (v->info.deleted) throw deleted(*v);
  // Conditional read (If-None-Match): 304 when the client has the current version.
  if (r.if_none_match) {
    auto seen = parse_etag(*r.if_none_match, "If-None-Match");
    if (!seen || *seen == v->info.version) {
      Reply not_modified;
      not_modified.status = 304;
      not_modified.etag = etag(v->info.version);
      return not_modified;
    }
  }
  return version_reply(*v, in, *model_);
}

Reply FhirService::vread(const Request& r, Context& c) {
  const auto& in = r.interaction;
  auto v = store_.read_version(in.type, in.id, *in.version);
  c.audit.entity_version = in.version;
  if (!v) {
    throw core::not_found(in.type + "/" + in.id + " has no version " + std::to_string(*in.version));
  }
  c.audit.patient = v->patient;
  if (v->info.deleted) throw deleted(*v);
  return version_reply(*v, in, *model_);
}

}  // namespace carnet::service
