// FhirService on an in-memory store (no database: the PostgreSQL store is
// covered by the integration tests). Checks the service's own decisions:
// statuses, headers, id rules, audit fields, history paging.
#include "carnet/service/fhir_service.hpp"

#include <gtest/gtest.h>

#include <map>
#include <mutex>

#include "carnet/core/error.hpp"

namespace carnet::service {
namespace {

using core::Json;

// Keeps every version in memory, newest last; enough of ResourceStore for the services.
class MemoryStore final : public store::ResourceStore {
 public:
  std::optional<store::StoredVersion> read(const std::string& type, const std::string& id) override {
    auto it = versions_.find({type, id});
    if (it == versions_.end()) return std::nullopt;
    return it->second.back();
  }
  std::optional<store::StoredVersion> read_version(const std::string& type, const std::string& id,
                                                   int version) override {
    auto it = versions_.find({type, id});
    if (it == versions_.end() || version < 1 || version > static_cast<int>(it->second.size()))
      return std::nullopt;
    return it->second[static_cast<std::size_t>(version - 1)];
  }
  store::WriteResult write(const store::WriteRequest& req, core::AccessRecord& audit) override {
    auto& list = versions_[{req.type, req.id}];
    if (req.must_be_new && !list.empty()) throw core::conflict("exists");
    int current = list.empty() ? 0 : list.back().info.version;
    if (req.if_match && *req.if_match != current) throw core::precondition_failed("stale");
    store::WriteResult result;
    result.created = list.empty() || list.back().info.deleted;
    auto& v = result.stored;
    v.info = {req.type, req.id, current + 1, ++seq_, core::now(), false};
    v.method = req.must_be_new ? "POST" : "PUT";
    v.body = req.render(v.info.version, v.info.last_updated);
    v.patient = req.patient;
    audit.entity_version = v.info.version;
    req.complete_audit(audit, result);
    audits_.push_back(audit);
    list.push_back(v);
    return result;
  }
  store::RemoveResult remove(
      const std::string& type, const std::string& id, std::optional<int>, core::AccessRecord& audit,
      const std::function<void(core::AccessRecord&, const store::RemoveResult&)>& complete) override {
    store::RemoveResult result;
    auto it = versions_.find({type, id});
    result.existed = it != versions_.end();
    if (result.existed && !it->second.back().info.deleted) {
      store::StoredVersion v;
      v.info = {type, id, it->second.back().info.version + 1, ++seq_, core::now(), true};
      v.method = "DELETE";
      it->second.push_back(v);
      result.deletion = v.info;
    }
    complete(audit, result);
    audits_.push_back(audit);
    return result;
  }
  std::vector<store::StoredVersion> history(const store::HistoryQuery& q) override {
    std::vector<store::StoredVersion> all;
    for (const auto& [key, list] : versions_)
      for (const auto& v : list)
        if ((q.type.empty() || key.first == q.type) && (q.id.empty() || key.second == q.id) &&
            (!q.before_seq || v.info.seq < *q.before_seq))
          all.push_back(v);
    std::sort(all.begin(), all.end(), [](const auto& a, const auto& b) { return a.info.seq > b.info.seq; });
    if (all.size() > q.count + 1) all.resize(q.count + 1);
    return all;
  }
  void append_audit(std::span<const core::AccessRecord> records) override {
    std::lock_guard lock(mutex_);
    audits_.insert(audits_.end(), records.begin(), records.end());
  }
  std::vector<store::StoredAccess> list_audit(std::size_t, std::optional<std::int64_t>) override {
    return {};
  }
  std::int64_t count_audit() override { return static_cast<std::int64_t>(audits_.size()); }
  std::optional<store::StoredAccess> read_audit(std::int64_t) override { return std::nullopt; }

  std::vector<core::AccessRecord> audits_;

 private:
  std::mutex mutex_;
  std::map<std::pair<std::string, std::string>, std::vector<store::StoredVersion>> versions_;
  std::int64_t seq_ = 0;
};

class ServiceTest : public ::testing::Test {
 protected:
  static std::shared_ptr<const fhir::Model> model() {
    static auto m = fhir::Model::load(std::filesystem::path(CARNET_SOURCE_DIR) / "schemas");
    return m;
  }

  Reply call(Kind kind, const std::string& type, const std::string& id = {}, const std::string& body = {},
             std::vector<Param> params = {}) {
    Request r;
    r.interaction.kind = kind;
    r.interaction.type = type;
    r.interaction.id = id;
    r.interaction.params = std::move(params);
    r.body = body;
    r.base_url = "http://test/fhir";
    last_context = Context{};
    return service.handle(r, last_context);
  }

  MemoryStore store;
  audit::Trail trail{[this](std::span<const core::AccessRecord> r) { store.append_audit(r); }, 16};
  FhirService service{store, model(), trail, ServiceOptions{}};
  Context last_context;
};

TEST_F(ServiceTest, CreateAssignsANewIdAndAnswers201) {
  auto reply = call(Kind::create, "Patient", {}, R"({"resourceType":"Patient","id":"mine","active":true})");
  EXPECT_EQ(reply.status, 201);
  EXPECT_EQ(reply.etag, "W/\"1\"");
  Json body = core::parse_json(reply.body);
  EXPECT_NE(body["id"], "mine");
  EXPECT_EQ(reply.location, "http://test/fhir/Patient/" + body["id"].get<std::string>() + "/_history/1");
  EXPECT_TRUE(last_context.audited);
  EXPECT_EQ(last_context.audit.action, 'C');
  EXPECT_EQ(last_context.audit.patient, "Patient/" + body["id"].get<std::string>());
}

TEST_F(ServiceTest, UpdateRequiresTheUrlIdInTheBody) {
  EXPECT_THROW(call(Kind::update, "Patient", "a", R"({"resourceType":"Patient","id":"b"})"), core::Error);
  EXPECT_THROW(call(Kind::update, "Patient", "a", R"({"resourceType":"Patient"})"), core::Error);
  EXPECT_EQ(call(Kind::update, "Patient", "a", R"({"resourceType":"Patient","id":"a"})").status, 201);
  EXPECT_EQ(call(Kind::update, "Patient", "a", R"({"resourceType":"Patient","id":"a"})").status, 200);
  EXPECT_EQ(last_context.audit.action, 'U');
}

TEST_F(ServiceTest, ObservationAuditNamesItsPatient) {
  call(
      Kind::update, "Observation", "o",
      R"({"resourceType":"Observation","id":"o","status":"final","code":{"text":"t"},"subject":{"reference":"Patient/p9"}})");
  EXPECT_EQ(last_context.audit.patient, "Patient/p9");
  call(Kind::read, "Observation", "o");
  EXPECT_EQ(last_context.audit.patient, "Patient/p9");
  EXPECT_EQ(last_context.audit.entity_version, 1);
}

TEST_F(ServiceTest, ReadOfDeletedIsGoneWithTheDeletionsETag) {
  call(Kind::update, "Basic", "d", R"({"resourceType":"Basic","id":"d","code":{"text":"x"}})");
  EXPECT_EQ(call(Kind::remove, "Basic", "d").status, 204);
  try {
    call(Kind::read, "Basic", "d");
    FAIL() << "expected 410";
  } catch (const core::Error& e) {
    EXPECT_EQ(e.status(), 410);
    ASSERT_FALSE(e.headers().empty());
    EXPECT_EQ(e.headers().front(), (std::pair<std::string, std::string>{"ETag", "W/\"2\""}));
  }
  try {
    call(Kind::remove, "Basic", "never");
    FAIL() << "expected 404";
  } catch (const core::Error& e) {
    EXPECT_EQ(e.status(), 404);
    EXPECT_TRUE(last_context.audited);  // the store wrote the refusal's record
  }
}

TEST_F(ServiceTest, AuditEventIsReadOnly) {
  for (Kind k : {Kind::create, Kind::update, Kind::remove, Kind::history_instance}) {
    try {
      call(k, "AuditEvent", "1", R"({"resourceType":"AuditEvent"})");
      FAIL() << "expected 405";
    } catch (const core::Error& e) {
      EXPECT_EQ(e.status(), 405);
    }
  }
}

TEST_F(ServiceTest, HistoryPagesWithACursorLink) {
  for (int i = 0; i < 5; ++i)
    call(Kind::update, "Basic", "h", R"({"resourceType":"Basic","id":"h","code":{"text":"x"}})");
  auto reply = call(Kind::history_instance, "Basic", "h", {}, {{"_count", "2"}});
  Json bundle = core::parse_json(reply.body);
  EXPECT_EQ(bundle["type"], "history");
  ASSERT_EQ(bundle["entry"].size(), 2u);
  EXPECT_EQ(bundle["entry"][0]["resource"]["meta"]["versionId"], "5");
  std::string next;
  for (const auto& l : bundle["link"])
    if (l["relation"] == "next") next = l["url"];
  EXPECT_NE(next.find("http://test/fhir/Basic/h/_history?_count=2&_cursor="), std::string::npos) << next;
}

TEST_F(ServiceTest, SearchIsRefusedClearlyUntilItExists) {
  try {
    call(Kind::search_type, "Patient", {}, {}, {{"name", "x"}});
    FAIL() << "expected 400";
  } catch (const core::Error& e) {
    EXPECT_EQ(e.status(), 400);
    EXPECT_EQ(e.issues().front().code, "not-supported");
  }
}

}  // namespace
}  // namespace carnet::service
