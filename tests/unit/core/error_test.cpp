// core::Error factories: the HTTP status and OperationOutcome issue a client gets.

#include "carnet/core/error.hpp"

#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

namespace carnet::core {
namespace {

struct Expected {
  const char* name;
  std::function<Error()> make;
  int status;
  const char* code;
};

TEST(CoreError, FactoriesSetStatusAndIssueCode) {
  const std::vector<Expected> cases = {
      {"invalid", [] { return invalid("d"); }, 400, "invalid"},
      {"invalid_structure", [] { return invalid_structure("d"); }, 400, "structure"},
      {"unauthorized", [] { return unauthorized("d"); }, 401, "login"},
      {"forbidden", [] { return forbidden("d"); }, 403, "forbidden"},
      {"not_found", [] { return not_found("d"); }, 404, "not-found"},
      {"method_not_allowed", [] { return method_not_allowed("d"); }, 405, "not-supported"},
      {"not_acceptable", [] { return not_acceptable("d"); }, 406, "not-supported"},
      {"timeout", [] { return timeout("d"); }, 408, "timeout"},
      {"conflict", [] { return conflict("d"); }, 409, "conflict"},
      {"gone", [] { return gone("d"); }, 410, "deleted"},
      {"precondition_failed", [] { return precondition_failed("d"); }, 412, "conflict"},
      {"too_large", [] { return too_large("d"); }, 413, "too-costly"},
      {"unsupported_media_type", [] { return unsupported_media_type("d"); }, 415, "not-supported"},
      {"unprocessable", [] { return unprocessable("d"); }, 422, "processing"},
      {"unavailable", [] { return unavailable("d"); }, 503, "transient"},
  };
  for (const auto& c : cases) {
    Error e = c.make();
    EXPECT_EQ(e.status(), c.status) << c.name;
    ASSERT_EQ(e.issues().size(), 1u) << c.name;
    EXPECT_EQ(e.issues()[0].code, c.code) << c.name;
    EXPECT_EQ(e.issues()[0].severity, Severity::error) << c.name;
    EXPECT_EQ(e.issues()[0].diagnostics, "d") << c.name;
    EXPECT_TRUE(e.issues()[0].expression.empty()) << c.name;
    EXPECT_TRUE(e.log_message().empty()) << c.name;
  }
}

TEST(CoreError, ExpressionNamesTheElementAtFault) {
  EXPECT_EQ(invalid("bad", "Patient.birthDate").issues()[0].expression, "Patient.birthDate");
  EXPECT_EQ(invalid_structure("bad", "Patient.name[0]").issues()[0].expression, "Patient.name[0]");
  EXPECT_EQ(unprocessable("bad", "Observation.status").issues()[0].expression, "Observation.status");
}

TEST(CoreError, InternalErrorHidesItsCauseFromTheClient) {
  Error e = internal("pq: connection to 10.0.0.5 refused, table resource_version");
  EXPECT_EQ(e.status(), 500);
  ASSERT_EQ(e.issues().size(), 1u);
  EXPECT_EQ(e.issues()[0].code, "exception");
  EXPECT_EQ(e.issues()[0].diagnostics.find("10.0.0.5"), std::string::npos);
  EXPECT_EQ(e.issues()[0].diagnostics.find("resource_version"), std::string::npos);
  EXPECT_FALSE(e.issues()[0].diagnostics.empty());
  EXPECT_EQ(e.log_message(), "pq: connection to 10.0.0.5 refused, table resource_version");
}

TEST(CoreError, LogMessageStaysOutOfTheIssues) {
  Error c = conflict("Version conflict", "serialization failure 40001");
  EXPECT_EQ(c.issues()[0].diagnostics, "Version conflict");
  EXPECT_EQ(c.log_message(), "serialization failure 40001");
  Error u = unavailable("Try again later", "pool exhausted");
  EXPECT_EQ(u.issues()[0].diagnostics, "Try again later");
  EXPECT_EQ(u.log_message(), "pool exhausted");
}

TEST(CoreError, WhatNamesStatusAndDiagnostics) {
  const std::string what = not_found("Patient/x is not known").what();
  EXPECT_NE(what.find("404"), std::string::npos) << what;
  EXPECT_NE(what.find("Patient/x is not known"), std::string::npos) << what;
}

TEST(CoreError, CustomErrorKeepsAllIssues) {
  Error e(422,
          {Issue{Severity::error, "required", "a", "Patient.x"},
           Issue{Severity::warning, "informational", "b", ""}},
          "log");
  EXPECT_EQ(e.status(), 422);
  ASSERT_EQ(e.issues().size(), 2u);
  EXPECT_EQ(e.issues()[1].severity, Severity::warning);
  EXPECT_EQ(e.issues()[1].code, "informational");
  EXPECT_EQ(e.log_message(), "log");
  EXPECT_STREQ(Error(500, {}).what(), "500");
}

TEST(CoreError, ErrorIsCatchableAsStdException) {
  try {
    throw gone("deleted");
  } catch (const std::exception& e) {
    EXPECT_NE(std::string(e.what()).find("410"), std::string::npos);
    return;
  }
  FAIL() << "not caught";
}

TEST(CoreError, SeverityCodes) {
  EXPECT_STREQ(to_code(Severity::fatal), "fatal");
  EXPECT_STREQ(to_code(Severity::error), "error");
  EXPECT_STREQ(to_code(Severity::warning), "warning");
  EXPECT_STREQ(to_code(Severity::information), "information");
}

}  // namespace
}  // namespace carnet::core
