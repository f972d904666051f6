#include "carnet/audit/trail.hpp"

#include <spdlog/spdlog.h>

#include <vector>

#include "carnet/core/error.hpp"

namespace carnet::audit {

namespace {
constexpr const char* kNotTraced = "The audit trail could not be written; the request was not served";
}  // namespace

Trail::Trail(Flush flush, std::size_t max_batch, std::chrono::microseconds commit_delay, Busy busy)
    : group_(
          [flush = std::move(flush)](std::vector<core::AccessRecord>& batch) {
            try {
              flush(batch);  // all or nothing: one statement
            } catch (const std::exception& e) {
              spdlog::error("audit trail commit failed for {} records: {}", batch.size(), e.what());
              throw;
            }
            return std::vector<bool>(batch.size(), true);
          },
          max_batch, 1, commit_delay, std::move(busy)) {}

void Trail::record(core::AccessRecord record) {
  try {
    group_.submit(std::move(record));
  } catch (const std::exception&) {
    // The cause is logged once by the writer; the client learns only that the
    // request could not be traced, hence not served.
    throw core::unavailable(kNotTraced);
  }
}

void Trail::record_async(core::AccessRecord record, Committed committed) {
  group_.submit_async(std::move(record),
                      [committed = std::move(committed)](std::optional<bool>, std::exception_ptr error) {
                        // As record(): the cause was logged by the writer.
                        committed(error ? std::make_exception_ptr(core::unavailable(kNotTraced)) : nullptr);
                      });
}

}  // namespace carnet::audit
