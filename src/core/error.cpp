#include "carnet/core/error.hpp"

#include <utility>

namespace carnet::core {

const char* to_code(Severity severity) noexcept {
  switch (severity) {
    case Severity::fatal: return "fatal";
    case Severity::error: return "error";
    case Severity::warning: return "warning";
    case Severity::information: return "information";
  }
  return "error";
}

Error::Error(int status, std::vector<Issue> issues, std::string log_message)
    : status_(status), issues_(std::move(issues)), log_message_(std::move(log_message)) {
  what_ = std::to_string(status_);
  if (!issues_.empty()) what_ += " " + issues_.front().diagnostics;
}

const char* Error::what() const noexcept {
  return what_.c_str();
}

namespace {
Error make(int status, const char* code, std::string diagnostics, std::string expression = {},
           std::string log_message = {}) {
  return Error(status, {Issue{Severity::error, code, std::move(diagnostics), std::move(expression)}},
               std::move(log_message));
}
}  // namespace

Error invalid(std::string d, std::string e) {
  return make(400, "invalid", std::move(d), std::move(e));
}
Error invalid_structure(std::string d, std::string e) {
  return make(400, "structure", std::move(d), std::move(e));
}
Error unauthorized(std::string d) {
  return make(401, "login", std::move(d));
}
Error forbidden(std::string d) {
  return make(403, "forbidden", std::move(d));
}
Error not_found(std::string d) {
  return make(404, "not-found", std::move(d));
}
Error method_not_allowed(std::string d) {
  return make(405, "not-supported", std::move(d));
}
Error not_acceptable(std::string d) {
  return make(406, "not-supported", std::move(d));
}
Error conflict(std::string d, std::string log) {
  return make(409, "conflict", std::move(d), {}, std::move(log));
}
Error gone(std::string d) {
  return make(410, "deleted", std::move(d));
}
Error precondition_failed(std::string d) {
  return make(412, "conflict", std::move(d));
}
Error too_large(std::string d) {
  return make(413, "too-costly", std::move(d));
}
Error too_costly(std::string d) {
  return make(400, "too-costly", std::move(d));
}
Error unsupported_media_type(std::string d) {
  return make(415, "not-supported", std::move(d));
}
Error unprocessable(std::string d, std::string e) {
  return make(422, "processing", std::move(d), std::move(e));
}
Error internal(std::string log) {
  return make(500, "exception", "Internal server error; the incident is logged", {}, std::move(log));
}
Error unavailable(std::string d, std::string log) {
  // A transient failure: tell clients when to retry (RFC 9110 §10.2.3).
  return make(503, "transient", std::move(d), {}, std::move(log)).with_header("Retry-After", "1");
}
Error timeout(std::string d) {
  return make(408, "timeout", std::move(d));
}

}  // namespace carnet::core
