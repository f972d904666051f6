#pragma once
// The search parameter registries in use and the $reindex job (HAPI-style,
// https://hapifhir.io/hapi-fhir/docs/server_jpa/search.html#reindexing).
// A custom SearchParameter becomes usable in two steps: $reindex swaps the new
// registry in for indexing at once (every write from then on indexes the new
// parameters), re-indexes the stored resources in the background, and only
// then lets searches use it — so a search never sees a half-built index.

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "carnet/core/clock.hpp"
#include "carnet/fhir/model.hpp"
#include "carnet/search/parameters.hpp"
#include "carnet/store/resource_store.hpp"

namespace carnet::service {

/// What GET [base]/$reindex reports about the last job.
struct ReindexStatus {
  std::string id;                  ///< job id (a UUID)
  std::string state;               ///< "running", "completed" or "failed"
  std::vector<std::string> types;  ///< types re-indexed; empty = all
  std::int64_t processed = 0;      ///< current versions scanned so far
  std::int64_t reindexed = 0;      ///< of which re-indexed
  std::int64_t skipped = 0;        ///< of which changed meanwhile (their write indexed them)
  core::Instant started{};
  std::optional<core::Instant> finished;
  std::string error;  ///< failed: client-safe reason
};

/// Thread-safe. Owns at most one background job; the destructor stops it
/// (between two batches) and joins it.
class Reindexer {
 public:
  /// Current versions read and written per batch.
  static constexpr std::size_t kBatchSize = 500;

  /// `registry` is both the index and the search registry at first.
  /// `store` and `model` must outlive the Reindexer.
  Reindexer(store::ResourceStore& store, const fhir::Model& model,
            std::shared_ptr<const search::Registry> registry);
  ~Reindexer();
  Reindexer(const Reindexer&) = delete;
  Reindexer& operator=(const Reindexer&) = delete;

  /// The registry writes index with.
  std::shared_ptr<const search::Registry> index_registry() const;
  /// The registry searches (and the CapabilityStatement) use.
  std::shared_ptr<const search::Registry> search_registry() const;

  /// Makes `registry` the index and the search registry at once (at start,
  /// when the stored index is taken as complete). Throws 409 while a job runs.
  void activate(std::shared_ptr<const search::Registry> registry);

  /// Swaps `registry` in as the index registry, then starts re-indexing the
  /// live resources of `types` (empty = all) with it; when that completes it
  /// becomes the search registry. Returns the new job's status. Throws
  /// core::Error 409 when a job is running.
  ReindexStatus start(std::shared_ptr<const search::Registry> registry, std::vector<std::string> types);

  /// The last job's status, or nullopt when none was started.
  std::optional<ReindexStatus> status() const;

 private:
  void run(std::stop_token stop, std::shared_ptr<const search::Registry> registry,
           std::vector<std::string> types);
  std::int64_t reindex_batch(std::vector<store::ReindexItem> batch, const search::Registry& registry);
  void finish(const std::string& state, const std::string& error);

  store::ResourceStore& store_;
  const fhir::Model& model_;
  mutable std::mutex mutex_;
  std::shared_ptr<const search::Registry> index_;
  std::shared_ptr<const search::Registry> search_;
  std::optional<ReindexStatus> status_;
  std::jthread job_;  // last: joined first on destruction, while the rest is alive
};

/// The patient ids (without "Patient/") of `compartment` ("Patient/<id>" references).
std::vector<std::string> patient_ids(const std::vector<std::string>& compartment);

}  // namespace carnet::service
