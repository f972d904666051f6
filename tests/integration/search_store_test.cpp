// The PostgreSQL store's search index and search SQL (http://hl7.org/fhir/R4/search.html),
// driven directly through ResourceStore with hand-made index entries and query
// trees. Each test uses resource types of its own (random names), so the shared
// database's other rows never match, and asserts the exact ids returned.
#include <gtest/gtest.h>

#include <deque>
#include <future>
#include <pqxx/pqxx>
#include <random>
#include <set>

#include "carnet/core/error.hpp"
#include "carnet/store/pg_store.hpp"
#include "store/pg/patient_key.hpp"
#include "store/pg/search_cursor.hpp"
#include "store/pg/search_includes.hpp"
#include "support/test_server.hpp"

namespace carnet::testing {
namespace {

using search::Criterion;
using search::Modifier;
using search::ParamType;
using search::Prefix;
using Ids = std::vector<std::string>;

std::string random_suffix() {
  static std::mt19937_64 rng{std::random_device{}()};
  std::string out;
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>('a' + rng() % 26));
  return out;
}

core::InstantRange range(const std::string& text) {
  auto r = core::parse_fhir_date_range(text);
  if (!r) throw std::runtime_error("bad date " + text);
  return *r;
}

class SearchStore : public ::testing::Test {
 protected:
  static store::ResourceStore& db() {
    static auto store = store::make_pg_store(TestServer::shared().database_url(), 4, 16 << 20);
    return *store;
  }

  /// A resource type of this test only.
  std::string type(const std::string& stem) { return stem + "X" + suffix_; }

  const search::SearchParameter* param(const std::string& base, const std::string& code, ParamType t,
                                       std::vector<std::string> targets = {}) {
    search::SearchParameter p;
    p.base = base;
    p.code = code;
    p.type = t;
    p.targets = std::move(targets);
    p.key = search::index_key(base, code);
    params_.push_back(std::move(p));
    return &params_.back();
  }

  store::WriteRequest request(const std::string& t, const std::string& id, search::IndexEntries index) {
    store::WriteRequest r;
    r.type = t;
    r.id = id;
    r.index = std::move(index);
    r.render = [t, id](int, core::Instant) {
      return R"({"resourceType":")" + t + R"(","id":")" + id + "\"}";
    };
    r.complete_audit = [](core::AccessRecord&, const store::WriteResult&) {};
    return r;
  }
  store::VersionInfo create(const std::string& t, const std::string& id, search::IndexEntries index = {}) {
    auto r = request(t, id, std::move(index));
    r.must_be_new = true;
    core::AccessRecord audit;
    return db().write(r, audit).stored.info;
  }
  store::VersionInfo put(const std::string& t, const std::string& id, search::IndexEntries index = {}) {
    core::AccessRecord audit;
    return db().write(request(t, id, std::move(index)), audit).stored.info;
  }
  void remove(const std::string& t, const std::string& id) {
    core::AccessRecord audit;
    db().remove(t, id, std::nullopt, audit, [](core::AccessRecord&, const store::RemoveResult&) {});
  }

  static search::Query query(const std::string& t) {
    search::Query q;
    q.types = {t};
    return q;
  }
  static Criterion value(const search::SearchParameter* p, std::vector<search::QueryValue> values,
                         Modifier m = Modifier::none) {
    Criterion c;
    c.resource_type = p->base;
    c.param = p;
    c.modifier = m;
    c.values = std::move(values);
    return c;
  }
  static Ids ids(const std::vector<store::SharedVersion>& versions) {
    Ids out;
    for (const auto& v : versions) out.push_back(v->info.id);
    return out;
  }
  /// Ids of the matches of `q` with one criterion, sorted (default order is creation order).
  Ids find(const std::string& t, Criterion c) {
    auto q = query(t);
    q.criteria.push_back(std::move(c));
    return ids(db().search(q).matches);
  }

  std::string suffix_ = random_suffix();
  std::deque<search::SearchParameter> params_;  // stable addresses for Criterion::param
};

search::Entry<search::DateValue> date_entry(std::int32_t key, core::Instant low, core::Instant high) {
  return {key, {low, high}};
}
search::DateQuery date_query(Prefix prefix, const std::string& text) {
  auto r = range(text);
  return {prefix, r.start, r.end};
}
search::TokenQuery code(std::optional<std::string> system, std::optional<std::string> c) {
  search::TokenQuery q;
  q.system = std::move(system);
  q.code = std::move(c);
  return q;
}

// create_async: the caller goes on at once; the version is indexed and
// readable when `done` reports it, and a taken id is refused through `done`
// with nothing written.
TEST_F(SearchStore, AsyncCreatesAreIndexedAndRefuseATakenId) {
  const auto t = type("Obs");
  const auto* date = param(t, "date", ParamType::date);
  auto create_async = [&](const std::string& id) {
    search::IndexEntries e;
    e.dates.push_back(date_entry(date->key, range("2020-03-15").start, range("2020-03-15").end));
    auto r = request(t, id, std::move(e));
    r.must_be_new = true;
    std::promise<std::pair<std::optional<store::WriteResult>, int>> outcome;
    core::AccessRecord audit;
    db().create_async(std::move(r), audit,
                      [&](std::optional<store::WriteResult> result, std::exception_ptr error) {
                        int status = 0;
                        try {
                          if (error) std::rethrow_exception(error);
                        } catch (const core::Error& refused) {
                          status = refused.status();
                        }
                        outcome.set_value({std::move(result), status});
                      });
    return outcome.get_future().get();
  };
  auto [first, first_status] = create_async("a1");
  ASSERT_TRUE(first) << first_status;
  EXPECT_EQ(first->stored.info.version, 1);
  EXPECT_GT(first->stored.info.seq, 0);
  EXPECT_TRUE(first->created);
  EXPECT_EQ(find(t, value(date, {date_query(Prefix::eq, "2020-03")})), Ids{"a1"});
  ASSERT_TRUE(db().read(t, "a1"));
  EXPECT_EQ(db().read(t, "a1")->info.seq, first->stored.info.seq);

  auto [again, again_status] = create_async("a1");
  EXPECT_FALSE(again);
  EXPECT_EQ(again_status, 409);
  EXPECT_EQ(find(t, value(date, {date_query(Prefix::eq, "2020-03")})), Ids{"a1"});
  EXPECT_EQ(
      TestServer::shared().sql_scalar("SELECT count(*) FROM resource_version WHERE res_type = '" + t + "'"),
      1);
}

TEST_F(SearchStore, DatePrefixesCompareRanges) {
  const auto t = type("Obs");
  const auto* date = param(t, "date", ParamType::date);
  auto add = [&](const std::string& id, core::Instant low, core::Instant high) {
    search::IndexEntries e;
    e.dates.push_back(date_entry(date->key, low, high));
    create(t, id, e);
  };
  add("day", range("2020-03-15").start, range("2020-03-15").end);
  add("month", range("2020-03").start, range("2020-03").end);
  add("year", range("2020").start, range("2020").end);
  add("open-end", range("2020-03-10").start, core::kMaxInstant);
  add("open-start", core::kMinInstant, range("2020-02-01").start);
  add("later", range("2021-06-01").start, range("2021-06-01").end);
  create(t, "none");
  auto by = [&](Prefix p, const std::string& v) { return find(t, value(date, {date_query(p, v)})); };
  EXPECT_EQ(by(Prefix::eq, "2020-03"), (Ids{"day", "month"}));
  EXPECT_EQ(by(Prefix::eq, "2020"), (Ids{"day", "month", "year"}));
  EXPECT_EQ(by(Prefix::ne, "2020-03"), (Ids{"year", "open-end", "open-start", "later"}));
  EXPECT_EQ(by(Prefix::gt, "2020-03"), (Ids{"year", "open-end", "later"}));
  EXPECT_EQ(by(Prefix::lt, "2020-03"), (Ids{"year", "open-start"}));
  EXPECT_EQ(by(Prefix::ge, "2020-03"), (Ids{"day", "month", "year", "open-end", "later"}));
  EXPECT_EQ(by(Prefix::le, "2020-03"), (Ids{"day", "month", "year", "open-start"}));
  EXPECT_EQ(by(Prefix::sa, "2020-03"), (Ids{"later"}));
  EXPECT_EQ(by(Prefix::eb, "2020-03"), (Ids{"open-start"}));
  EXPECT_EQ(by(Prefix::eq, "2020-03-15T10:00:00Z"), Ids{});  // a day is not within one second
  // ap widens the query by 10 % of its distance to now (years here): the
  // ranges around mid-2021 overlap, March 2020 and before do not.
  EXPECT_EQ(by(Prefix::ap, "2021-06-01"), (Ids{"year", "open-end", "later"}));
  // Values are OR-ed.
  EXPECT_EQ(find(t, value(date, {date_query(Prefix::sa, "2020-03"), date_query(Prefix::eb, "2020-03")})),
            (Ids{"open-start", "later"}));
}

TEST_F(SearchStore, LastUpdatedAndIds) {
  const auto t = type("Obs");
  const auto before = core::now();
  create(t, "a");
  create(t, "b");
  Criterion updated;
  updated.kind = Criterion::Kind::last_updated;
  updated.values = {search::DateQuery{Prefix::gt, before - std::chrono::seconds(1), before}};
  EXPECT_EQ(find(t, updated), (Ids{"a", "b"}));
  updated.values = {search::DateQuery{Prefix::lt, before, before + std::chrono::seconds(1)}};
  EXPECT_EQ(find(t, updated), Ids{});
  Criterion id;
  id.kind = Criterion::Kind::id;
  id.ids = {"b", "zz"};
  EXPECT_EQ(find(t, id), Ids{"b"});
  id.modifier = Modifier::not_;
  EXPECT_EQ(find(t, id), Ids{"a"});
}

TEST_F(SearchStore, NumberPrefixes) {
  const auto t = type("Risk");
  const auto* n = param(t, "probability", ParamType::number);
  for (auto [id, v, lo, hi] : std::vector<std::array<std::string, 4>>{{"n100", "100", "99.5", "100.5"},
                                                                      {"n99.7", "99.7", "99.65", "99.75"},
                                                                      {"n101", "101", "100.5", "101.5"},
                                                                      {"n5", "5", "4.5", "5.5"}}) {
    search::IndexEntries e;
    e.numbers.push_back({n->key, {v, lo, hi}});
    create(t, id, e);
  }
  // Ranges (no value): [99, 101] and an open one, up to 50.
  for (auto [id, lo, hi] :
       std::vector<std::array<std::string, 3>>{{"range", "99", "101"}, {"open", "", "50"}}) {
    search::IndexEntries e;
    e.numbers.push_back({n->key, {"", lo, hi}});
    create(t, id, e);
  }
  auto by = [&](Prefix p) { return find(t, value(n, {search::NumberQuery{p, {"100", "99.5", "100.5"}}})); };
  EXPECT_EQ(by(Prefix::eq), (Ids{"n100", "n99.7"}));
  EXPECT_EQ(by(Prefix::ne), (Ids{"n101", "n5", "range", "open"}));
  EXPECT_EQ(by(Prefix::gt), (Ids{"n101", "range"}));
  EXPECT_EQ(by(Prefix::lt), (Ids{"n99.7", "n5", "range", "open"}));
  // ge/le are gt/lt or eq (within 100's precision); sa/eb are beyond the whole range.
  EXPECT_EQ(by(Prefix::ge), (Ids{"n100", "n99.7", "n101", "range"}));
  EXPECT_EQ(by(Prefix::le), (Ids{"n100", "n99.7", "n5", "range", "open"}));
  EXPECT_EQ(by(Prefix::sa), (Ids{"n101"}));
  EXPECT_EQ(by(Prefix::eb), (Ids{"n5", "open"}));
  EXPECT_EQ(by(Prefix::ap), (Ids{"n100", "n99.7", "n101", "range"}));
}

TEST_F(SearchStore, QuantitiesMatchUnitsAndCanonicalForms) {
  const auto t = type("Obs");
  const auto* q = param(t, "value-quantity", ParamType::quantity);
  const std::string ucum = "http://unitsofmeasure.org";
  auto add = [&](const std::string& id, search::NumberValue v, std::string system, std::string c,
                 std::optional<search::NumberValue> canonical, std::string canonical_code) {
    search::IndexEntries e;
    e.quantities.push_back({q->key, {v, system, c, c, canonical, canonical_code}});
    create(t, id, e);
  };
  add("mg", {"5", "4.5", "5.5"}, ucum, "mg", search::NumberValue{"0.005", "0.0045", "0.0055"}, "g");
  add("g", {"0.005", "0.0045", "0.0055"}, ucum, "g", search::NumberValue{"0.005", "0.0045", "0.0055"}, "g");
  add("mg-no-system", {"5", "4.5", "5.5"}, "", "mg", std::nullopt, "");
  add("tablets", {"5", "4.5", "5.5"}, "", "tablets", std::nullopt, "");
  auto quantity = [](Prefix p, search::NumberValue v, std::optional<std::string> system, std::string c) {
    search::QuantityQuery qq;
    qq.prefix = p;
    qq.value = std::move(v);
    qq.system = std::move(system);
    qq.code = std::move(c);
    return qq;
  };
  auto five_mg = quantity(Prefix::eq, {"5", "4.5", "5.5"}, ucum, "mg");
  five_mg.canonical = search::NumberValue{"0.005", "0.0045", "0.0055"};
  five_mg.canonical_code = "g";
  EXPECT_EQ(find(t, value(q, {five_mg})), (Ids{"mg", "g"}));
  five_mg.system.reset();  // 5||mg: any system, rows without a canonical form by their code
  EXPECT_EQ(find(t, value(q, {five_mg})), (Ids{"mg", "g", "mg-no-system"}));
  EXPECT_EQ(find(t, value(q, {quantity(Prefix::eq, {"5", "4.5", "5.5"}, std::nullopt, "tablets")})),
            Ids{"tablets"});
  EXPECT_EQ(find(t, value(q, {quantity(Prefix::gt, {"4", "3.5", "4.5"}, std::nullopt, "")})),
            (Ids{"mg", "mg-no-system", "tablets"}));
}

TEST_F(SearchStore, StringsStartWithExactAndContains) {
  const auto t = type("Pat");
  const auto* name = param(t, "name", ParamType::string);
  for (auto [id, norm, exact] : std::vector<std::array<std::string, 3>>{{"evelyne", "evelyne", "Évelyne"},
                                                                        {"eve", "eve", "Eve"},
                                                                        {"eve-lower", "eve", "eve"},
                                                                        {"steve", "steve", "Steve"},
                                                                        {"percent", "ab%c", "ab%c"},
                                                                        {"abxc", "abxc", "abxc"}}) {
    search::IndexEntries e;
    e.strings.push_back({name->key, {norm, exact}});
    create(t, id, e);
  }
  auto by = [&](const std::string& norm, const std::string& exact, Modifier m) {
    return find(t, value(name, {search::StringQuery{norm, exact}}, m));
  };
  EXPECT_EQ(by("eve", "eve", Modifier::none), (Ids{"evelyne", "eve", "eve-lower"}));
  EXPECT_EQ(by("eve", "Eve", Modifier::exact), Ids{"eve"});
  EXPECT_EQ(by("evelyne", "Évelyne", Modifier::exact), Ids{"evelyne"});
  EXPECT_EQ(by("eve", "eve", Modifier::contains), (Ids{"evelyne", "eve", "eve-lower", "steve"}));
  // LIKE's wildcards in a value are literal characters.
  EXPECT_EQ(by("ab%", "ab%", Modifier::none), Ids{"percent"});
  EXPECT_EQ(by("b_c", "b_c", Modifier::contains), Ids{});
}

TEST_F(SearchStore, TokenForms) {
  const auto t = type("Obs");
  const auto* c = param(t, "code", ParamType::token);
  const std::string loinc = "http://loinc.org", sct = "http://snomed.info/sct";
  auto add = [&](const std::string& id, std::vector<search::TokenValue> values) {
    search::IndexEntries e;
    for (auto& v : values) e.tokens.push_back({c->key, std::move(v)});
    create(t, id, e);
  };
  add("loinc", {{loinc, "1234-5", "blood pressure", "", ""}});
  add("sct", {{sct, "1234-5", "", "", ""}});
  add("nosys", {{"", "1234-5", "", "", ""}});
  add("loinc2", {{loinc, "9999-9", "heart rate", "", ""}});
  add("none", {});
  add("ins",
      {{"urn:oid:1.2.250.1.213.1.4.8", "123", "", "http://terminology.hl7.org/CodeSystem/v2-0203", "NI"}});
  auto by = [&](search::TokenQuery q, Modifier m = Modifier::none) { return find(t, value(c, {q}, m)); };
  EXPECT_EQ(by(code(std::nullopt, "1234-5")), (Ids{"loinc", "sct", "nosys"}));
  EXPECT_EQ(by(code(loinc, "1234-5")), Ids{"loinc"});
  EXPECT_EQ(by(code("", "1234-5")), Ids{"nosys"});
  EXPECT_EQ(by(code(loinc, std::nullopt)), (Ids{"loinc", "loinc2"}));
  EXPECT_EQ(by(code(loinc, "1234-5"), Modifier::not_), (Ids{"sct", "nosys", "loinc2", "none", "ins"}));
  search::TokenQuery text;
  text.text = "blood";
  EXPECT_EQ(by(text, Modifier::text), Ids{"loinc"});
  search::TokenQuery in;
  in.codes = {{loinc, "9999-9"}, {sct, "1234-5"}, {sct, "9999-9"}};
  EXPECT_EQ(by(in, Modifier::in), (Ids{"sct", "loinc2"}));
  EXPECT_EQ(by(in, Modifier::not_in), (Ids{"loinc", "nosys", "none", "ins"}));
  search::TokenQuery system_only;
  system_only.whole_systems = {loinc};
  EXPECT_EQ(by(system_only, Modifier::in), (Ids{"loinc", "loinc2"}));
  EXPECT_EQ(by(search::TokenQuery{}, Modifier::in), Ids{});  // an empty value set holds nothing
  auto of_type = code(std::nullopt, "123");
  of_type.type_system = "http://terminology.hl7.org/CodeSystem/v2-0203";
  of_type.type_code = "NI";
  EXPECT_EQ(by(of_type, Modifier::of_type), Ids{"ins"});
  of_type.type_code = "MR";
  EXPECT_EQ(by(of_type, Modifier::of_type), Ids{});
}

TEST_F(SearchStore, ReferenceForms) {
  const auto t = type("Obs"), patient = type("Pat"), group = type("Grp");
  const auto* subject = param(t, "subject", ParamType::reference, {patient, group});
  auto add = [&](const std::string& id, search::ReferenceValue v) {
    search::IndexEntries e;
    e.references.push_back({subject->key, std::move(v)});
    create(t, id, e);
  };
  add("to-patient", {patient, "p1", std::nullopt, "", "", "", ""});
  add("to-group", {group, "p1", std::nullopt, "", "", "", ""});
  add("external", {"", "", std::nullopt, "http://other.org/fhir/Patient/9", "", "", ""});
  add("versioned", {patient, "p2", 3, "", "", "", ""});
  add("identifier", {"", "", std::nullopt, "", "", "urn:ins", "42"});
  add("canonical", {"", "", std::nullopt, "http://x.org/Questionnaire/q", "2", "", ""});
  auto ref = [](std::string target_type, std::string id) {
    search::ReferenceQuery q;
    q.type = std::move(target_type);
    q.id = std::move(id);
    return q;
  };
  EXPECT_EQ(find(t, value(subject, {ref("", "p1")})), (Ids{"to-patient", "to-group"}));
  EXPECT_EQ(find(t, value(subject, {ref(patient, "p1")})), Ids{"to-patient"});
  auto typed = value(subject, {ref("", "p1")}, Modifier::type);
  typed.target_types = {group};
  EXPECT_EQ(find(t, typed), Ids{"to-group"});
  auto version = ref(patient, "p2");
  version.version = 3;
  EXPECT_EQ(find(t, value(subject, {version})), Ids{"versioned"});
  version.version = 2;
  EXPECT_EQ(find(t, value(subject, {version})), Ids{});
  search::ReferenceQuery url;
  url.url = "http://other.org/fhir/Patient/9";
  EXPECT_EQ(find(t, value(subject, {url})), Ids{"external"});
  search::ReferenceQuery canonical;
  canonical.url = "http://x.org/Questionnaire/q";
  EXPECT_EQ(find(t, value(subject, {canonical})), Ids{"canonical"});
  canonical.canonical_version = "2";
  EXPECT_EQ(find(t, value(subject, {canonical})), Ids{"canonical"});
  canonical.canonical_version = "1";
  EXPECT_EQ(find(t, value(subject, {canonical})), Ids{});
  search::ReferenceQuery identifier;
  identifier.identifier_value = "42";
  EXPECT_EQ(find(t, value(subject, {identifier}, Modifier::identifier)), Ids{"identifier"});
  identifier.identifier_system = "urn:other";
  EXPECT_EQ(find(t, value(subject, {identifier}, Modifier::identifier)), Ids{});
}

TEST_F(SearchStore, UriBelowAboveAndMissing) {
  const auto t = type("Vs");
  const auto* url = param(t, "url", ParamType::uri);
  const auto* title = param(t, "title", ParamType::string);
  for (auto [id, u] :
       std::vector<std::array<std::string, 2>>{{"vs123", "http://acme.org/fhir/ValueSet/123"},
                                               {"vs1234", "http://acme.org/fhir/ValueSet/1234"},
                                               {"fhirx", "http://acme.org/fhirx/a"},
                                               {"base", "http://acme.org/fhir"}}) {
    search::IndexEntries e;
    e.uris.push_back({url->key, {u}});
    if (id == "base") e.strings.push_back({title->key, {"base", "Base"}});
    create(t, id, e);
  }
  auto by = [&](const std::string& u, Modifier m) { return find(t, value(url, {search::UriQuery{u}}, m)); };
  EXPECT_EQ(by("http://acme.org/fhir/ValueSet/123", Modifier::none), Ids{"vs123"});
  EXPECT_EQ(by("http://acme.org/fhir", Modifier::below), (Ids{"vs123", "vs1234", "base"}));
  EXPECT_EQ(by("http://acme.org/fhir/ValueSet/123/_history/5", Modifier::above), (Ids{"vs123", "base"}));
  Criterion missing;
  missing.kind = Criterion::Kind::missing;
  missing.resource_type = t;
  missing.param = title;
  missing.missing = true;
  EXPECT_EQ(find(t, missing), (Ids{"vs123", "vs1234", "fhirx"}));
  missing.missing = false;
  EXPECT_EQ(find(t, missing), Ids{"base"});
}

TEST_F(SearchStore, TextContentListAndCompartment) {
  const auto t = type("Doc");
  search::IndexEntries a;
  a.narrative = "discharge letter cardiology";
  a.content = "final discharge letter";
  a.compartment_patients = {"pat-" + suffix_};
  create(t, "a", a);
  search::IndexEntries b;
  b.content = "lab report";
  create(t, "b", b);
  Criterion text;
  text.kind = Criterion::Kind::text;
  text.values = {search::StringQuery{"cardio", "cardio"}};
  EXPECT_EQ(find(t, text), Ids{"a"});
  Criterion content;
  content.kind = Criterion::Kind::content;
  content.values = {search::StringQuery{"report", "report"}, search::StringQuery{"final", "final"}};
  EXPECT_EQ(find(t, content), (Ids{"a", "b"}));
  // _list: the items of List/<id>.
  const std::string list = "list-" + suffix_;
  search::IndexEntries items;
  items.references.push_back({search::index_key("List", "item"), {t, "b", std::nullopt, "", "", "", ""}});
  create("List", list, items);
  Criterion in_list;
  in_list.kind = Criterion::Kind::list;
  in_list.ids = {list};
  EXPECT_EQ(find(t, in_list), Ids{"b"});
  auto q = query(t);
  q.compartment_patient = "pat-" + suffix_;
  EXPECT_EQ(ids(db().search(q).matches), Ids{"a"});
}

// Searches scoped to one patient read codes through the token rows' patient
// key (store/pg/patient_key.hpp): the results must be those of the plain
// criteria, whatever the key says — several patients (key 0), a row left at
// 0 (written before migration 0006), another patient whose key collides.
TEST_F(SearchStore, PatientScopedCodeSearches) {
  const auto t = type("Obs");
  const auto* code_param = param(t, "code", ParamType::token);
  const auto* subject = param(t, "subject", ParamType::reference, {"Patient", "Group"});
  const auto* performer = param(t, "performer", ParamType::reference, {"Patient", "Practitioner"});
  const std::string pa = "pa-" + suffix_, pb = "pb-" + suffix_, pc = "pc-" + suffix_;
  const std::string loinc = "http://loinc.org";
  auto obs = [&](const std::string& id, const std::string& c, std::vector<std::string> subjects,
                 std::vector<std::string> performers, std::vector<std::string> compartment,
                 bool update = false) {
    search::IndexEntries e;
    e.tokens.push_back({code_param->key, {loinc, c, "", "", ""}});
    for (const auto& p : subjects)
      e.references.push_back({subject->key, {"Patient", p, std::nullopt, "", "", "", ""}});
    for (const auto& p : performers)
      e.references.push_back({performer->key, {"Patient", p, std::nullopt, "", "", "", ""}});
    e.compartment_patients = std::move(compartment);
    return update ? put(t, id, e) : create(t, id, e);
  };
  obs("a", "8302-2", {pa}, {}, {pa});
  obs("b", "8302-2", {pb}, {}, {pb});
  obs("both", "8302-2", {pa}, {pb}, {pa, pb});  // two patients: key 0
  obs("comp", "8302-2", {}, {}, {pa});          // in A's compartment only
  obs("other", "29463-7", {pa}, {}, {pa});
  obs("old", "8302-2", {pa}, {}, {pa});
  obs("collide", "8302-2", {pc}, {}, {pc});

  pqxx::connection conn(TestServer::shared().database_url());
  pqxx::nontransaction sql(conn);
  auto key_of = [&](std::int64_t rid) {
    return sql.exec_params1("SELECT DISTINCT pat FROM idx_token WHERE rid = $1", rid)[0].as<std::int32_t>();
  };
  // The key written is the C++ hash, which is also the migration's SQL one.
  const auto rid_a = sql.exec_params1("SELECT rid FROM resource WHERE res_type = $1 AND res_id = 'a'", t)[0]
                         .as<std::int64_t>();
  EXPECT_EQ(key_of(rid_a), store::pg::patient_key(pa));
  EXPECT_EQ(sql.exec_params1("SELECT ('x' || left(md5($1), 8))::bit(32)::int", pa)[0].as<std::int32_t>(),
            store::pg::patient_key(pa));
  const auto rid_both =
      sql.exec_params1("SELECT rid FROM resource WHERE res_type = $1 AND res_id = 'both'", t)[0]
          .as<std::int64_t>();
  EXPECT_EQ(key_of(rid_both), 0);
  sql.exec_params(
      "UPDATE idx_token SET pat = 0 WHERE rid = (SELECT rid FROM resource WHERE res_type = $1 AND "
      "res_id = 'old')",
      t);
  sql.exec_params(
      "UPDATE idx_token SET pat = $2 WHERE rid = (SELECT rid FROM resource WHERE res_type = $1 AND "
      "res_id = 'collide')",
      t, store::pg::patient_key(pa));

  auto scoped = [&](const search::SearchParameter* by, const std::string& patient, const std::string& c) {
    auto q = query(t);
    q.criteria.push_back(
        value(by, {search::ReferenceQuery{"Patient", patient, std::nullopt, "", "", {}, ""}}));
    q.criteria.push_back(value(code_param, {code(loinc, c)}));
    return ids(db().search(q).matches);
  };
  // "collide" (patient C, with A's key) is a candidate of A's search, checked out.
  EXPECT_EQ(scoped(subject, pa, "8302-2"), (Ids{"a", "both", "old"}));
  EXPECT_EQ(scoped(subject, pb, "8302-2"), Ids{"b"});
  EXPECT_EQ(scoped(performer, pb, "8302-2"), Ids{"both"});
  EXPECT_EQ(scoped(subject, pa, "29463-7"), Ids{"other"});
  auto in_compartment = [&](const std::string& patient) {
    auto q = query(t);
    q.compartment_patient = patient;
    q.criteria.push_back(value(code_param, {code(std::nullopt, "8302-2")}));
    return ids(db().search(q).matches);
  };
  EXPECT_EQ(in_compartment(pa), (Ids{"a", "both", "comp", "old"}));
  EXPECT_EQ(in_compartment(pb), (Ids{"b", "both"}));

  // A new subject moves the resource to the other patient's key.
  obs("a", "8302-2", {pb}, {}, {pb}, true);
  EXPECT_EQ(key_of(rid_a), store::pg::patient_key(pb));
  EXPECT_EQ(scoped(subject, pa, "8302-2"), (Ids{"both", "old"}));
  EXPECT_EQ(scoped(subject, pb, "8302-2"), (Ids{"a", "b"}));
}

// Searches scoped to one patient with a date criterion read that patient's
// date rows through idx_date_patient (migration 0007), grouped per resource,
// with the first sort value when _sort is on the same date: the results and
// their order must be those of the plain criteria — a resource with several
// dates (any matches; sorted by its latest), several patients (key 0), a row
// left at 0, another patient whose key collides, the compartment form.
TEST_F(SearchStore, PatientScopedDateSearches) {
  const auto t = type("Obs");
  const auto* date = param(t, "date", ParamType::date);
  const auto* subject = param(t, "subject", ParamType::reference, {"Patient", "Group"});
  const auto* performer = param(t, "performer", ParamType::reference, {"Patient", "Practitioner"});
  const std::string pa = "pa-" + suffix_, pb = "pb-" + suffix_, pc = "pc-" + suffix_;
  auto obs = [&](const std::string& id, std::vector<std::string> days, std::vector<std::string> subjects,
                 std::vector<std::string> performers, std::vector<std::string> compartment) {
    search::IndexEntries e;
    for (const auto& d : days) e.dates.push_back(date_entry(date->key, range(d).start, range(d).end));
    for (const auto& p : subjects)
      e.references.push_back({subject->key, {"Patient", p, std::nullopt, "", "", "", ""}});
    for (const auto& p : performers)
      e.references.push_back({performer->key, {"Patient", p, std::nullopt, "", "", "", ""}});
    e.compartment_patients = std::move(compartment);
    create(t, id, e);
  };
  obs("jan", {"2021-01-10"}, {pa}, {}, {pa});
  obs("mar", {"2021-03-10"}, {pa}, {}, {pa});
  obs("old", {"2019-05-01"}, {pa}, {}, {pa});
  obs("two", {"2018-01-01", "2022-06-01"}, {pa}, {}, {pa});  // sorted by 2022 descending, by 2018 ascending
  obs("both", {"2021-02-10"}, {pa}, {pb}, {pa, pb});         // two patients: key 0
  obs("zero", {"2021-04-10"}, {pa}, {}, {pa});
  obs("comp", {"2021-05-10"}, {}, {}, {pa});  // in A's compartment only
  obs("nodate", {}, {pa}, {}, {pa});
  obs("b", {"2021-01-20"}, {pb}, {}, {pb});
  obs("collide", {"2021-06-10"}, {pc}, {}, {pc});

  pqxx::connection conn(TestServer::shared().database_url());
  pqxx::nontransaction sql(conn);
  auto rid_of = [&](const std::string& id) {
    return sql.exec_params1("SELECT rid FROM resource WHERE res_type = $1 AND res_id = $2", t, id)[0]
        .as<std::int64_t>();
  };
  auto key_of = [&](const std::string& id) {
    return sql.exec_params1("SELECT DISTINCT pat FROM idx_date WHERE rid = $1", rid_of(id))[0]
        .as<std::int32_t>();
  };
  EXPECT_EQ(key_of("jan"), store::pg::patient_key(pa));
  EXPECT_EQ(key_of("both"), 0);
  sql.exec_params("UPDATE idx_date SET pat = 0 WHERE rid = $1", rid_of("zero"));
  sql.exec_params("UPDATE idx_date SET pat = $2 WHERE rid = $1", rid_of("collide"),
                  store::pg::patient_key(pa));

  auto search = [&](const std::optional<std::string>& patient, const std::optional<std::string>& compartment,
                    std::vector<search::QueryValue> dates, std::optional<bool> descending) {
    auto q = query(t);
    if (patient) {
      q.criteria.push_back(
          value(subject, {search::ReferenceQuery{"Patient", *patient, std::nullopt, "", "", {}, ""}}));
    }
    q.compartment_patient = compartment;
    q.criteria.push_back(value(date, std::move(dates)));
    if (descending) q.sort.push_back({date, date->code, *descending});
    return ids(db().search(q).matches);
  };
  const auto since_2021 = date_query(Prefix::ge, "2021");
  // "collide" (patient C with A's key) is read and checked out; "zero" is read at key 0.
  EXPECT_EQ(search(pa, {}, {since_2021}, true), (Ids{"two", "zero", "mar", "both", "jan"}));
  EXPECT_EQ(search(pa, {}, {since_2021}, false), (Ids{"two", "jan", "both", "mar", "zero"}));
  EXPECT_EQ(search(pa, {}, {since_2021}, std::nullopt), (Ids{"jan", "mar", "two", "both", "zero"}));
  EXPECT_EQ(search(pa, {}, {date_query(Prefix::lt, "2019-06")}, true), (Ids{"two", "old"}));
  EXPECT_EQ(search(pa, {}, {date_query(Prefix::eq, "2019-05"), date_query(Prefix::eq, "2021-03")}, true),
            (Ids{"mar", "old"}));
  EXPECT_EQ(search(pb, {}, {since_2021}, true), Ids{"b"});
  EXPECT_EQ(search({}, pa, {since_2021}, true), (Ids{"two", "comp", "zero", "mar", "both", "jan"}));
  EXPECT_EQ(search({}, pb, {since_2021}, false), (Ids{"b", "both"}));

  // Through the performer reference: the scope is that criterion's rows.
  auto q = query(t);
  q.criteria.push_back(
      value(performer, {search::ReferenceQuery{"Patient", pb, std::nullopt, "", "", {}, ""}}));
  q.criteria.push_back(value(date, {since_2021}));
  q.sort.push_back({date, date->code, true});
  EXPECT_EQ(ids(db().search(q).matches), Ids{"both"});

  // The sorted first page takes its versions' seqs from the date rows
  // (migrations/0009): an update shows at once; a row of an older Carnet
  // (seq 0) falls back to the resource row.
  search::IndexEntries jan;
  jan.dates.push_back(date_entry(date->key, range("2021-01-10").start, range("2021-01-10").end));
  jan.references.push_back({subject->key, {"Patient", pa, std::nullopt, "", "", "", ""}});
  jan.compartment_patients = {pa};
  const auto jan2 = put(t, "jan", jan);
  sql.exec_params("UPDATE idx_date SET seq = 0 WHERE rid = $1", rid_of("mar"));
  auto sorted = query(t);
  sorted.criteria.push_back(
      value(subject, {search::ReferenceQuery{"Patient", pa, std::nullopt, "", "", {}, ""}}));
  sorted.criteria.push_back(value(date, {since_2021}));
  sorted.sort.push_back({date, date->code, true});
  const auto page = db().search(sorted).matches;
  ASSERT_EQ(ids(page), (Ids{"two", "zero", "mar", "both", "jan"}));
  EXPECT_EQ(page[4]->info.seq, jan2.seq);
  EXPECT_EQ(page[4]->info.version, 2);
  EXPECT_EQ(page[4]->info.type, t);
  EXPECT_EQ(page[2]->info.version, 1);
}

TEST_F(SearchStore, ChainAndHas) {
  const auto obs = type("Obs"), patient = type("Pat"), location = type("Loc");
  const auto* subject = param(obs, "subject", ParamType::reference, {patient, location});
  const auto* code_param = param(obs, "code", ParamType::token);
  const auto* patient_name = param(patient, "name", ParamType::string);
  const auto* location_name = param(location, "name", ParamType::string);
  auto named = [&](const std::string& t, const search::SearchParameter* p, const std::string& id,
                   const std::string& name) {
    search::IndexEntries e;
    e.strings.push_back({p->key, {name, name}});
    create(t, id, e);
  };
  named(patient, patient_name, "p1", "alpha");
  named(patient, patient_name, "p2", "beta");
  named(patient, patient_name, "p3", "alpha");
  named(location, location_name, "l1", "alpha");
  auto observe = [&](const std::string& id, const std::string& t, const std::string& target,
                     const std::string& c) {
    search::IndexEntries e;
    e.references.push_back({subject->key, {t, target, std::nullopt, "", "", "", ""}});
    e.tokens.push_back({code_param->key, {"", c, "", "", ""}});
    create(obs, id, e);
  };
  observe("o1", patient, "p1", "x");
  observe("o2", patient, "p2", "y");
  observe("o3", location, "l1", "x");
  observe("o4", patient, "p3", "x");
  remove(patient, "p3");  // a deleted target matches no chain
  Criterion chain;
  chain.kind = Criterion::Kind::chain;
  chain.resource_type = obs;
  chain.param = subject;
  chain.target_types = {patient, location};
  // One `next` for every target type: keyed per type (Patient.name, Location.name).
  chain.next = std::make_shared<Criterion>(value(patient_name, {search::StringQuery{"alpha", "alpha"}}));
  EXPECT_EQ(find(obs, chain), (Ids{"o1", "o3"}));
  chain.target_types = {patient};
  EXPECT_EQ(find(obs, chain), Ids{"o1"});

  Criterion has;
  has.kind = Criterion::Kind::has;
  has.resource_type = patient;
  has.param = subject;
  has.has_type = obs;
  has.next = std::make_shared<Criterion>(value(code_param, {code(std::nullopt, "x")}));
  EXPECT_EQ(find(patient, has), Ids{"p1"});  // p3 is deleted
  remove(obs, "o1");
  EXPECT_EQ(find(patient, has), Ids{});  // a deleted referrer counts no more
}

TEST_F(SearchStore, IncludesRevincludesAndIterate) {
  const auto obs = type("Obs"), patient = type("Pat"), doctor = type("Doc"), org = type("Org"),
             prov = type("Prov");
  const auto* subject = param(obs, "subject", ParamType::reference, {patient});
  const auto* gp = param(patient, "general-practitioner", ParamType::reference, {doctor});
  const auto* employer = param(doctor, "organization", ParamType::reference, {org});
  const auto* target = param(prov, "target", ParamType::reference);
  auto pointing = [&](const std::string& t, const std::string& id, const search::SearchParameter* p,
                      const std::string& to_type, const std::string& to_id) {
    search::IndexEntries e;
    if (p != nullptr) e.references.push_back({p->key, {to_type, to_id, std::nullopt, "", "", "", ""}});
    create(t, id, e);
  };
  pointing(org, "g1", nullptr, "", "");
  pointing(doctor, "d1", employer, org, "g1");
  pointing(patient, "p1", gp, doctor, "d1");
  pointing(obs, "o1", subject, patient, "p1");
  pointing(obs, "o2", subject, patient, "p1");
  pointing(prov, "v1", target, obs, "o1");
  pointing(doctor, "d2", employer, org, "g1");
  remove(doctor, "d2");

  auto by_id = [&](const std::string& t, Ids which) {
    auto q = query(t);
    Criterion id;
    id.kind = Criterion::Kind::id;
    id.ids = std::move(which);
    q.criteria.push_back(id);
    return q;
  };
  auto q = by_id(obs, {"o1", "o2"});
  q.includes.push_back({obs, subject, "", false});
  auto r = db().search(q);
  EXPECT_EQ(ids(r.matches), (Ids{"o1", "o2"}));
  EXPECT_EQ(ids(r.included), Ids{"p1"});  // once, though both point to it

  q.includes = {{obs, nullptr, "", false}};  // Obs:* — every reference of the type
  EXPECT_EQ(ids(db().search(q).included), Ids{"p1"});

  q = by_id(obs, {"o1"});
  q.includes = {{obs, subject, "", false}, {patient, gp, "", true}, {doctor, employer, "", true}};
  EXPECT_EQ(ids(db().search(q).included), (Ids{"g1", "d1", "p1"}));  // rid order
  q.includes[1].iterate = false;  // not applied to included resources: the chain stops at p1
  EXPECT_EQ(ids(db().search(q).included), Ids{"p1"});

  q = by_id(patient, {"p1"});
  q.revincludes = {{obs, subject, "", false}};
  EXPECT_EQ(ids(db().search(q).included), (Ids{"o1", "o2"}));
  q.revincludes.push_back({prov, target, "", true});
  EXPECT_EQ(ids(db().search(q).included), (Ids{"o1", "o2", "v1"}));
  // A resource already among the matches is not included again.
  q = by_id(obs, {"o1", "o2"});
  q.revincludes = {{obs, subject, "", false}};
  q.includes = {{obs, subject, "", false}};
  r = db().search(q);
  EXPECT_EQ(ids(r.included), Ids{"p1"});
  // Deleted resources are never included.
  q = by_id(org, {"g1"});
  q.revincludes = {{doctor, employer, "", false}};
  EXPECT_EQ(ids(db().search(q).included), Ids{"d1"});

  // Revincludes take the referrers' versions from their index rows
  // (migrations/0008): an update shows at once, with its type and id read
  // with the version; a row of an older Carnet (seq 0) falls back to the
  // resource row.
  search::IndexEntries again;
  again.references.push_back({subject->key, {patient, "p1", std::nullopt, "", "", "", ""}});
  const auto o2 = put(obs, "o2", again);
  q = by_id(patient, {"p1"});
  q.revincludes = {{obs, subject, "", false}};
  r = db().search(q);
  ASSERT_EQ(ids(r.included), (Ids{"o1", "o2"}));
  EXPECT_EQ(r.included[1]->info.version, 2);
  EXPECT_EQ(r.included[1]->info.seq, o2.seq);
  EXPECT_EQ(r.included[1]->info.type, obs);
  TestServer::shared().sql_exec(
      "UPDATE idx_reference SET seq = 0 WHERE rid = (SELECT rid FROM resource WHERE "
      "res_type = '" +
      obs + "' AND res_id = 'o2')");
  r = db().search(q);
  ASSERT_EQ(ids(r.included), (Ids{"o1", "o2"}));
  EXPECT_EQ(r.included[1]->info.seq, o2.seq);
  // A page driven by a reference is read from its index rows alone: the
  // seq-0 row too finds its current version, and its id for a _revinclude.
  q = query(obs);
  search::ReferenceQuery p1;
  p1.type = patient;
  p1.id = "p1";
  q.criteria.push_back(value(subject, {p1}));
  q.revincludes = {{prov, target, "", false}};
  r = db().search(q);
  ASSERT_EQ(ids(r.matches), (Ids{"o1", "o2"}));
  EXPECT_EQ(r.matches[1]->info.seq, o2.seq);
  EXPECT_EQ(r.matches[1]->info.id, "o2");
  EXPECT_EQ(ids(r.included), Ids{"v1"});
}

// A _revinclude reads its referrers unordered and sorts them itself; past
// kMaxIncluded referrers the ordered statement keeps the first by rid. A
// referrer of two matches is included once.
TEST_F(SearchStore, RevincludesPastTheLimitKeepTheFirstByRid) {
  const auto obs = type("Obs"), patient = type("Pat");
  const auto* subject = param(obs, "subject", ParamType::reference, {patient});
  auto pointing_to = [&](std::vector<std::string> patients) {
    search::IndexEntries e;
    for (auto& p : patients)
      e.references.push_back({subject->key, {patient, p, std::nullopt, "", "", "", ""}});
    return e;
  };
  create(patient, "p1");
  create(patient, "p2");
  create(obs, "both", pointing_to({"p1", "p2"}));
  create(obs, "early", pointing_to({"p2"}));
  auto q = query(patient);
  q.revincludes = {{obs, subject, "", false}};
  EXPECT_EQ(ids(db().search(q).included), (Ids{"both", "early"}));

  // kMaxIncluded more referrers of p1, created together (grouped commits),
  // then one after them all. Read unordered, p1's referrers come first and
  // fill the limit; in rid order "early" is among the first kMaxIncluded and
  // "last" (the largest rid) is not.
  std::vector<std::future<void>> done;
  for (std::size_t i = 0; i < store::pg::kMaxIncluded; ++i) {
    auto r = request(obs, "o" + std::to_string(i), pointing_to({"p1"}));
    r.must_be_new = true;
    auto created = std::make_shared<std::promise<void>>();
    done.push_back(created->get_future());
    core::AccessRecord audit;
    db().create_async(std::move(r), audit,
                      [created](std::optional<store::WriteResult>, std::exception_ptr error) {
                        if (error) {
                          created->set_exception(error);
                        } else {
                          created->set_value();
                        }
                      });
  }
  for (auto& d : done) d.get();
  create(obs, "last", pointing_to({"p1"}));

  const auto r = db().search(q);
  const auto included = ids(r.included);
  EXPECT_EQ(included.size(), store::pg::kMaxIncluded);
  EXPECT_EQ(std::set<std::string>(included.begin(), included.end()).size(), included.size());
  EXPECT_EQ(std::count(included.begin(), included.end(), "both"), 1);
  EXPECT_EQ(std::count(included.begin(), included.end(), "early"), 1);
  EXPECT_EQ(std::count(included.begin(), included.end(), "last"), 0);
}

// Searches read versions through the store's version cache: a second search
// (served from memory) returns what the first read from PostgreSQL, and an
// update is seen at once (a new version has a new seq).
TEST_F(SearchStore, RepeatedSearchesReturnTheCurrentVersions) {
  const auto obs = type("Obs"), patient = type("Pat");
  const auto* subject = param(obs, "subject", ParamType::reference, {patient});
  auto versioned = [&](const std::string& t, const std::string& id, search::IndexEntries e) {
    auto r = request(t, id, std::move(e));
    r.render = [t, id](int version, core::Instant) {
      return R"({"resourceType":")" + t + R"(","id":")" + id + R"(","meta":{"versionId":")" +
             std::to_string(version) + R"("}})";
    };
    r.patient = "Patient/p1";
    core::AccessRecord audit;
    return db().write(r, audit).stored;
  };
  versioned(patient, "p1", {});
  search::IndexEntries to_p1;
  to_p1.references.push_back({subject->key, {patient, "p1", std::nullopt, "", "", "", ""}});
  const auto first = versioned(obs, "o1", to_p1);

  auto q = query(obs);
  q.criteria.push_back(
      value(subject, {search::ReferenceQuery{patient, "p1", std::nullopt, "", "", std::nullopt, ""}}));
  q.includes.push_back({obs, subject, "", false});
  for (int round = 0; round < 2; ++round) {  // the second from the cache
    const auto r = db().search(q);
    ASSERT_EQ(r.matches.size(), 1u);
    EXPECT_EQ(r.matches[0]->body, first.body);
    EXPECT_EQ(r.matches[0]->info.version, 1);
    EXPECT_EQ(r.matches[0]->info.seq, first.info.seq);
    EXPECT_EQ(r.matches[0]->info.last_updated, first.info.last_updated);
    EXPECT_EQ(r.matches[0]->patient, "Patient/p1");
    ASSERT_EQ(r.included.size(), 1u);
    EXPECT_EQ(r.included[0]->info.id, "p1");
    EXPECT_NE(r.included[0]->body.find(R"("versionId":"1")"), std::string::npos);
  }

  const auto second = versioned(obs, "o1", to_p1);
  const auto r = db().search(q);
  ASSERT_EQ(r.matches.size(), 1u);
  EXPECT_EQ(r.matches[0]->info.version, 2);
  EXPECT_EQ(r.matches[0]->body, second.body);
  EXPECT_NE(r.matches[0]->body, first.body);
}

class SortedSearch : public SearchStore {
 protected:
  void SetUp() override {
    t_ = type("Pat");
    family_ = param(t_, "family", ParamType::string);
    birth_ = param(t_, "birthdate", ParamType::date);
    for (auto [id, family, year] : std::vector<std::array<std::string, 3>>{{"s1", "b", "2020"},
                                                                           {"s2", "a", "2021"},
                                                                           {"s3", "b", "2019"},
                                                                           {"s4", "", "2018"},
                                                                           {"s5", "a", "2019"}}) {
      search::IndexEntries e;
      if (!family.empty()) e.strings.push_back({family_->key, {family, family}});
      e.dates.push_back(date_entry(birth_->key, range(year).start, range(year).end));
      create(t_, id, e);
    }
  }
  search::Query sorted(std::vector<std::pair<const search::SearchParameter*, bool>> keys) {
    auto q = query(t_);
    for (auto [p, descending] : keys) q.sort.push_back({p, p->code, descending});
    return q;
  }
  // Every page from the first, following next; then back with previous.
  std::pair<Ids, Ids> walk(search::Query q) {
    Ids forward, backward;
    store::SearchResult page;
    for (int guard = 0; guard < 20; ++guard) {
      page = db().search(q);
      auto got = ids(page.matches);
      forward.insert(forward.end(), got.begin(), got.end());
      if (!page.next_cursor) break;
      q.cursor = page.next_cursor;
    }
    for (int guard = 0; guard < 20 && page.previous_cursor; ++guard) {
      q.cursor = page.previous_cursor;
      page = db().search(q);
      auto got = ids(page.matches);
      backward.insert(backward.begin(), got.begin(), got.end());
    }
    return {forward, backward};
  }

  std::string t_;
  const search::SearchParameter* family_ = nullptr;
  const search::SearchParameter* birth_ = nullptr;
};

TEST_F(SortedSearch, MultiKeyAscendingDescendingNullsLast) {
  EXPECT_EQ(ids(db().search(sorted({{family_, false}, {birth_, true}})).matches),
            (Ids{"s2", "s5", "s1", "s3", "s4"}));
  EXPECT_EQ(ids(db().search(sorted({{family_, true}, {birth_, false}})).matches),
            (Ids{"s3", "s1", "s5", "s2", "s4"}));
  EXPECT_EQ(ids(db().search(sorted({{birth_, false}})).matches), (Ids{"s4", "s3", "s5", "s1", "s2"}));
  auto q = query(t_);
  q.sort.push_back({nullptr, "_id", true});
  EXPECT_EQ(ids(db().search(q).matches), (Ids{"s5", "s4", "s3", "s2", "s1"}));
}

TEST_F(SortedSearch, PagesWalkForwardAndBack) {
  for (std::size_t count : {1u, 2u, 3u}) {
    auto q = sorted({{family_, false}, {birth_, true}});
    q.count = count;
    auto [forward, backward] = walk(q);
    EXPECT_EQ(forward, (Ids{"s2", "s5", "s1", "s3", "s4"})) << count;
    // Back from the last page to the first: everything but the last page.
    Ids expected(forward.begin(),
                 forward.end() - static_cast<long>(forward.size() % count ? forward.size() % count : count));
    EXPECT_EQ(backward, expected) << count;
  }
  auto q = sorted({{family_, true}});
  q.count = 2;
  EXPECT_EQ(walk(q).first, (Ids{"s1", "s3", "s2", "s5", "s4"}));
}

TEST_F(SortedSearch, WalkKeepsTheFirstOrderWhenSortValuesChange) {
  auto q = sorted({{family_, false}, {birth_, true}});  // s2, s5, s1, s3, s4
  q.count = 2;
  auto entries = [&](const std::string& family, const std::string& year) {
    search::IndexEntries e;
    e.strings.push_back({family_->key, {family, family}});
    e.dates.push_back(date_entry(birth_->key, range(year).start, range(year).end));
    return e;
  };
  auto first = db().search(q);
  ASSERT_EQ(ids(first.matches), (Ids{"s2", "s5"}));
  // Seen s2 now sorts last, unseen s3 first: by keyset one would be
  // repeated and the other skipped. A new match is not part of the walk.
  put(t_, "s2", entries("zz", "2021"));
  put(t_, "s3", entries("a", "2030"));
  create(t_, "s6", entries("b", "2000"));
  remove(t_, "s4");
  Ids seen = ids(first.matches);
  q.cursor = first.next_cursor;
  auto page = db().search(q);
  auto more = ids(page.matches);
  seen.insert(seen.end(), more.begin(), more.end());
  EXPECT_EQ(seen, (Ids{"s2", "s5", "s1", "s3"}));  // s4 deleted: gone from the walk
  EXPECT_FALSE(page.next_cursor);
  // Back to the first page, in the first order; a new search sees the new one.
  q.cursor = page.previous_cursor;
  EXPECT_EQ(ids(db().search(q).matches), (Ids{"s2", "s5"}));
  q.cursor.reset();
  q.count = 10;
  EXPECT_EQ(ids(db().search(q).matches), (Ids{"s3", "s5", "s1", "s6", "s2"}));
}

// A walk over at most kMaxCarriedRids matches carries its order in its
// links: nothing is written, nothing expires.
TEST_F(SortedSearch, SmallWalksCarryTheirOrder) {
  auto count_stored = [] {
    pqxx::connection conn(TestServer::shared().database_url());
    pqxx::nontransaction sql(conn);
    return sql.exec1("SELECT count(*) FROM search_snapshot")[0].as<std::int64_t>();
  };
  const auto before = count_stored();
  auto q = sorted({{birth_, true}});
  q.count = 2;
  const auto first = db().search(q);
  ASSERT_TRUE(first.next_cursor);
  EXPECT_NE(first.next_cursor->find('.'), std::string::npos);  // the rids ride along
  EXPECT_EQ(count_stored(), before);
  TestServer::shared().sql_exec("DELETE FROM search_snapshot");
  q.cursor = first.next_cursor;
  EXPECT_EQ(ids(db().search(q).matches), (Ids{"s3", "s5"}));
  auto by_two = sorted({{birth_, true}});
  by_two.count = 2;
  const auto [forward, backward] = walk(by_two);  // next to the end, then previous back to the start
  EXPECT_EQ(forward, (Ids{"s2", "s1", "s3", "s5", "s4"}));
  EXPECT_EQ(backward, (Ids{"s2", "s1", "s3", "s5"}));  // the pages before the last one
}

TEST_F(SortedSearch, ExpiredWalksAreGone) {
  // Stored snapshots only: more matches than a cursor carries.
  for (std::size_t i = 0; i < store::pg::kMaxCarriedRids; ++i) {
    search::IndexEntries e;
    e.dates.push_back(date_entry(birth_->key, range("2000").start, range("2000").end));
    create(t_, "many" + std::to_string(i), e);
  }
  auto q = sorted({{birth_, false}});
  q.count = 2;
  q.cursor = db().search(q).next_cursor;
  ASSERT_TRUE(q.cursor);
  EXPECT_EQ(q.cursor->find('.'), std::string::npos);
  TestServer::shared().sql_exec("DELETE FROM search_snapshot");
  try {
    db().search(q);
    ADD_FAILURE() << "an expired walk went on";
  } catch (const core::Error& e) {
    EXPECT_EQ(e.status(), 410);
  }
  // Older than 2 hours but not deleted yet (expired rows go once a minute).
  q.cursor.reset();
  q.cursor = db().search(q).next_cursor;
  ASSERT_TRUE(q.cursor);
  EXPECT_EQ(ids(db().search(q).matches).size(), 2U);  // the walk goes on
  TestServer::shared().sql_exec("UPDATE search_snapshot SET created = now() - interval '2 hours 1 minute'");
  try {
    db().search(q);
    ADD_FAILURE() << "a walk older than 2 hours went on";
  } catch (const core::Error& e) {
    EXPECT_EQ(e.status(), 410);
  }
}

TEST_F(SearchStore, PagingNeverSkipsNorRepeatsWhileWritten) {
  const auto t = type("Obs");
  const auto* c = param(t, "code", ParamType::token);
  auto entries = [&](const std::string& value) {
    search::IndexEntries e;
    e.tokens.push_back({c->key, {"", value, "", "", ""}});
    return e;
  };
  Ids initial;
  for (int i = 0; i < 23; ++i) {
    std::string id = "r";
    id += std::to_string(i);  // appended: GCC 12 warns falsely on "r" + std::string
    initial.push_back(id);
    create(t, initial.back(), entries("x"));
  }
  auto q = query(t);
  q.criteria.push_back(value(c, {code(std::nullopt, "x")}));
  q.count = 4;
  std::multiset<std::string> seen;
  std::set<std::string> removed;
  for (int page = 0; page < 20; ++page) {
    auto r = db().search(q);
    for (const auto& id : ids(r.matches)) seen.insert(id);
    // Between pages: new matches, updates of seen and unseen ones, deletions,
    // and one resource that stops matching.
    create(t, "new" + std::to_string(page), entries("x"));
    put(t, "r" + std::to_string((page * 7) % 23), entries("x"));
    if (page == 1) {
      remove(t, "r15");
      removed.insert("r15");
      put(t, "r16", entries("y"));
      removed.insert("r16");
    }
    if (!r.next_cursor) break;
    q.cursor = r.next_cursor;
  }
  for (const auto& id : seen) EXPECT_EQ(seen.count(id), 1u) << id << " repeated";
  for (const auto& id : initial) {
    if (removed.count(id) == 0) {
      EXPECT_EQ(seen.count(id), 1u) << id << " skipped";
    }
  }
  EXPECT_EQ(seen.count("r15"), 0u);
}

TEST_F(SearchStore, TotalsAndBadCursors) {
  const auto t = type("Obs");
  for (int i = 0; i < 5; ++i) create(t, "t" + std::to_string(i));
  auto q = query(t);
  q.count = 2;
  q.total = search::TotalMode::accurate;
  auto r = db().search(q);
  EXPECT_EQ(r.matches.size(), 2u);
  EXPECT_EQ(r.total, 5);
  EXPECT_FALSE(r.previous_cursor);
  q.count = 0;
  r = db().search(q);
  EXPECT_TRUE(r.matches.empty());
  EXPECT_EQ(r.total, 5);
  EXPECT_FALSE(r.next_cursor);
  q.total = search::TotalMode::none;
  EXPECT_FALSE(db().search(q).total);
  q.count = 2;
  q.total = search::TotalMode::estimate;
  EXPECT_TRUE(db().search(q).total.has_value());

  for (const std::string& bad : Ids{"garbage!", "e30", "", std::string(10000, 'A')}) {
    q.cursor = bad;
    try {
      db().search(q);
      ADD_FAILURE() << "cursor accepted: " << bad.substr(0, 20);
    } catch (const core::Error& e) {
      EXPECT_EQ(e.status(), 400);
      EXPECT_EQ(e.issues().at(0).expression, "_cursor");
    }
  }
  // A cursor of another sort is refused too.
  q.cursor.reset();
  auto next = db().search(q).next_cursor;
  ASSERT_TRUE(next);
  q.sort.push_back({nullptr, "_id", false});
  q.cursor = next;
  EXPECT_THROW(db().search(q), core::Error);
}

// base64url without padding, as the store's cursors are written.
std::string base64url(const std::string& bytes) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  unsigned bits = 0;
  int count = 0;
  for (unsigned char c : bytes) {
    bits = (bits << 8) | c;
    count += 8;
    while (count >= 6) {
      count -= 6;
      out.push_back(kAlphabet[(bits >> count) & 63]);
    }
  }
  if (count > 0) out.push_back(kAlphabet[(bits << (6 - count)) & 63]);
  return out;
}

TEST_F(SearchStore, ADatabaseErrorInsideASearchLeavesItsConnectionClean) {
  // A cursor in the right shape whose sort value is no instant fails in
  // PostgreSQL, inside the transaction block of a search with a total: the
  // request gets 400 and the pooled connection must come back usable (the
  // block rolled back), so the searches after it all succeed.
  const auto t = type("Obs");
  for (int i = 0; i < 3; ++i) create(t, "c" + std::to_string(i));
  auto q = query(t);
  q.total = search::TotalMode::accurate;
  q.sort.push_back({nullptr, "_lastUpdated", false});
  q.cursor = base64url(R"({"b":false,"r":1,"s":"_lastUpdated,rid","v":["not an instant"]})");
  try {
    db().search(q);
    ADD_FAILURE() << "a cursor with a bad sort value was accepted";
  } catch (const core::Error& e) {
    EXPECT_EQ(e.status(), 400);
    EXPECT_EQ(e.issues().at(0).expression, "_cursor");
  }
  q.cursor.reset();
  for (int i = 0; i < 12; ++i) {  // more than the pool's 4 connections
    const auto r = db().search(q);
    EXPECT_EQ(r.matches.size(), 3u);
    EXPECT_EQ(r.total, 3);
  }
}

TEST_F(SearchStore, UpdatesReplaceAndDeletesRemoveIndexRows) {
  const auto t = type("Obs");
  const auto* c = param(t, "code", ParamType::token);
  auto entries = [&](const std::string& value) {
    search::IndexEntries e;
    e.tokens.push_back({c->key, {"", value, "", "", ""}});
    e.compartment_patients = {"someone"};
    e.narrative = "narrative " + value;
    e.content = "content " + value;
    return e;
  };
  auto by = [&](const std::string& v) { return find(t, value(c, {code(std::nullopt, v)})); };
  create(t, "u1", entries("a"));
  put(t, "u2", entries("a"));  // create-on-update is indexed too
  EXPECT_EQ(by("a"), (Ids{"u1", "u2"}));
  put(t, "u1", entries("b"));
  EXPECT_EQ(by("a"), Ids{"u2"});
  EXPECT_EQ(by("b"), Ids{"u1"});
  Criterion content;
  content.kind = Criterion::Kind::content;
  content.values = {search::StringQuery{"content a", "content a"}};
  EXPECT_EQ(find(t, content), Ids{"u2"});  // u1's text row was replaced too
  remove(t, "u1");
  EXPECT_EQ(by("b"), Ids{});
  auto& server = TestServer::shared();
  const std::string rid = std::to_string(
      server.sql_scalar("SELECT rid FROM resource WHERE res_type = '" + t + "' AND res_id = 'u1'"));
  EXPECT_EQ(server.sql_scalar("SELECT count(*) FROM idx_token WHERE rid = " + rid), 0);
  EXPECT_EQ(server.sql_scalar("SELECT count(*) FROM idx_compartment WHERE rid = " + rid), 0);
  put(t, "u1", entries("c"));  // re-created after the deletion
  EXPECT_EQ(by("c"), Ids{"u1"});
}

TEST_F(SearchStore, ReindexSkipsResourcesChangedSinceTheScan) {
  const auto t = type("Obs");
  const auto* c = param(t, "code", ParamType::token);
  auto entries = [&](const std::string& value) {
    search::IndexEntries e;
    e.tokens.push_back({c->key, {"", value, "", "", ""}});
    return e;
  };
  auto by = [&](const std::string& v) { return find(t, value(c, {code(std::nullopt, v)})); };
  create(t, "k1", entries("old"));
  create(t, "k2", entries("old"));
  create(t, "k3", entries("old"));
  remove(t, "k3");
  auto items = db().reindex_scan({t}, 0, 10);
  ASSERT_EQ(items.size(), 2u);  // live ones only, in rid order
  EXPECT_EQ(items[0].id, "k1");
  EXPECT_EQ(items[1].id, "k2");
  EXPECT_EQ(items[1].body, R"({"resourceType":")" + t + R"(","id":"k2"})");
  EXPECT_EQ(db().reindex_scan({t}, items[0].rid, 10).size(), 1u);
  put(t, "k2", entries("changed"));  // after the scan: its own write indexed it
  std::vector<std::pair<store::ReindexItem, search::IndexEntries>> work{{items[0], entries("new")},
                                                                        {items[1], entries("new")}};
  EXPECT_EQ(db().reindex_write(work), 1u);
  EXPECT_EQ(by("new"), Ids{"k1"});
  EXPECT_EQ(by("changed"), Ids{"k2"});
  EXPECT_EQ(by("old"), Ids{});
}

}  // namespace
}  // namespace carnet::testing
