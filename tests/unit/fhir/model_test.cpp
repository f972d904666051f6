#include <gtest/gtest.h>

#include <algorithm>

#include "unit/fhir/model_fixture.hpp"

namespace carnet::fhir {
namespace {

using testing::model;

TEST(FhirModel, Has146ConcreteResourceTypes) {
  const auto& types = model().resource_types();
  EXPECT_EQ(types.size(), 146u);
  EXPECT_TRUE(std::is_sorted(types.begin(), types.end()));
  EXPECT_TRUE(model().is_resource_type("Patient"));
  EXPECT_TRUE(model().is_resource_type("Bundle"));
  EXPECT_TRUE(model().is_resource_type("Parameters"));
  EXPECT_TRUE(model().is_resource_type("Binary"));
}

TEST(FhirModel, AbstractAndUnknownTypesAreNotResourceTypes) {
  EXPECT_FALSE(model().is_resource_type("Resource"));
  EXPECT_FALSE(model().is_resource_type("DomainResource"));
  EXPECT_FALSE(model().is_resource_type("MetadataResource"));
  EXPECT_FALSE(model().is_resource_type("HumanName"));
  EXPECT_FALSE(model().is_resource_type("patient"));
  EXPECT_FALSE(model().is_resource_type(""));
}

TEST(FhirModel, VersionIsR4) {
  EXPECT_EQ(model().fhir_version(), "4.0.1");
}

TEST(FhirModel, MissingFolderThrowsNamingTheFile) {
  try {
    Model::load("/nonexistent-carnet-schemas");
    FAIL() << "load should throw";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("profiles-types.json"), std::string::npos);
  }
}

}  // namespace
}  // namespace carnet::fhir
