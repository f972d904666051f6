// The code systems and value sets of schemas/valuesets.json and
// v3-codesystems.json, kept as code hierarchies and value set definitions for
// the token modifiers :in, :not-in, :above and :below
// (http://hl7.org/fhir/R4/search.html#token, valueset.html#compose).

#include "carnet/search/terminology.hpp"

#include <algorithm>
#include <fstream>
#include <iterator>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <stdexcept>

#include "carnet/core/json.hpp"

namespace carnet::search {
namespace {

using Json = core::Json;
using Code = std::pair<std::string, std::string>;  // (system, code)

// The keys the loader reads; everything else (narratives, definitions,
// designations, extensions...) is dropped while parsing, which keeps the
// 16 MB of definitions cheap to hold and to walk.
const std::set<std::string, std::less<>> kKeptKeys{
    "entry",     "resource", "resourceType", "url",      "concept", "code",   "property",
    "valueCode", "compose",  "include",      "exclude",  "system",  "filter", "op",
    "value",     "valueSet", "expansion",    "contains", "content"};

// One CodeSystem: its codes and the is-a graph between them (a DAG: v3 code
// systems give extra parents with the `child` property).
struct CodeSystemData {
  std::map<std::string, std::size_t, std::less<>> index;
  std::vector<std::string> codes;
  std::vector<std::vector<std::size_t>> children;
  std::vector<std::vector<std::size_t>> parents;
  bool complete = false;  ///< content = complete: `codes` is the whole system
};

struct Filter {
  std::string property, op, value;
};

// One compose.include or compose.exclude.
struct ComposePart {
  std::string system;
  std::vector<std::string> concepts;
  std::vector<Filter> filters;
  std::vector<std::string> value_sets;
};

struct ValueSetData {
  std::vector<ComposePart> include, exclude;
  std::optional<std::vector<Code>> expansion;  ///< expansion.contains, when shipped
};

// An expansion being computed: codes plus systems included entirely.
struct CodeSet {
  std::set<Code> codes;
  std::set<std::string> whole;
};

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path.string());
  std::stringstream text;
  text << in.rdbuf();
  if (!in.good() && !in.eof()) throw std::runtime_error("cannot read " + path.string());
  return text.str();
}

std::string text_of(const Json& object, const char* key) {
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string{};
}

const Json* array_of(const Json& object, const char* key) {
  auto it = object.find(key);
  return it != object.end() && it->is_array() ? &*it : nullptr;
}

std::string_view without_version(std::string_view url) {
  return url.substr(0, url.find('|'));
}

std::size_t intern(CodeSystemData& cs, const std::string& code) {
  auto [it, inserted] = cs.index.emplace(code, cs.codes.size());
  if (inserted) {
    cs.codes.push_back(code);
    cs.children.emplace_back();
    cs.parents.emplace_back();
  }
  return it->second;
}

void link(CodeSystemData& cs, std::size_t parent, std::size_t child) {
  if (parent == child) return;
  auto& kids = cs.children[parent];
  if (std::find(kids.begin(), kids.end(), child) != kids.end()) return;
  kids.push_back(child);
  cs.parents[child].push_back(parent);
}

// CodeSystem.concept nesting is is-a; `child`, `parent` and `subsumedBy`
// properties add links across branches (codesystem.html#hierarchy).
void add_concepts(CodeSystemData& cs, const Json& concepts, std::optional<std::size_t> parent) {
  for (const Json& c : concepts) {
    const std::string code = text_of(c, "code");
    if (code.empty()) continue;
    const std::size_t self = intern(cs, code);
    if (parent) link(cs, *parent, self);
    if (const Json* props = array_of(c, "property")) {
      for (const Json& p : *props) {
        const std::string kind = text_of(p, "code");
        const std::string other = text_of(p, "valueCode");
        if (other.empty()) continue;
        if (kind == "child") link(cs, self, intern(cs, other));
        if (kind == "parent" || kind == "subsumedBy") link(cs, intern(cs, other), self);
      }
    }
    if (const Json* nested = array_of(c, "concept")) add_concepts(cs, *nested, self);
  }
}

std::vector<ComposePart> read_parts(const Json& compose, const char* key) {
  std::vector<ComposePart> parts;
  const Json* list = array_of(compose, key);
  if (!list) return parts;
  for (const Json& item : *list) {
    ComposePart part;
    part.system = text_of(item, "system");
    if (const Json* concepts = array_of(item, "concept"))
      for (const Json& c : *concepts) part.concepts.push_back(text_of(c, "code"));
    if (const Json* filters = array_of(item, "filter"))
      for (const Json& f : *filters)
        part.filters.push_back({text_of(f, "property"), text_of(f, "op"), text_of(f, "value")});
    if (const Json* sets = array_of(item, "valueSet"))
      for (const Json& s : *sets)
        if (s.is_string()) part.value_sets.emplace_back(without_version(s.get<std::string>()));
    parts.push_back(std::move(part));
  }
  return parts;
}

void read_contains(const Json& contains, std::vector<Code>& out) {
  for (const Json& c : contains) {
    const std::string code = text_of(c, "code");
    if (!code.empty()) out.emplace_back(text_of(c, "system"), code);
    if (const Json* nested = array_of(c, "contains")) read_contains(*nested, out);
  }
}

CodeSet intersect(const CodeSet& a, const CodeSet& b) {
  CodeSet out;
  for (const Code& c : a.codes)
    if (b.codes.count(c) || b.whole.count(c.first)) out.codes.insert(c);
  for (const Code& c : b.codes)
    if (a.whole.count(c.first)) out.codes.insert(c);
  for (const std::string& s : a.whole)
    if (b.whole.count(s)) out.whole.insert(s);
  return out;
}

}  // namespace

struct Terminology::Impl {
  std::map<std::string, CodeSystemData, std::less<>> systems;
  std::map<std::string, ValueSetData, std::less<>> value_sets;
  /// CodeSystem.valueSet: the implicit value set of all the system's codes.
  std::map<std::string, std::string, std::less<>> implicit;

  void read_bundle(const std::filesystem::path& file);
  const CodeSystemData* system(std::string_view url) const {
    auto it = systems.find(url);
    return it == systems.end() ? nullptr : &it->second;
  }
  // Indexes of `from` and the codes reachable through `next` (children or parents).
  static std::vector<std::size_t> closure(const std::vector<std::vector<std::size_t>>& next,
                                          std::size_t from) {
    std::vector<std::size_t> out{from};
    std::vector<bool> seen(next.size(), false);
    seen[from] = true;
    for (std::size_t i = 0; i < out.size(); ++i)
      for (std::size_t n : next[out[i]])
        if (!seen[n]) {
          seen[n] = true;
          out.push_back(n);
        }
    return out;
  }
  std::set<std::string> filtered(const std::string& system, const Filter& f) const;
  CodeSet expand_part(const ComposePart& part, int depth) const;
  std::optional<CodeSet> expand(std::string_view url, int depth) const;
};

void Terminology::Impl::read_bundle(const std::filesystem::path& file) {
  const std::string text = read_file(file);
  Json bundle;
  try {
    // Trusted definition files: plain nlohmann parsing (no exact decimals
    // needed), dropping the keys nobody reads as they are met.
    bundle = Json::parse(text, [](int, Json::parse_event_t event, Json& parsed) {
      return event != Json::parse_event_t::key || kKeptKeys.count(parsed.get_ref<const std::string&>()) > 0;
    });
  } catch (const Json::exception& e) {
    throw std::runtime_error(file.string() + ": " + e.what());
  }
  const Json* entries = bundle.is_object() ? array_of(bundle, "entry") : nullptr;
  if (!entries) throw std::runtime_error(file.string() + ": not a Bundle");
  for (const Json& entry : *entries) {
    auto r = entry.find("resource");
    if (r == entry.end() || !r->is_object()) continue;
    const std::string type = text_of(*r, "resourceType");
    const std::string url = text_of(*r, "url");
    if (url.empty()) continue;
    if (type == "CodeSystem" && !systems.count(url)) {
      CodeSystemData& cs = systems[url];
      cs.complete = text_of(*r, "content") == "complete";
      if (const Json* concepts = array_of(*r, "concept")) add_concepts(cs, *concepts, std::nullopt);
      const std::string vs = text_of(*r, "valueSet");
      if (!vs.empty()) implicit.emplace(without_version(vs), url);
    } else if (type == "ValueSet" && !value_sets.count(url)) {
      ValueSetData& vs = value_sets[url];
      auto compose = r->find("compose");
      if (compose != r->end() && compose->is_object()) {
        vs.include = read_parts(*compose, "include");
        vs.exclude = read_parts(*compose, "exclude");
      }
      auto expansion = r->find("expansion");
      if (expansion != r->end() && expansion->is_object())
        if (const Json* contains = array_of(*expansion, "contains"))
          read_contains(*contains, vs.expansion.emplace());
    }
  }
}

std::set<std::string> Terminology::Impl::filtered(const std::string& url, const Filter& f) const {
  std::set<std::string> out;
  const CodeSystemData* cs = system(url);
  // Filters are only evaluated on the hierarchies shipped. Elsewhere (SNOMED
  // CT, LOINC) an is-a keeps its root code, which is at least certain to belong;
  // other filters contribute nothing.
  const bool is_a = f.property == "concept" && f.op == "is-a" && !f.value.empty();
  if (!cs) {
    if (is_a) out.insert(f.value);
    return out;
  }
  auto found = cs->index.find(f.value);
  if (found == cs->index.end() && is_a) out.insert(f.value);
  if (f.property == "concept" && (f.op == "is-a" || f.op == "descendent-of" || f.op == "is-not-a")) {
    std::set<std::size_t> below;
    if (found != cs->index.end())
      for (std::size_t i : closure(cs->children, found->second))
        if (f.op != "descendent-of" || i != found->second) below.insert(i);
    for (std::size_t i = 0; i < cs->codes.size(); ++i)
      if (below.count(i) != (f.op == "is-not-a")) out.insert(cs->codes[i]);
  } else if ((f.property == "parent" || f.property == "child") && f.op == "=") {
    // Direct links only: parent = X selects the children of X.
    if (found != cs->index.end())
      for (std::size_t i : (f.property == "parent" ? cs->children : cs->parents)[found->second])
        out.insert(cs->codes[i]);
  } else if ((f.property == "concept" || f.property == "code") && f.op == "=") {
    if (found != cs->index.end()) out.insert(f.value);
  } else if (f.property == "code" && f.op == "regex") {
    try {
      const std::regex re(f.value);
      for (const std::string& code : cs->codes)
        if (std::regex_match(code, re)) out.insert(code);
    } catch (const std::regex_error&) {
      // A pattern std::regex cannot read includes nothing.
    }
  }
  return out;
}

CodeSet Terminology::Impl::expand_part(const ComposePart& part, int depth) const {
  std::optional<CodeSet> result;
  if (!part.system.empty()) {
    CodeSet own;
    const CodeSystemData* cs = system(part.system);
    if (!part.concepts.empty() || !part.filters.empty()) {
      std::optional<std::set<std::string>> codes;
      if (!part.concepts.empty()) codes.emplace(part.concepts.begin(), part.concepts.end());
      for (const Filter& f : part.filters) {  // concepts and filters combine with AND
        std::set<std::string> matched = filtered(part.system, f);
        if (!codes) {
          codes = std::move(matched);
          continue;
        }
        std::set<std::string> both;
        std::set_intersection(codes->begin(), codes->end(), matched.begin(), matched.end(),
                              std::inserter(both, both.end()));
        codes = std::move(both);
      }
      for (const std::string& c : *codes) own.codes.emplace(part.system, c);
    } else if (cs && cs->complete && !cs->codes.empty()) {
      for (const std::string& c : cs->codes) own.codes.emplace(part.system, c);
    } else {
      own.whole.insert(part.system);  // not enumerable here (LOINC, SNOMED CT...)
    }
    result = std::move(own);
  }
  // Several value sets (and a system) in one include intersect (valueset.html#compose).
  for (const std::string& url : part.value_sets) {
    CodeSet other = expand(url, depth + 1).value_or(CodeSet{});
    result = result ? intersect(*result, other) : std::move(other);
  }
  return result.value_or(CodeSet{});
}

std::optional<CodeSet> Terminology::Impl::expand(std::string_view url, int depth) const {
  if (depth > 16) return CodeSet{};  // a cycle of included value sets
  url = without_version(url);
  auto it = value_sets.find(url);
  if (it == value_sets.end()) {
    auto implicit_it = implicit.find(url);
    if (implicit_it == implicit.end()) return std::nullopt;
    return expand_part(ComposePart{implicit_it->second, {}, {}, {}}, depth);
  }
  const ValueSetData& vs = it->second;
  CodeSet out;
  if (vs.expansion) {
    // A shipped expansion is authoritative: it may enumerate codes of systems unknown here.
    out.codes.insert(vs.expansion->begin(), vs.expansion->end());
    return out;
  }
  for (const ComposePart& part : vs.include) {
    CodeSet one = expand_part(part, depth);
    out.codes.insert(one.codes.begin(), one.codes.end());
    out.whole.insert(one.whole.begin(), one.whole.end());
  }
  for (const ComposePart& part : vs.exclude) {
    // An excluded code of a system included whole cannot be expressed: the
    // whole system stays (over-inclusive rather than wrong about the rest).
    CodeSet gone = expand_part(part, depth);
    for (const Code& c : gone.codes) out.codes.erase(c);
    std::erase_if(out.codes, [&](const Code& c) { return gone.whole.count(c.first) > 0; });
    for (const std::string& s : gone.whole) out.whole.erase(s);
  }
  return out;
}

Terminology::Terminology() : impl_(std::make_unique<Impl>()) {}
Terminology::~Terminology() = default;

std::shared_ptr<const Terminology> Terminology::load(const std::filesystem::path& schemas_dir) {
  std::shared_ptr<Terminology> t(new Terminology());
  t->impl_->read_bundle(schemas_dir / "valuesets.json");
  t->impl_->read_bundle(schemas_dir / "v3-codesystems.json");
  return t;
}

std::optional<Terminology::Expansion> Terminology::expand(std::string_view url) const {
  auto set = impl_->expand(url, 0);
  if (!set) return std::nullopt;
  Expansion out;
  out.codes.assign(set->codes.begin(), set->codes.end());
  out.whole_systems.assign(set->whole.begin(), set->whole.end());
  return out;
}

std::optional<std::vector<std::string>> Terminology::descendants(std::string_view system,
                                                                 std::string_view code) const {
  const CodeSystemData* cs = impl_->system(system);
  if (!cs) return std::nullopt;
  auto it = cs->index.find(code);
  if (it == cs->index.end()) return std::nullopt;
  std::vector<std::string> out;
  for (std::size_t i : Impl::closure(cs->children, it->second)) out.push_back(cs->codes[i]);
  return out;
}

std::optional<std::vector<std::string>> Terminology::ancestors(std::string_view system,
                                                               std::string_view code) const {
  const CodeSystemData* cs = impl_->system(system);
  if (!cs) return std::nullopt;
  auto it = cs->index.find(code);
  if (it == cs->index.end()) return std::nullopt;
  std::vector<std::string> out;
  for (std::size_t i : Impl::closure(cs->parents, it->second)) out.push_back(cs->codes[i]);
  return out;
}

}  // namespace carnet::search
