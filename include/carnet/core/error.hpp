#pragma once
/// The one error type that ends a request: an HTTP status plus FHIR
/// OperationOutcome issues, and a log-only message that never reaches the client.
/// STYLE.md: the HTTP layer is the only catcher.

#include <exception>
#include <string>
#include <utility>
#include <vector>

namespace carnet::core {

/// Severity of an OperationOutcome issue (http://hl7.org/fhir/R4/valueset-issue-severity.html).
enum class Severity { fatal, error, warning, information };

/// Returns the FHIR code of a severity ("error", ...).
const char* to_code(Severity severity) noexcept;

/// One OperationOutcome.issue. `code` is from http://hl7.org/fhir/R4/valueset-issue-type.html.
struct Issue {
  Severity severity = Severity::error;
  std::string code;         ///< issue type code, e.g. "invalid", "not-found"
  std::string diagnostics;  ///< client-safe text: never patient data
  std::string expression;   ///< FHIRPath of the element at fault, may be empty
};

/// Thrown to end a request. Cheap to copy; safe to throw across threads.
class Error : public std::exception {
 public:
  Error(int status, std::vector<Issue> issues, std::string log_message = {});
  int status() const noexcept { return status_; }
  const std::vector<Issue>& issues() const noexcept { return issues_; }
  /// Extra detail for the server log only (may name internals, never patient data).
  const std::string& log_message() const noexcept { return log_message_; }
  /// Adds a response header (e.g. the ETag of a deletion on 410, Retry-After on 503).
  Error& with_header(std::string name, std::string value) {
    headers_.emplace_back(std::move(name), std::move(value));
    return *this;
  }
  /// Headers the answer must carry besides the OperationOutcome.
  const std::vector<std::pair<std::string, std::string>>& headers() const noexcept { return headers_; }
  const char* what() const noexcept override;

 private:
  int status_;
  std::vector<Issue> issues_;
  std::string log_message_;
  std::vector<std::pair<std::string, std::string>> headers_;
  std::string what_;
};

// Factories: one per status the API uses. `expression` names the element at fault.
Error invalid(std::string diagnostics, std::string expression = {});            ///< 400 invalid
Error invalid_structure(std::string diagnostics, std::string expression = {});  ///< 400 structure
Error unauthorized(std::string diagnostics);                                    ///< 401 login
Error forbidden(std::string diagnostics);                                       ///< 403 forbidden
Error not_found(std::string diagnostics);                                       ///< 404 not-found
Error method_not_allowed(std::string diagnostics);                              ///< 405 not-supported
Error not_acceptable(std::string diagnostics);                                  ///< 406 not-supported
Error conflict(std::string diagnostics, std::string log_message = {});          ///< 409 conflict
Error gone(std::string diagnostics);                                            ///< 410 deleted
Error precondition_failed(std::string diagnostics);                             ///< 412 conflict
Error too_large(std::string diagnostics);                                       ///< 413 too-costly
Error too_costly(std::string diagnostics);                                      ///< 400 too-costly
Error unsupported_media_type(std::string diagnostics);                          ///< 415 not-supported
Error unprocessable(std::string diagnostics, std::string expression = {});      ///< 422 processing
Error internal(std::string log_message);                                   ///< 500 exception (generic text)
Error unavailable(std::string diagnostics, std::string log_message = {});  ///< 503 transient
Error timeout(std::string diagnostics);                                    ///< 408 timeout

}  // namespace carnet::core
