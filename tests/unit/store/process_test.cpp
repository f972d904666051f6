// pg::run_process: the environment a child gets (the embedded cluster's
// malloc settings go through it).

#include "store/pg/process.hpp"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <string>

namespace carnet::store::pg {
namespace {

// The environment `env` prints, one NAME=value per line, with default_env.
std::string environment_with(const std::vector<std::string>& default_env) {
  const auto r = run_process("/usr/bin/env", {}, std::nullopt, default_env);
  EXPECT_EQ(r.exit_code, 0) << r.output;
  return "\n" + r.output;
}

TEST(RunProcess, AddsADefaultTheEnvironmentDoesNotSet) {
  ::unsetenv("CARNET_TEST_DEFAULT");
  const auto env = environment_with({"CARNET_TEST_DEFAULT=4194304"});
  EXPECT_NE(env.find("\nCARNET_TEST_DEFAULT=4194304\n"), std::string::npos) << env;
}

TEST(RunProcess, KeepsWhatTheEnvironmentSets) {
  ::setenv("CARNET_TEST_SET", "mine", 1);
  const auto env = environment_with({"CARNET_TEST_SET=default"});
  ::unsetenv("CARNET_TEST_SET");
  EXPECT_NE(env.find("\nCARNET_TEST_SET=mine\n"), std::string::npos) << env;
  EXPECT_EQ(env.find("CARNET_TEST_SET=default"), std::string::npos) << env;
}

TEST(RunProcess, ALongerNameIsAnotherVariable) {
  ::setenv("CARNET_TEST_NAMEX", "other", 1);
  ::unsetenv("CARNET_TEST_NAME");
  const auto env = environment_with({"CARNET_TEST_NAME=default"});
  ::unsetenv("CARNET_TEST_NAMEX");
  EXPECT_NE(env.find("\nCARNET_TEST_NAME=default\n"), std::string::npos) << env;
  EXPECT_NE(env.find("\nCARNET_TEST_NAMEX=other\n"), std::string::npos) << env;
}

TEST(RunProcess, WithoutDefaultsTheEnvironmentIsInherited) {
  ::setenv("CARNET_TEST_INHERITED", "yes", 1);
  const auto env = environment_with({});
  ::unsetenv("CARNET_TEST_INHERITED");
  EXPECT_NE(env.find("\nCARNET_TEST_INHERITED=yes\n"), std::string::npos) << env;
}

}  // namespace
}  // namespace carnet::store::pg
