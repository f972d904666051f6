#pragma once
// Statement parameters built at run time: every value travels as text (or NULL)
// in a libpq parameter, never inside SQL text.

#include <deque>
#include <optional>
#include <pqxx/prepared_statement>
#include <string>
#include <string_view>
#include <vector>

#include "carnet/core/clock.hpp"

namespace carnet::store::pg {

/// An instant as timestamptz input text: the open ends core::kMinInstant and
/// core::kMaxInstant are "-infinity" and "infinity".
inline std::string instant_text(core::Instant t) {
  // FHIR years are 0001-9999 (and to_fhir_instant writes four digits): an
  // instant outside, as 0001-01-01T00:00+14:00 in UTC or the window of
  // `ap0100`, is open-ended for every stored value.
  using namespace std::chrono;
  static constexpr core::Instant kFirst{sys_days{year{1} / January / 1}};
  static constexpr core::Instant kAfterLast{sys_days{year{10000} / January / 1}};
  if (t < kFirst) return "-infinity";
  if (t >= kAfterLast) return "infinity";
  return core::to_fhir_instant(t);
}

class Params {
 public:
  Params() = default;
  // Moves keep the deque's blocks, so the pointers stay valid; a copy would not.
  Params(Params&&) noexcept = default;
  Params& operator=(Params&&) noexcept = default;
  Params(const Params&) = delete;
  Params& operator=(const Params&) = delete;

  Params& text(std::string_view v) {
    store_.emplace_back(v);
    ptrs_.push_back(store_.back().c_str());
    return *this;
  }
  Params& null() {
    ptrs_.push_back(nullptr);
    return *this;
  }
  /// NULL when empty.
  Params& opt_text(std::string_view v) { return v.empty() ? null() : text(v); }
  Params& integer(long long v) { return text(std::to_string(v)); }
  template <typename T>
  Params& opt_integer(const std::optional<T>& v) {
    return v ? integer(static_cast<long long>(*v)) : null();
  }
  Params& boolean(bool v) { return text(v ? "true" : "false"); }
  Params& instant(core::Instant t) { return text(instant_text(t)); }
  Params& opt_instant(const std::optional<core::Instant>& t) { return t ? instant(*t) : null(); }

  auto dynamic() const { return pqxx::prepare::make_dynamic_params(ptrs_); }
  /// The values in order (nullptr = NULL).
  const std::vector<const char*>& values() const { return ptrs_; }

 private:
  std::deque<std::string> store_;  // deque: c_str() pointers stay valid as it grows
  std::vector<const char*> ptrs_;
};

}  // namespace carnet::store::pg
