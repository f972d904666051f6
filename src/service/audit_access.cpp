// Reading the audit trail: GET [base]/AuditEvent (with the parameters the
// trail can answer) and GET [base]/AuditEvent/[id].
// Reading it is itself audited (by the caller, like every request).
#include <algorithm>
#include <charconv>
#include <set>
#include <variant>

#include "carnet/audit/audit_event.hpp"
#include "carnet/core/error.hpp"
#include "carnet/fhir/outcome.hpp"
#include "carnet/search/query.hpp"
#include "carnet/service/fhir_service.hpp"
#include "service/audit_params.hpp"
#include "service/bundle_text.hpp"
#include "service/paging.hpp"
#include "service/reindex.hpp"

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

namespace {

using Field = store::AuditFilter::Field;

[[noreturn]] void not_supported(const std::string& name, const std::string& why) {
  throw core::Error(400, {core::Issue{core::Severity::error, "not-supported", why, name}});
}

// The parameters of AuditEvent (http://hl7.org/fhir/R4/auditevent.html#search)
// that the audit trail can answer, and the column each reads.
std::optional<Field> field_of(const std::string& code) {
  // In the order of kAuditSearchParams.
  static constexpr std::array<Field, kAuditSearchParams.size()> kFields{
      Field::patient, Field::entity,  Field::date,   Field::action,
      Field::outcome, Field::subtype, Field::address};
  for (std::size_t i = 0; i < kAuditSearchParams.size(); ++i) {
    if (kAuditSearchParams[i] == code) return kFields[i];
  }
  return std::nullopt;
}

// The code system each token parameter's codes come from (the rows hold the codes only).
const char* token_system(Field f) {
  switch (f) {
    case Field::action: return "http://hl7.org/fhir/audit-event-action";
    case Field::outcome: return "http://hl7.org/fhir/audit-event-outcome";
    case Field::subtype: return "http://hl7.org/fhir/restful-interaction";
    default: return "";
  }
}

// Why criterion `c` cannot be answered from the audit trail, or "".
std::string unsupported(const search::Criterion& c) {
  if (c.kind != search::Criterion::Kind::value || c.param == nullptr || !field_of(c.param->code)) {
    return "is not supported on AuditEvent (patient, entity, date, action, outcome, subtype and address are)";
  }
  if (c.modifier != search::Modifier::none) return "is not supported with a modifier on AuditEvent";
  return {};
}

// The name a criterion was given (its parameter's code, or the resource-level one).
std::string name_of(const search::Criterion& c) {
  if (c.param != nullptr) return c.param->code;
  return c.kind == search::Criterion::Kind::id ? "_id" : "a resource-level parameter";
}

// One criterion of the parsed query (unsupported() empty) as a filter on the audit rows.
store::AuditFilter to_filter(const search::Criterion& c) {
  const std::string name = name_of(c);
  store::AuditFilter f;
  f.field = *field_of(name);
  for (const auto& v : c.values) {
    if (const auto* d = std::get_if<search::DateQuery>(&v)) {
      f.dates.push_back(*d);
    } else if (const auto* ref = std::get_if<search::ReferenceQuery>(&v)) {
      // An absolute URL names a resource of another server: nothing here was
      // about it (the trail records local references only).
      if (!ref->url.empty()) continue;
      std::string type = ref->type;
      if (type.empty() && f.field == Field::patient) type = "Patient";
      if (type.empty() || ref->id.empty()) {
        throw core::invalid("The AuditEvent parameter '" + name + "' needs a reference Type/id", name);
      }
      // A patient parameter names Patients only: another type matches nothing.
      if (f.field == Field::patient && type != "Patient") continue;
      f.values.push_back(type + "/" + ref->id);
    } else if (const auto* t = std::get_if<search::TokenQuery>(&v)) {
      if (!t->code) throw core::invalid("The AuditEvent parameter '" + name + "' needs a code", name);
      // system|code: the code counts in its own system only.
      if (t->system && *t->system != token_system(f.field)) continue;
      f.values.push_back(*t->code);
    } else if (const auto* str = std::get_if<search::StringQuery>(&v)) {
      f.values.push_back(str->exact);
    }
  }
  return f;
}

// Whether the query parameter `name` (as sent, maybe with a modifier) is one
// the parser understood (it lists them in self_params), or one read here.
bool parsed_name(const std::string& name, const search::Query& parsed) {
  if (name == "_count" || name == kCursorParam || name == "_format" || name == "_pretty" || name == "_sort")
    return true;
  return std::any_of(parsed.self_params.begin(), parsed.self_params.end(),
                     [&](const auto& p) { return p.first == name; });
}

// The patient an AuditEvent search is about (audited: a patient sees who
// looked at their audit trail), when it names exactly one.
std::string audited_patient(const store::AuditQuery& q) {
  for (const auto& f : q.filters) {
    if (f.field == Field::patient && f.values.size() == 1) return f.values.front();
  }
  return {};
}

}  // namespace

Reply FhirService::search_audit(const Request& r, Context& c) {
  const auto& in = r.interaction;
  std::vector<Param> params;
  for (const auto& p : in.params) {
    const auto& name = p.first;
    if (name == "_count" || name == kCursorParam || name == "_format" || name == "_pretty") continue;
    if (name == "_sort" && (p.second == "-date")) continue;  // the only order: newest first
    if (name.starts_with("_") && name != "_id" && name != "_lastUpdated") {
      not_supported(name, "Parameter '" + name + "' is not supported on AuditEvent");
    }
    params.push_back(p);
  }
  search::ParseOptions options;
  options.strict = r.strict_handling;
  const auto registry = reindexer_->search_registry();
  const search::Query parsed =
      search::parse_search("AuditEvent", params, *registry, terminology_.get(), options);

  const auto paging = read_paging(in);
  store::AuditQuery q;
  q.count = paging.count;
  q.before_seq = paging.before;
  std::vector<core::Issue> warnings = parsed.warnings;
  std::set<std::string> ignored;  // left out of the links, like unknown parameters
  for (const auto& criterion : parsed.criteria) {
    if (const auto why = unsupported(criterion); !why.empty()) {
      const std::string name = name_of(criterion);
      const std::string message = "Search parameter '" + name + "' " + why;
      if (r.strict_handling) not_supported(name, message);
      warnings.push_back(core::Issue{core::Severity::warning, "not-supported", message + ": ignored", name});
      ignored.insert(name);
      continue;
    }
    q.filters.push_back(to_filter(criterion));
  }
  c.audit.patient = audited_patient(q);
  Interaction links = in;  // the parameters the answer used
  std::erase_if(links.params, [&](const Param& p) {
    const auto colon = p.first.find(':');
    return ignored.contains(p.first.substr(0, colon)) || !parsed_name(p.first, parsed);
  });

  auto rows = store_.list_audit(q);
  bool more = rows.size() > paging.count;
  if (more) rows.resize(paging.count);

  std::string path = r.base_url + "/AuditEvent";
  BundleText bundle("searchset");
  bundle.total(store_.count_audit(q));
  std::string self_query = link_query(
      links, paging.before ? std::string(kCursorParam) + "=" + std::to_string(*paging.before) : "");
  bundle.link("self", self_query.empty() ? path : path + "?" + self_query);
  if (more && !rows.empty()) {
    bundle.link(
        "next",
        path + "?" + link_query(links, std::string(kCursorParam) + "=" + std::to_string(rows.back().seq)));
  }
  for (const auto& row : rows) {
    bundle.entry(path + "/" + std::to_string(row.seq),
                 core::to_json_text(audit::to_audit_event(row.seq, row.record)),
                 "\"search\":{\"mode\":\"match\"}");
  }
  if (!warnings.empty()) {
    // Lenient handling: what was ignored is said (search.html#errors).
    bundle.entry({}, core::to_json_text(fhir::operation_outcome(warnings)),
                 "\"search\":{\"mode\":\"outcome\"}");
  }
  Reply reply;
  reply.body = bundle.finish();
  return reply;
}

}  // namespace carnet::service
