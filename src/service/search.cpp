// search at type, system and patient-compartment level:
// http://hl7.org/fhir/R4/http.html#search, http://hl7.org/fhir/R4/search.html
// The parser turns the parameters into a query tree, the store runs it, and the
// answer is a searchset Bundle built around the stored texts (sent as stored,
// unless _summary/_elements ask for less).
#include <algorithm>
#include <map>
#include <set>
#include <variant>

#include "carnet/core/error.hpp"
#include "carnet/fhir/outcome.hpp"
#include "carnet/search/query.hpp"
#include "carnet/service/fhir_service.hpp"
#include "service/bundle_text.hpp"
#include "service/paging.hpp"
#include "service/reindex.hpp"
#include "service/summary.hpp"

namespace carnet::service {

namespace {

using search::Criterion;

// Presentation parameters: they shape the answer, not the search, so the
// parser does not see them; the links keep them so that every page looks alike.
bool is_presentation(const std::string& name) {
  return name == "_format" || name == "_pretty";
}

std::string mode_tail(const char* mode) {
  return std::string("\"search\":{\"mode\":\"") + mode + "\"}";
}

[[noreturn]] void not_supported(const std::string& message) {
  throw core::Error(400, {core::Issue{core::Severity::error, "not-supported", message, {}}});
}

// The patient a reference criterion names, if it names exactly one Patient.
std::optional<std::string> patient_of(const Criterion& c) {
  if (c.kind != Criterion::Kind::value || c.param == nullptr || c.param->type != search::ParamType::reference)
    return std::nullopt;
  if (c.modifier != search::Modifier::none && c.modifier != search::Modifier::type) return std::nullopt;
  if (c.values.size() != 1) return std::nullopt;
  const auto* ref = std::get_if<search::ReferenceQuery>(&c.values.front());
  if (ref == nullptr || ref->id.empty()) return std::nullopt;
  // A bare id names a Patient when the parameter can only point to one; the
  // official `patient` parameters select Patients by their expression
  // (`.where(resolve() is Patient)`) even where Group is a declared target.
  const std::vector<std::string> only_patient{"Patient"};
  const bool to_patient =
      ref->type == "Patient" ||
      (ref->type.empty() &&
       (c.target_types == only_patient || c.param->targets == only_patient || c.param->code == "patient"));
  if (!to_patient) return std::nullopt;
  return ref->id;
}

// "Patient/<id>" when the query is about a single patient — its compartment,
// `patient=` / `subject=` (or any reference to one Patient), or `_id` on
// Patient — for the audit trail; empty otherwise.
std::string audited_patient(const search::Query& q) {
  if (q.compartment_patient) return "Patient/" + *q.compartment_patient;
  std::set<std::string> ids;
  for (const Criterion& c : q.criteria) {
    if (auto id = patient_of(c)) ids.insert(*id);
    if (c.kind == Criterion::Kind::id && c.modifier == search::Modifier::none && c.ids.size() == 1 &&
        q.types == std::vector<std::string>{"Patient"}) {
      ids.insert(c.ids.front());
    }
  }
  return ids.size() == 1 ? "Patient/" + *ids.begin() : std::string();
}

// The compartment `type/id` for query `q`: its member parameters on each
// searched type (for `*`, q.types becomes the member types), and whether the
// compartment's own resource is searched.
search::CompartmentQuery compartment_query(const std::string& type, const std::string& id,
                                           const std::map<std::string, std::vector<std::string>>& members,
                                           const search::Registry& registry, search::Query& q) {
  search::CompartmentQuery out{type, id, {}, false};
  if (q.types.empty()) {
    for (const auto& [member, codes] : members) {
      if (member != "AuditEvent") q.types.push_back(member);  // the trail is searched at [base]/AuditEvent
    }
  }
  for (const auto& searched : q.types) {
    const auto it = members.find(searched);
    if (it == members.end()) continue;  // not a member: none of its resources is in the compartment
    std::vector<const search::SearchParameter*> params;
    for (const auto& code : it->second) {
      if (code == "{def}") {
        out.self = out.self || searched == type;
      } else if (const auto* p = registry.find(searched, code);
                 p != nullptr && p->type == search::ParamType::reference) {
        params.push_back(p);
      }
    }
    if (!params.empty()) out.members.emplace_back(searched, std::move(params));
  }
  return out;
}

}  // namespace

Reply FhirService::search(const Request& r, Context& c) {
  const auto& in = r.interaction;
  std::string type = in.type;  // "" for a system search
  std::string path = r.base_url;
  std::optional<std::string> patient;
  const std::map<std::string, std::vector<std::string>>* members = nullptr;  // other compartments
  if (in.kind == Kind::search_compartment) {
    // http://hl7.org/fhir/R4/compartmentdefinition.html. The patient
    // compartment has index rows of its own; the others are read from the
    // reference rows of their member parameters.
    if (in.type == "Patient") {
      patient = in.id;
    } else {
      members = model_->compartment(in.type);
      if (members == nullptr) not_supported(in.type + " is not a compartment (compartmentdefinition.html)");
    }
    // [compartment]/[id]/* searches every type (a system search inside the compartment).
    type = in.compartment_type == "*" ? std::string() : in.compartment_type;
    path += "/" + in.type + "/" + in.id + "/" + in.compartment_type;
    c.audit.entity_type = type;
    c.audit.entity_id.clear();
  } else if (!type.empty()) {
    path += "/" + type;
  }

  std::vector<Param> params, presentation;
  for (const auto& p : in.params) (is_presentation(p.first) ? presentation : params).push_back(p);

  search::ParseOptions options;
  options.strict = r.strict_handling;
  options.default_count = kDefaultCount;
  options.max_count = kMaxCount;
  // The registry is held for the whole request: the query points into it.
  const auto registry = reindexer_->search_registry();
  search::Query q = search::parse_search(type, params, *registry, terminology_.get(), options);
  if (patient) q.compartment_patient = patient;
  if (members != nullptr) q.compartment = compartment_query(in.type, in.id, *members, *registry, q);
  if (q.summary == search::Summary::count) {
    // Only the total (search.html#summary): no entries, no includes.
    q.count = 0;
    q.total = search::TotalMode::accurate;
    q.includes.clear();
    q.revincludes.clear();
  }
  c.audit.patient = audited_patient(q);
  // The trail is not in the resource store (ARCHITECTURE.md): a search of it
  // here would find nothing, silently.
  if (std::find(q.types.begin(), q.types.end(), "AuditEvent") != q.types.end()) {
    throw core::invalid(
        "AuditEvent is searched at [base]/AuditEvent (AuditEvent?patient=..., see docs/api.md)",
        in.kind == Kind::search_compartment ? std::string() : "_type");
  }

  store::SearchResult result = store_.search(q);

  std::vector<Param> link_params = q.self_params;
  link_params.insert(link_params.end(), presentation.begin(), presentation.end());
  BundleText bundle("searchset");
  if (result.total) bundle.total(*result.total);
  bundle.link("self", page_url(path, link_params, q.cursor));
  if (q.summary != search::Summary::count) {
    if (result.next_cursor) bundle.link("next", page_url(path, link_params, result.next_cursor));
    if (result.previous_cursor) bundle.link("previous", page_url(path, link_params, result.previous_cursor));
  }
  const bool subset = subsets(q.summary, q.elements);
  const std::string match = mode_tail("match"), include = mode_tail("include");
  constexpr std::size_t kEntryOverhead = 128;  // fullUrl, search mode, punctuation
  std::size_t text_bytes = 0;
  for (const auto* list : {&result.matches, &result.included}) {
    for (const auto& v : *list) text_bytes += v->body.size() + kEntryOverhead + r.base_url.size();
  }
  bundle.reserve_entries(text_bytes);
  for (const auto& v : result.matches) {
    const auto& i = v->info;
    if (subset) {
      bundle.entry(r.base_url, i.type, i.id, subset_resource(v->body, q.summary, q.elements, *model_), match);
    } else {
      bundle.entry(r.base_url, i.type, i.id, v->body, match);
    }
  }
  for (const auto& v : result.included) bundle.entry(r.base_url, v->info.type, v->info.id, v->body, include);
  if (!q.warnings.empty()) {
    // Lenient handling: what was ignored is said, not silently dropped (search.html#errors).
    bundle.entry({}, core::to_json_text(fhir::operation_outcome(q.warnings)), mode_tail("outcome"));
  }
  Reply reply;
  reply.body = bundle.finish();
  return reply;
}

}  // namespace carnet::service
