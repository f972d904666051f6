// Custom SearchParameter resources (http://hl7.org/fhir/R4/searchparameter.html)
// and the $reindex operation that makes them usable (HAPI-style:
// POST [base]/$reindex or [base]/[type]/$reindex starts a job, GET
// [base]/$reindex reports its progress). See reindex.hpp for the two registries.
#include <algorithm>
#include <cctype>
#include <span>

#include "carnet/core/error.hpp"
#include "carnet/search/query.hpp"
#include "carnet/service/fhir_service.hpp"
#include "service/reindex.hpp"

namespace carnet::service {

namespace {

using core::Json;

constexpr const char* kReindex = "$reindex";

std::string string_at(const Json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

Json parameter(const std::string& name, const char* value_type, Json value) {
  Json p = Json::object();
  p["name"] = name;
  p[value_type] = std::move(value);
  return p;
}

// The job's status as a Parameters resource (http://hl7.org/fhir/R4/parameters.html).
std::string status_text(const ReindexStatus& s) {
  Json params = Json::array();
  params.push_back(parameter("id", "valueString", s.id));
  params.push_back(parameter("status", "valueCode", s.state));
  for (const auto& t : s.types) params.push_back(parameter("type", "valueCode", t));
  params.push_back(parameter("processed", "valueInteger", s.processed));
  params.push_back(parameter("reindexed", "valueInteger", s.reindexed));
  params.push_back(parameter("skipped", "valueInteger", s.skipped));
  params.push_back(parameter("started", "valueInstant", core::to_fhir_instant(s.started)));
  if (s.finished) params.push_back(parameter("finished", "valueInstant", core::to_fhir_instant(*s.finished)));
  if (!s.error.empty()) params.push_back(parameter("error", "valueString", s.error));
  Json out = Json::object();
  out["resourceType"] = "Parameters";
  out["parameter"] = std::move(params);
  return core::to_json_text(out);
}

}  // namespace

FhirService::FhirService(store::ResourceStore& store, std::shared_ptr<const fhir::Model> model,
                         audit::Trail& trail, std::shared_ptr<const search::Registry> registry,
                         std::shared_ptr<const search::Terminology> terminology, ServiceOptions options)
    : store_(store),
      model_(std::move(model)),
      trail_(trail),
      terminology_(std::move(terminology)),
      options_(std::move(options)),
      reindexer_(std::make_unique<Reindexer>(store_, *model_, std::move(registry))) {}

FhirService::~FhirService() = default;

Reply FhirService::operation(const Request& r, Context& c) {
  const auto& in = r.interaction;
  if (in.operation == kReindex) {
    if (!in.id.empty()) {
      throw core::Error(400, {core::Issue{core::Severity::error,
                                          "not-supported",
                                          "$reindex runs on [base] or [base]/[type], not on one resource",
                                          {}}});
    }
    return reindex(r, c);
  }
  throw core::Error(
      400,
      {core::Issue{
          core::Severity::error, "not-supported", "Operation " + in.operation + " is not supported", {}}});
}

Reply FhirService::reindex(const Request& r, Context&) {
  const auto& in = r.interaction;
  Reply reply;
  if (r.method == "GET") {
    auto status = reindexer_->status();
    if (!status) throw core::not_found("No $reindex job has run since the server started");
    reply.body = status_text(*status);
    return reply;
  }
  if (r.method != "POST") throw core::method_not_allowed("$reindex accepts POST (start) and GET (progress)");
  // A parameter is not a way to narrow it (`?type=Foo` used to start a full
  // reindex): [base]/[type]/$reindex is.
  if (!in.params.empty()) {
    throw core::invalid("$reindex takes no parameters: POST [base]/$reindex or [base]/[type]/$reindex");
  }
  std::vector<std::string> types;
  if (!in.type.empty()) types.push_back(in.type);
  // Every active custom parameter, so that the new registry is the whole set.
  auto custom = active_search_parameters();
  auto next = reindexer_->index_registry()->with_custom(custom);
  auto status = reindexer_->start(std::move(next), std::move(types));
  reply.status = 202;
  reply.body = status_text(status);
  reply.headers.emplace_back("Content-Location", r.base_url + "/" + kReindex);
  return reply;
}

std::vector<core::Json> FhirService::active_search_parameters() {
  const auto registry = reindexer_->search_registry();
  search::Query q = search::parse_search("SearchParameter", {{"status", "active"}, {"_count", "500"}},
                                         *registry, nullptr, search::ParseOptions{});
  std::vector<core::Json> found;
  while (true) {
    auto page = store_.search(q);
    for (const auto& v : page.matches) {
      core::Json resource = core::parse_json(v->body, 1000);
      // The index said active; the text decides (it is what was checked on write).
      if (string_at(resource, "status") == "active") found.push_back(std::move(resource));
    }
    if (!page.next_cursor || page.matches.empty()) break;
    q.cursor = page.next_cursor;
  }
  return found;
}

std::size_t FhirService::load_custom_parameters() {
  auto custom = active_search_parameters();
  if (custom.empty()) return 0;
  reindexer_->activate(reindexer_->index_registry()->with_custom(custom));
  return custom.size();
}

void FhirService::check_search_parameter(const core::Json& resource) const {
  if (string_at(resource, "status") != "active") return;  // only active ones are ever used
  // The URL grammar gives ':' (modifier), '.' (chain), '$' (composite), ','
  // and '|' a meaning, and '_' starts the resource-level parameters: a code
  // with them could never be searched.
  const std::string& candidate = string_at(resource, "code");
  const auto ok = [](char ch) {
    return std::isalnum(static_cast<unsigned char>(ch)) || ch == '-' || ch == '_';
  };
  if (candidate.empty() || !std::isalpha(static_cast<unsigned char>(candidate.front())) ||
      !std::all_of(candidate.begin(), candidate.end(), ok)) {
    throw core::unprocessable("SearchParameter code '" + candidate +
                                  "' cannot be searched: it must start with a letter and hold only letters, "
                                  "digits, '-' and '_'",
                              "SearchParameter.code");
  }
  const auto registry = reindexer_->index_registry();
  // Throws 422 naming the problem: bad expression, unknown base, official code redefined...
  registry->with_custom(std::span<const core::Json>(&resource, 1));
  // ...and a code another custom parameter already has (with_custom checks one set at a time).
  const std::string code = string_at(resource, "code"), url = string_at(resource, "url");
  if (auto bases = resource.find("base"); bases != resource.end() && bases->is_array()) {
    for (const auto& base : *bases) {
      if (!base.is_string()) continue;
      const auto* p = registry->find(base.get<std::string>(), code);
      if (p != nullptr && p->custom && p->url != url) {
        throw core::unprocessable("SearchParameter '" + url + "': code '" + code +
                                  "' is already defined for " + base.get<std::string>() + " by " + p->url);
      }
    }
  }
}

}  // namespace carnet::service
