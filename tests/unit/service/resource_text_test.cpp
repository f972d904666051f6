// The stored text of a version (service/resource_text.hpp): the client's
// element order and decimals, id and meta in FHIR's place when absent.

#include "service/resource_text.hpp"

#include <gtest/gtest.h>

#include "carnet/core/json.hpp"

namespace carnet::service {
namespace {

core::Instant at_epoch_plus(long long seconds) {
  return core::Instant(std::chrono::seconds(seconds));
}

TEST(RenderVersion, PutsIdAndMetaAfterResourceTypeWhenAbsent) {
  const core::Json body = core::parse_json(R"({"resourceType":"Observation","status":"final",)"
                                           R"("valueQuantity":{"value":1.50,"unit":"kg"}})");
  EXPECT_EQ(render_version(body, "o1", 1, at_epoch_plus(0)),
            R"({"resourceType":"Observation","id":"o1","meta":{"versionId":"1",)"
            R"("lastUpdated":"1970-01-01T00:00:00.000000Z"},"status":"final",)"
            R"("valueQuantity":{"value":1.50,"unit":"kg"}})");
}

TEST(RenderVersion, KeepsTheClientsOrderAndMetaElements) {
  const core::Json body = core::parse_json(
      R"({"status":"final","meta":{"tag":[{"code":"t"}],"versionId":"9"},"id":"x","resourceType":"Observation"})");
  EXPECT_EQ(render_version(body, "o2", 3, at_epoch_plus(60)),
            R"({"status":"final","meta":{"versionId":"3","lastUpdated":"1970-01-01T00:01:00.000000Z",)"
            R"("tag":[{"code":"t"}]},"id":"o2","resourceType":"Observation"})");
}

TEST(RenderVersion, IdWithoutMetaGetsMetaRightAfterIt) {
  const core::Json body = core::parse_json(R"({"resourceType":"Patient","id":"p","active":true})");
  EXPECT_EQ(render_version(body, "p", 2, at_epoch_plus(0)),
            R"({"resourceType":"Patient","id":"p","meta":{"versionId":"2",)"
            R"("lastUpdated":"1970-01-01T00:00:00.000000Z"},"active":true})");
}

}  // namespace
}  // namespace carnet::service
