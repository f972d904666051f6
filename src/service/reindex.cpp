#include "service/reindex.hpp"

#include <spdlog/spdlog.h>

#include "carnet/core/error.hpp"
#include "carnet/core/id.hpp"
#include "carnet/core/json.hpp"
#include "carnet/search/extractor.hpp"

namespace carnet::service {

std::vector<std::string> patient_ids(const std::vector<std::string>& compartment) {
  std::vector<std::string> ids;
  ids.reserve(compartment.size());
  for (const auto& ref : compartment) ids.push_back(ref.starts_with("Patient/") ? ref.substr(8) : ref);
  return ids;
}

Reindexer::Reindexer(store::ResourceStore& store, const fhir::Model& model,
                     std::shared_ptr<const search::Registry> registry)
    : store_(store), model_(model), index_(registry), search_(std::move(registry)) {}

Reindexer::~Reindexer() {
  if (job_.joinable()) {
    job_.request_stop();
    job_.join();
  }
}

std::shared_ptr<const search::Registry> Reindexer::index_registry() const {
  std::lock_guard lock(mutex_);
  return index_;
}

std::shared_ptr<const search::Registry> Reindexer::search_registry() const {
  std::lock_guard lock(mutex_);
  return search_;
}

void Reindexer::activate(std::shared_ptr<const search::Registry> registry) {
  std::lock_guard lock(mutex_);
  if (status_ && status_->state == "running") throw core::conflict("A $reindex job is running");
  index_ = registry;
  search_ = std::move(registry);
}

ReindexStatus Reindexer::start(std::shared_ptr<const search::Registry> registry,
                               std::vector<std::string> types) {
  std::lock_guard lock(mutex_);
  if (status_ && status_->state == "running") {
    throw core::conflict("A $reindex job is already running (" + status_->id + "); see GET [base]/$reindex");
  }
  // The previous job has set its final state: it is about to return, if it has not.
  if (job_.joinable()) job_.join();
  index_ = registry;
  ReindexStatus s;
  s.id = core::new_uuid();
  s.state = "running";
  s.types = types;
  s.started = core::now();
  status_ = s;
  spdlog::info("$reindex {} started ({} types)", s.id,
               types.empty() ? std::string("all") : std::to_string(types.size()));
  job_ =
      std::jthread([this, registry = std::move(registry), types = std::move(types)](
                       std::stop_token stop) mutable { run(stop, std::move(registry), std::move(types)); });
  return s;
}

std::optional<ReindexStatus> Reindexer::status() const {
  std::lock_guard lock(mutex_);
  return status_;
}

void Reindexer::run(std::stop_token stop, std::shared_ptr<const search::Registry> registry,
                    std::vector<std::string> types) {
  try {
    std::int64_t after = 0;
    while (!stop.stop_requested()) {
      auto batch = store_.reindex_scan(types, after, kBatchSize);
      if (batch.empty()) break;
      after = batch.back().rid;
      const auto scanned = static_cast<std::int64_t>(batch.size());
      const std::int64_t written = reindex_batch(std::move(batch), *registry);
      std::lock_guard lock(mutex_);
      status_->processed += scanned;
      status_->reindexed += written;
      status_->skipped += scanned - written;
    }
    if (stop.stop_requested()) {
      finish("failed", "The server stopped before the job completed; run $reindex again");
      return;
    }
    {
      std::lock_guard lock(mutex_);
      search_ = registry;
    }
    finish("completed", {});
  } catch (const core::Error& e) {
    spdlog::error("$reindex failed: {} {}", e.status(), e.log_message().empty() ? e.what() : e.log_message());
    finish("failed", e.issues().empty() ? std::string("The job failed") : e.issues().front().diagnostics);
  } catch (const std::exception& e) {
    spdlog::error("$reindex failed: {}", e.what());
    finish("failed", "Internal error: see the server log");
  }
}

std::int64_t Reindexer::reindex_batch(std::vector<store::ReindexItem> batch,
                                      const search::Registry& registry) {
  std::vector<std::pair<store::ReindexItem, search::IndexEntries>> items;
  items.reserve(batch.size());
  for (auto& item : batch) {
    core::Json resource;
    try {
      // Stored texts passed the checks on write; the depth bound is only a guard.
      resource = core::parse_json(item.body, 1000);
    } catch (const core::Error&) {
      spdlog::warn("$reindex: {}/{} is not readable JSON; skipped", item.type, item.id);
      continue;
    }
    auto patients = patient_ids(model_.patient_compartment(resource));
    auto entries = search::extract(registry, resource, std::move(patients));
    items.emplace_back(std::move(item), std::move(entries));
  }
  if (items.empty()) return 0;
  return static_cast<std::int64_t>(store_.reindex_write(items));
}

void Reindexer::finish(const std::string& state, const std::string& error) {
  std::lock_guard lock(mutex_);
  status_->state = state;
  status_->error = error;
  status_->finished = core::now();
  spdlog::info("$reindex {} {}: {} scanned, {} re-indexed, {} skipped", status_->id, state,
               status_->processed, status_->reindexed, status_->skipped);
}

}  // namespace carnet::service
