// create, update (including create-on-update) and delete:
// http://hl7.org/fhir/R4/http.html#create, #update, #delete
#include "carnet/core/error.hpp"
#include "carnet/core/id.hpp"
#include "carnet/fhir/outcome.hpp"
#include "carnet/search/extractor.hpp"
#include "carnet/service/fhir_service.hpp"
#include "service/reindex.hpp"
#include "service/resource_text.hpp"

namespace carnet::service {

namespace {

// What the reply to a write needs from its request.
struct WriteReplyTarget {
  std::string base_url;
  std::string prefer_return;
};

Reply write_reply(const WriteReplyTarget& target, store::WriteResult&& result) {
  const auto& info = result.stored.info;
  Reply reply;
  reply.status = result.created ? 201 : 200;
  reply.etag = etag(info.version);
  reply.last_modified = core::to_http_date(info.last_updated);
  reply.location = version_url(target.base_url, info);
  if (target.prefer_return == "minimal") {
    // no body
  } else if (target.prefer_return == "OperationOutcome") {
    reply.body = core::to_json_text(
        fhir::information_outcome(std::string(result.created ? "Created " : "Updated ") + info.type + "/" +
                                  info.id + " version " + std::to_string(info.version)));
  } else {
    reply.body = std::move(result.stored.body);
  }
  return reply;
}

void refuse_conditional_create(const Request& r) {
  if (r.if_none_exist) {
    throw core::Error(400, {core::Issue{core::Severity::error,
                                        "not-supported",
                                        "Conditional create (If-None-Exist) is not supported yet",
                                        {}}});
  }
}

}  // namespace

Reply FhirService::create(const Request& r, Context& c) {
  refuse_conditional_create(r);
  // The server assigns the id; an id in the body is ignored (R4 http.html#create).
  return write(r, c, core::new_uuid(), true);
}

void FhirService::create_async(const Request& r, Context& c, Finished finished) {
  refuse_conditional_create(r);
  core::Json resource;
  auto w = write_request(r, c, core::new_uuid(), true, resource);
  store_.create_async(
      std::move(w), c.audit,
      [&c, target = WriteReplyTarget{r.base_url, r.prefer_return}, finished = std::move(finished)](
          std::optional<store::WriteResult> result, std::exception_ptr error) {
        if (error) return finished(std::nullopt, error);
        c.audited = true;  // committed with the resource
        finished(write_reply(target, std::move(*result)), nullptr);
      });
}

Reply FhirService::update(const Request& r, Context& c) {
  return write(r, c, r.interaction.id, false);
}

Reply FhirService::write(const Request& r, Context& c, std::string id, bool must_be_new) {
  core::Json resource;
  auto w = write_request(r, c, std::move(id), must_be_new, resource);
  auto result = store_.write(w, c.audit);
  c.audited = true;
  return write_reply(WriteReplyTarget{r.base_url, r.prefer_return}, std::move(result));
}

store::WriteRequest FhirService::write_request(const Request& r, Context& c, std::string id, bool must_be_new,
                                               core::Json& resource) {
  const auto& in = r.interaction;
  c.audit.entity_id = id;
  resource = parse_resource(r.body, in.type, *model_, options_.max_json_depth);
  if (must_be_new) {
    // The assigned id replaces any in the body before anything reads it (a
    // Patient is in its own compartment under its real id).
    if (resource.contains("id")) resource["id"] = id;
  } else {
    auto body_id = resource.find("id");
    if (body_id == resource.end()) {
      throw core::invalid("The resource must contain an id equal to the URL's id '" + id + "'", "id");
    }
    if (!body_id->is_string() || body_id->get_ref<const std::string&>() != id) {
      throw core::invalid("The resource id does not match the URL's id '" + id + "'", "id");
    }
  }
  std::optional<int> if_match;
  if (r.if_match) {
    if_match = parse_etag(*r.if_match, "If-Match");
  }
  // A custom search parameter must be usable before it is stored (searchparameter.html).
  if (in.type == "SearchParameter") check_search_parameter(resource);
  std::vector<std::string> patients;
  if (must_be_new && !resource.contains("id") && in.type == "Patient") {
    patients.push_back("Patient/" + id);
  } else {
    patients = model_->patient_compartment(resource);
  }

  store::WriteRequest w;
  w.type = in.type;
  w.id = id;
  w.if_match = if_match;
  w.must_be_new = must_be_new;
  if (!patients.empty()) w.patient = patients.front();
  // Indexed with the index registry, which $reindex may already have moved past
  // the search registry: resources written during a re-index are indexed for it.
  const auto index_registry = reindexer_->index_registry();
  // A create without an id in the body: indexed with the id it will be stored with.
  w.index = search::extract(*index_registry, resource, patient_ids(patients), id);
  c.audit.patient = w.patient;
  w.render = [&resource, id](int version, core::Instant at) {
    return render_version(resource, id, version, at);
  };
  w.complete_audit = [](core::AccessRecord& a, const store::WriteResult& result) {
    a.http_status = result.created ? 201 : 200;
    a.interaction = result.created ? "create" : "update";
    a.action = result.created ? 'C' : 'U';
  };
  return w;
}

Reply FhirService::remove(const Request& r, Context& c) {
  const auto& in = r.interaction;
  std::optional<int> if_match;
  if (r.if_match) if_match = parse_etag(*r.if_match, "If-Match");
  // A never-known id is 404; an already-deleted one is 204 with no new version.
  auto result = store_.remove(in.type, in.id, if_match, c.audit,
                              [](core::AccessRecord& a, const store::RemoveResult& outcome) {
                                a.http_status = outcome.existed ? 204 : 404;
                                if (!outcome.existed) a.outcome_desc = "Resource not found";
                              });
  c.audited = true;
  if (!result.existed) throw core::not_found(in.type + "/" + in.id + " is not known");
  Reply reply;
  reply.status = 204;
  if (result.deletion) {
    reply.etag = etag(result.deletion->version);
    reply.last_modified = core::to_http_date(result.deletion->last_updated);
  }
  return reply;
}

}  // namespace carnet::service
