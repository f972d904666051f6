#pragma once
/// The FHIR services: one per interaction, each orchestrating store + audit.
/// Transport-free: the http module routes, negotiates and calls in here.

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "carnet/audit/trail.hpp"
#include "carnet/core/access_record.hpp"
#include "carnet/fhir/model.hpp"
#include "carnet/search/parameters.hpp"
#include "carnet/search/terminology.hpp"
#include "carnet/service/interaction.hpp"
#include "carnet/store/resource_store.hpp"

namespace carnet::service {

class Reindexer;

/// The FHIR-level request.
struct Request {
  Interaction interaction;
  std::string method;                        ///< HTTP method ("GET", "POST"...; HEAD as GET)
  std::string body;                          ///< JSON text (POST/PUT), content type already checked
  std::string base_url;                      ///< e.g. "https://127.0.0.1:8443/fhir", no trailing slash
  std::optional<std::string> if_match;       ///< raw If-Match header
  std::optional<std::string> if_none_match;  ///< raw If-None-Match header
  std::optional<std::string> if_none_exist;  ///< raw If-None-Exist header
  std::string prefer_return;                 ///< Prefer: return=minimal|representation|OperationOutcome
  /// Prefer: handling=strict — a search refuses (400) the parameters it would
  /// otherwise ignore (http://hl7.org/fhir/R4/search.html#errors).
  bool strict_handling = false;
};

/// Per-request state: the audit record being filled, and whether it is committed.
struct Context {
  core::AccessRecord audit;
  bool audited = false;  ///< true once the record is durable (writes commit it with the data)
};

/// The FHIR-level answer; the http layer adds Content-Type and serialises.
struct Reply {
  int status = 200;
  std::string body;                                          ///< compact JSON text; empty = no body
  std::string etag;                                          ///< W/"n" or empty
  std::string last_modified;                                 ///< HTTP-date or empty
  std::string location;                                      ///< absolute URL or empty
  std::vector<std::pair<std::string, std::string>> headers;  ///< further headers
};

/// Tunables of the services.
struct ServiceOptions {
  std::size_t max_json_depth = 64;
  std::string software_version = "0.1.0";
};

/// Thread-safe: one instance serves every worker thread.
class FhirService {
 public:
  /// `registry` holds the search parameters writes index and searches use
  /// (official ones, see load_custom_parameters); `terminology` (may be null)
  /// resolves :in/:below/:above. All references must outlive the service.
  FhirService(store::ResourceStore& store, std::shared_ptr<const fhir::Model> model, audit::Trail& trail,
              std::shared_ptr<const search::Registry> registry,
              std::shared_ptr<const search::Terminology> terminology, ServiceOptions options);
  /// Stops a running $reindex job (it stops between two batches) and waits for it.
  ~FhirService();
  FhirService(const FhirService&) = delete;
  FhirService& operator=(const FhirService&) = delete;

  /// At start: makes the active SearchParameter resources of the store usable
  /// (indexed on write and searchable), as if a $reindex of them had completed.
  /// Returns how many there are. Throws core::Error (422: two of them conflict,
  /// store errors); the registry is then left as it was.
  std::size_t load_custom_parameters();

  /// Serves one interaction. Fills `context.audit` (entity, patient, action...)
  /// as it learns them; writes commit the audit record with the data and set
  /// `context.audited`. Throws core::Error for every refusal.
  Reply handle(const Request& request, Context& context);

  /// How an interaction served by handle_async ended: its reply, or the
  /// exception (core::Error for refusals) that ended it.
  using Finished = std::function<void(std::optional<Reply> reply, std::exception_ptr error)>;

  /// As handle(), except that a create does not hold the calling thread
  /// while it waits for its commit (shared with concurrent creates):
  /// `finished` gets its reply — the audit record was then committed with the
  /// resource — or its refusal, on the store's commit thread. Every other
  /// interaction is served by handle() and finished on this thread. Refusals
  /// found before anything is queued are thrown, as by handle(). `context`
  /// must live until `finished` has run; it is up to date when it runs.
  void handle_async(const Request& request, Context& context, Finished finished);

  /// Commits `context.audit` through the trail unless already committed.
  /// Throws core::Error 503 when it cannot be written.
  void finish_audit(Context& context);

  /// As finish_audit, without waiting for the commit: `committed` gets null
  /// once the record is durable, or a core::Error 503 when it cannot be
  /// written; it runs on the trail's writer thread (see audit::Trail), or at
  /// once on this thread when the record was already committed. The record is
  /// moved out of `context`.
  void finish_audit_async(Context& context, audit::Trail::Committed committed);

  const fhir::Model& model() const { return *model_; }

 private:
  Reply read(const Request& r, Context& c);
  Reply vread(const Request& r, Context& c);
  Reply create(const Request& r, Context& c);
  Reply update(const Request& r, Context& c);
  Reply remove(const Request& r, Context& c);
  Reply history(const Request& r, Context& c);
  Reply capabilities(const Request& r);
  Reply search(const Request& r, Context& c);
  Reply operation(const Request& r, Context& c);
  Reply reindex(const Request& r, Context& c);
  Reply read_audit(const Request& r, Context& c);
  Reply search_audit(const Request& r, Context& c);
  void create_async(const Request& r, Context& c, Finished finished);
  Reply write(const Request& r, Context& c, std::string id, bool must_be_new);
  // Checks and indexes the resource (parsed into `resource`, which the
  // request's renderer reads) and fills the audit record's entity.
  store::WriteRequest write_request(const Request& r, Context& c, std::string id, bool must_be_new,
                                    core::Json& resource);
  void check_search_parameter(const core::Json& resource) const;
  std::vector<core::Json> active_search_parameters();

  store::ResourceStore& store_;
  std::shared_ptr<const fhir::Model> model_;
  audit::Trail& trail_;
  std::shared_ptr<const search::Terminology> terminology_;
  ServiceOptions options_;
  // Owns the index and search registries and the $reindex job (reindex.hpp).
  std::unique_ptr<Reindexer> reindexer_;
  std::mutex capability_mutex_;
  std::string capability_base_;                             // base URL the cached statement was made for
  std::shared_ptr<const search::Registry> capability_for_;  // registry it lists
  std::string capability_text_;
};

}  // namespace carnet::service
