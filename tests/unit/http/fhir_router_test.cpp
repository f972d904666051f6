// http::route / http::parse_query: every URL form of the R4 RESTful API
// (http://hl7.org/fhir/R4/http.html) maps to the interaction a client expects,
// and a URL that makes no sense gives the status a client expects.

#include "carnet/http/fhir_router.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "carnet/core/error.hpp"
#include "carnet/fhir/model.hpp"
#include "carnet/service/interaction.hpp"

namespace carnet::http {
namespace {

using service::Interaction;
using service::Kind;
using service::Param;
using Params = std::vector<Param>;

class FhirRouter : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!model_) model_ = fhir::Model::load(std::filesystem::path(CARNET_SOURCE_DIR) / "schemas");
  }

  static Interaction go(std::string_view method, std::string_view path) {
    return route(method, path, *model_);
  }

  // The status of the core::Error route() throws (0 when it routes).
  static int status_of(std::string_view method, std::string_view path) {
    try {
      route(method, path, *model_);
    } catch (const core::Error& e) {
      return e.status();
    }
    return 0;
  }

  static core::Error error_of(std::string_view method, std::string_view path) {
    try {
      route(method, path, *model_);
    } catch (const core::Error& e) {
      return e;
    }
    ADD_FAILURE() << method << " " << path << " routed";
    return core::Error(0, {});
  }

  static std::shared_ptr<const fhir::Model> model_;
};

std::shared_ptr<const fhir::Model> FhirRouter::model_;

// --- system level ----------------------------------------------------------------------

TEST_F(FhirRouter, BaseGetIsSystemSearch) {
  auto in = go("GET", "");
  EXPECT_EQ(in.kind, Kind::search_system);
  EXPECT_TRUE(in.type.empty());
  EXPECT_TRUE(in.id.empty());
}

TEST_F(FhirRouter, BasePostIsBatchOrTransaction) {
  EXPECT_EQ(go("POST", "").kind, Kind::batch);
}

TEST_F(FhirRouter, BaseRefusesOtherMethods) {
  EXPECT_EQ(status_of("PUT", ""), 405);
  EXPECT_EQ(status_of("DELETE", ""), 405);
  EXPECT_EQ(status_of("PATCH", ""), 405);
  auto e = error_of("PUT", "");
  ASSERT_FALSE(e.issues().empty());
  EXPECT_EQ(e.issues()[0].code, "not-supported");
}

TEST_F(FhirRouter, MetadataIsCapabilities) {
  EXPECT_EQ(go("GET", "metadata").kind, Kind::capabilities);
  EXPECT_EQ(go("HEAD", "metadata").kind, Kind::capabilities);
  EXPECT_EQ(status_of("POST", "metadata"), 405);
  EXPECT_EQ(status_of("DELETE", "metadata"), 405);
}

TEST_F(FhirRouter, SystemHistory) {
  auto in = go("GET", "_history");
  EXPECT_EQ(in.kind, Kind::history_system);
  EXPECT_TRUE(in.type.empty());
  EXPECT_EQ(status_of("POST", "_history"), 405);
}

TEST_F(FhirRouter, SystemOperation) {
  auto in = go("POST", "$export");
  EXPECT_EQ(in.kind, Kind::operation);
  EXPECT_EQ(in.operation, "$export");
  EXPECT_TRUE(in.type.empty());
  EXPECT_EQ(go("GET", "$export").kind, Kind::operation);
}

TEST_F(FhirRouter, SystemOperationWithTrailingSegmentsIsUnknown) {
  EXPECT_EQ(status_of("GET", "$export/extra"), 404);
}

// --- type level ------------------------------------------------------------------------

TEST_F(FhirRouter, TypeGetIsTypeSearch) {
  auto in = go("GET", "Patient");
  EXPECT_EQ(in.kind, Kind::search_type);
  EXPECT_EQ(in.type, "Patient");
  EXPECT_TRUE(in.id.empty());
}

TEST_F(FhirRouter, TypePostIsCreate) {
  auto in = go("POST", "Observation");
  EXPECT_EQ(in.kind, Kind::create);
  EXPECT_EQ(in.type, "Observation");
}

TEST_F(FhirRouter, SystemSearchByGetOrPostOnSearch) {
  EXPECT_EQ(go("GET", "_search").kind, Kind::search_system);
  auto post = go("POST", "_search");
  EXPECT_EQ(post.kind, Kind::search_system);
  EXPECT_TRUE(post.type.empty());
  EXPECT_EQ(status_of("PUT", "_search"), 405);
  EXPECT_EQ(status_of("DELETE", "_search"), 405);
}

TEST_F(FhirRouter, ReindexIsAnOperationAtSystemAndTypeLevel) {
  auto system = go("POST", "$reindex");
  EXPECT_EQ(system.kind, Kind::operation);
  EXPECT_EQ(system.operation, "$reindex");
  auto type = go("GET", "Patient/$reindex");
  EXPECT_EQ(type.kind, Kind::operation);
  EXPECT_EQ(type.type, "Patient");
}

TEST_F(FhirRouter, TypeRefusesPutAndDelete) {
  EXPECT_EQ(status_of("PUT", "Patient"), 405);
  EXPECT_EQ(status_of("DELETE", "Patient"), 405);
  EXPECT_EQ(status_of("PATCH", "Patient"), 405);
}

TEST_F(FhirRouter, SearchByGetOrPost) {
  auto get = go("GET", "Patient/_search");
  EXPECT_EQ(get.kind, Kind::search_type);
  EXPECT_EQ(get.type, "Patient");
  auto post = go("POST", "Patient/_search");
  EXPECT_EQ(post.kind, Kind::search_type);
  EXPECT_EQ(post.type, "Patient");
  EXPECT_EQ(status_of("PUT", "Patient/_search"), 405);
  EXPECT_EQ(status_of("DELETE", "Patient/_search"), 405);
}

TEST_F(FhirRouter, TypeHistory) {
  auto in = go("GET", "Patient/_history");
  EXPECT_EQ(in.kind, Kind::history_type);
  EXPECT_EQ(in.type, "Patient");
  EXPECT_EQ(status_of("POST", "Patient/_history"), 405);
  EXPECT_EQ(status_of("DELETE", "Patient/_history"), 405);
}

TEST_F(FhirRouter, TypeOperation) {
  auto in = go("POST", "Patient/$validate");
  EXPECT_EQ(in.kind, Kind::operation);
  EXPECT_EQ(in.type, "Patient");
  EXPECT_TRUE(in.id.empty());
  EXPECT_EQ(in.operation, "$validate");
}

TEST_F(FhirRouter, UnknownTypeIsNotFound) {
  for (std::string_view path : {"Patients", "patient", "PATIENT", "Foo", "Foo/1", "Foo/1/_history/1",
                                "Resource", "DomainResource", "metadata/x"}) {
    EXPECT_EQ(status_of("GET", path), 404) << path;
  }
  auto e = error_of("GET", "Patients/1");
  ASSERT_FALSE(e.issues().empty());
  EXPECT_EQ(e.issues()[0].code, "not-found");
  EXPECT_NE(e.issues()[0].diagnostics.find("Patients"), std::string::npos) << e.issues()[0].diagnostics;
}

TEST_F(FhirRouter, EveryConcreteTypeRoutes) {
  for (const auto& type : model_->resource_types()) {
    auto in = go("GET", type + "/x");
    EXPECT_EQ(in.kind, Kind::read) << type;
    EXPECT_EQ(in.type, type);
  }
}

// --- instance level ----------------------------------------------------------------------

TEST_F(FhirRouter, InstanceGetIsRead) {
  auto in = go("GET", "Patient/example");
  EXPECT_EQ(in.kind, Kind::read);
  EXPECT_EQ(in.type, "Patient");
  EXPECT_EQ(in.id, "example");
  EXPECT_FALSE(in.version.has_value());
}

TEST_F(FhirRouter, InstanceHeadRoutesAsRead) {
  auto in = go("HEAD", "Patient/example");
  EXPECT_EQ(in.kind, Kind::read);
  EXPECT_EQ(in.id, "example");
  EXPECT_EQ(go("HEAD", "").kind, Kind::search_system);
  EXPECT_EQ(go("HEAD", "Patient").kind, Kind::search_type);
  EXPECT_EQ(go("HEAD", "Patient/example/_history").kind, Kind::history_instance);
}

TEST_F(FhirRouter, InstancePutIsUpdate) {
  auto in = go("PUT", "Patient/example");
  EXPECT_EQ(in.kind, Kind::update);
  EXPECT_EQ(in.type, "Patient");
  EXPECT_EQ(in.id, "example");
}

TEST_F(FhirRouter, InstanceDeleteIsRemove) {
  auto in = go("DELETE", "Patient/example");
  EXPECT_EQ(in.kind, Kind::remove);
  EXPECT_EQ(in.id, "example");
}

TEST_F(FhirRouter, InstancePatch) {
  auto in = go("PATCH", "Patient/example");
  EXPECT_EQ(in.kind, Kind::patch);
  EXPECT_EQ(in.id, "example");
}

TEST_F(FhirRouter, InstancePostIsNotAllowed) {
  EXPECT_EQ(status_of("POST", "Patient/example"), 405);
  EXPECT_EQ(status_of("OPTIONS", "Patient/example"), 405);
  EXPECT_EQ(status_of("get", "Patient/example"), 405);  // methods are case-sensitive (RFC 9110 §9.1)
}

TEST_F(FhirRouter, InstanceHistory) {
  auto in = go("GET", "Patient/example/_history");
  EXPECT_EQ(in.kind, Kind::history_instance);
  EXPECT_EQ(in.type, "Patient");
  EXPECT_EQ(in.id, "example");
  EXPECT_EQ(status_of("POST", "Patient/example/_history"), 405);
  EXPECT_EQ(status_of("DELETE", "Patient/example/_history"), 405);
}

TEST_F(FhirRouter, Vread) {
  auto in = go("GET", "Patient/example/_history/3");
  EXPECT_EQ(in.kind, Kind::vread);
  EXPECT_EQ(in.type, "Patient");
  EXPECT_EQ(in.id, "example");
  ASSERT_TRUE(in.version.has_value());
  EXPECT_EQ(*in.version, 3);
  EXPECT_EQ(go("HEAD", "Patient/example/_history/1").kind, Kind::vread);
}

TEST_F(FhirRouter, VreadRefusesOtherMethods) {
  EXPECT_EQ(status_of("PUT", "Patient/example/_history/1"), 405);
  EXPECT_EQ(status_of("DELETE", "Patient/example/_history/1"), 405);
  EXPECT_EQ(status_of("POST", "Patient/example/_history/1"), 405);
}

TEST_F(FhirRouter, VersionThatCannotExistIsNotFound) {
  // Carnet assigns versions 1, 2, 3...: any other versionId names no version.
  for (std::string_view vid : {"0", "-1", "abc", "1a", "1.0", "99999999999999999999", "%20"}) {
    EXPECT_EQ(status_of("GET", "Patient/example/_history/" + std::string(vid)), 404) << vid;
  }
  auto e = error_of("GET", "Patient/example/_history/abc");
  ASSERT_FALSE(e.issues().empty());
  EXPECT_EQ(e.issues()[0].code, "not-found");
}

TEST_F(FhirRouter, InvalidIdIsBadRequest) {
  for (std::string_view path :
       {"Patient/a_b", "Patient/a%20b", "Patient/caf%C3%A9", "Patient/a:b", "Patient/a_b/_history",
        "Patient/a_b/_history/1", "Patient/a_b/Observation"}) {
    EXPECT_EQ(status_of("GET", path), 400) << path;
  }
  EXPECT_EQ(status_of("PUT", "Patient/a_b"), 400);
  EXPECT_EQ(status_of("DELETE", "Patient/a_b"), 400);
  auto e = error_of("GET", "Patient/a_b");
  ASSERT_FALSE(e.issues().empty());
  EXPECT_EQ(e.issues()[0].code, "invalid");
}

TEST_F(FhirRouter, IdLengthLimitIsSixtyFour) {
  EXPECT_EQ(go("GET", "Patient/" + std::string(64, 'a')).id, std::string(64, 'a'));
  EXPECT_EQ(status_of("GET", "Patient/" + std::string(65, 'a')), 400);
}

TEST_F(FhirRouter, InstanceOperation) {
  auto in = go("GET", "Patient/example/$everything");
  EXPECT_EQ(in.kind, Kind::operation);
  EXPECT_EQ(in.type, "Patient");
  EXPECT_EQ(in.id, "example");
  EXPECT_EQ(in.operation, "$everything");
}

TEST_F(FhirRouter, CompartmentSearch) {
  auto in = go("GET", "Patient/example/Observation");
  EXPECT_EQ(in.kind, Kind::search_compartment);
  EXPECT_EQ(in.type, "Patient");
  EXPECT_EQ(in.id, "example");
  EXPECT_EQ(in.compartment_type, "Observation");
  EXPECT_EQ(status_of("POST", "Patient/example/Observation"), 405);
  EXPECT_EQ(status_of("DELETE", "Patient/example/Observation"), 405);
  auto all = go("GET", "Patient/example/*");
  EXPECT_EQ(all.kind, Kind::search_compartment);
  EXPECT_EQ(all.compartment_type, "*");
}

TEST_F(FhirRouter, UnknownInstanceSubPathIsNotFound) {
  EXPECT_EQ(status_of("GET", "Patient/example/Foo"), 404);
  EXPECT_EQ(status_of("GET", "Patient/example/_search"), 404);
  EXPECT_EQ(status_of("GET", "Patient/example/_history/1/extra"), 404);
  EXPECT_EQ(status_of("GET", "Patient/example/Observation/1"), 404);
  EXPECT_EQ(status_of("GET", "Patient/example/foo/bar"), 404);
}

// --- percent-decoding of the path -----------------------------------------------------------

TEST_F(FhirRouter, PathSegmentsArePercentDecoded) {
  EXPECT_EQ(go("GET", "Pat%69ent/ex%61mple").id, "example");
  EXPECT_EQ(go("GET", "Pat%69ent/ex%61mple").type, "Patient");
  EXPECT_EQ(go("GET", "Patient/%2Dx%2e").id, "-x.");
  auto op = go("POST", "Patient/%24validate");
  EXPECT_EQ(op.kind, Kind::operation);
  EXPECT_EQ(op.operation, "$validate");
}

TEST_F(FhirRouter, PlusInPathIsNotASpace) {
  EXPECT_EQ(status_of("GET", "Patient/a+b"), 400);  // '+' is not an id character, and stays '+'
}

TEST_F(FhirRouter, EncodedSlashDoesNotSplitASegment) {
  EXPECT_EQ(status_of("GET", "Patient%2F1"), 404);
  EXPECT_EQ(status_of("GET", "Patient/1%2F_history"), 400);
}

TEST_F(FhirRouter, MalformedPercentEncodingIsBadRequest) {
  for (std::string_view path : {"Patient/a%", "Patient/a%2", "Patient/a%zz", "Patient/%g1", "%"}) {
    EXPECT_EQ(status_of("GET", path), 400) << path;
  }
}

TEST_F(FhirRouter, DotSegmentsAreBadRequest) {
  for (std::string_view path : {"Patient/../Observation", "Patient/..", "Patient/.", "./Patient",
                                "Patient/%2E%2E", "Patient/%2e/_history", "Patient/x/../Observation"}) {
    EXPECT_EQ(status_of("GET", path), 400) << path;
  }
  auto e = error_of("GET", "Patient/../Observation");
  ASSERT_FALSE(e.issues().empty());
  EXPECT_NE(e.issues()[0].diagnostics.find("'..' segment"), std::string::npos) << e.issues()[0].diagnostics;
  EXPECT_EQ(go("GET", "Patient/a..b").id, "a..b");  // dots inside an id are fine
}

TEST_F(FhirRouter, EmptySegmentsAreIgnored) {
  auto in = go("GET", "Patient/example/");
  EXPECT_EQ(in.kind, Kind::read);
  EXPECT_EQ(in.id, "example");
  EXPECT_EQ(go("GET", "Patient/").kind, Kind::search_type);
}

// --- parse_query -------------------------------------------------------------------------------

TEST(FhirRouterQuery, ParametersInOrder) {
  EXPECT_EQ(parse_query("name=Smith&birthdate=ge2000&_count=10"),
            (Params{{"name", "Smith"}, {"birthdate", "ge2000"}, {"_count", "10"}}));
}

TEST(FhirRouterQuery, EmptyQueryHasNoParameters) {
  EXPECT_TRUE(parse_query("").empty());
  EXPECT_TRUE(parse_query("&").empty());
  EXPECT_TRUE(parse_query("&&").empty());
}

TEST(FhirRouterQuery, RepeatedParametersAreAllKept) {
  EXPECT_EQ(parse_query("date=ge2020&date=le2021"), (Params{{"date", "ge2020"}, {"date", "le2021"}}));
}

TEST(FhirRouterQuery, PlusIsASpace) {
  EXPECT_EQ(parse_query("name=Jean+Pierre"), (Params{{"name", "Jean Pierre"}}));
  EXPECT_EQ(parse_query("a+b=c"), (Params{{"a b", "c"}}));
}

TEST(FhirRouterQuery, EncodedPlusIsAPlus) {
  EXPECT_EQ(parse_query("date=2026-11-29T19%3A03%3A33%2B01%3A00"),
            (Params{{"date", "2026-11-29T19:03:33+01:00"}}));
}

TEST(FhirRouterQuery, PercentDecoding) {
  EXPECT_EQ(parse_query("name=Ren%C3%A9e&code=http%3A%2F%2Floinc.org%7C1234-5"),
            (Params{{"name",
                     "Ren\xC3\xA9"
                     "e"},
                    {"code", "http://loinc.org|1234-5"}}));
  EXPECT_EQ(parse_query("a=%26%3D"), (Params{{"a", "&="}}));
  EXPECT_EQ(parse_query("a=%2b%2B"), (Params{{"a", "++"}}));
}

TEST(FhirRouterQuery, ParameterWithoutValue) {
  EXPECT_EQ(parse_query("_summary"), (Params{{"_summary", ""}}));
  EXPECT_EQ(parse_query("a=&b"), (Params{{"a", ""}, {"b", ""}}));
}

TEST(FhirRouterQuery, OnlyTheFirstEqualsSeparates) {
  EXPECT_EQ(parse_query("a=b=c"), (Params{{"a", "b=c"}}));
}

TEST(FhirRouterQuery, ModifiersStayInTheName) {
  EXPECT_EQ(parse_query("name:exact=Smith&subject:Patient=1"),
            (Params{{"name:exact", "Smith"}, {"subject:Patient", "1"}}));
}

TEST(FhirRouterQuery, MalformedPercentEncodingIsBadRequest) {
  for (std::string_view q : {"a=%", "a=%4", "a=%zz", "%=1", "a=b&c=%G0"}) {
    try {
      parse_query(q);
      ADD_FAILURE() << "accepted: " << q;
    } catch (const core::Error& e) {
      EXPECT_EQ(e.status(), 400) << q;
      ASSERT_FALSE(e.issues().empty());
      EXPECT_EQ(e.issues()[0].code, "invalid");
    }
  }
}

TEST(FhirRouterQuery, InteractionParamFindsTheFirstValue) {
  Interaction in;
  in.params = parse_query("_count=5&_count=7");
  ASSERT_NE(in.param("_count"), nullptr);
  EXPECT_EQ(*in.param("_count"), "5");
  EXPECT_EQ(in.param("_sort"), nullptr);
}

}  // namespace
}  // namespace carnet::http
