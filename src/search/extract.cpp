// Write-time extraction of search index entries: each search parameter of the
// resource's type is evaluated with its FHIRPath expression and each result
// converted to typed values (http://hl7.org/fhir/R4/search.html#ptypes).
//
// The official expressions are unions over several bases ("Observation.subject
// | Condition.subject"): evaluated on an Observation only the Observation part
// selects anything, so the whole expression is kept.

#include <string_view>

#include "carnet/search/extractor.hpp"
#include "search/extract_composite.hpp"
#include "search/extract_text.hpp"
#include "search/extract_values.hpp"

namespace carnet::search {
namespace {

namespace fp = fhir::fhirpath;

// _id and _lastUpdated come from the resource table (the version's id and
// time are only final once the store has written it); _text and _content are
// extracted apart; special parameters (Location near) need code of their own.
bool is_indexed_by_expression(const SearchParameter& p) {
  if (p.expression == nullptr || p.type == ParamType::special) return false;
  if (!p.stored_under.empty()) return false;  // its values are the rows of other parameters
  if (p.code.size() > 1 && p.code[0] == '_') return p.code != "_id" && p.code != "_lastUpdated";
  return true;
}

// Converts `values` with `convert` into entries of parameter `key`.
template <typename Value, typename Convert>
void add_entries(std::int32_t key, const fp::Collection& values, Convert convert, std::vector<Value>& scratch,
                 std::vector<Entry<Value>>& entries) {
  scratch.clear();
  for (const fp::Value& v : values) convert(v, scratch);
  for (Value& value : scratch) entries.push_back(Entry<Value>{key, std::move(value)});
}

// Reused buffers, so that each parameter does not allocate its own.
struct Scratch {
  std::vector<StringValue> strings;
  std::vector<TokenValue> tokens;
  std::vector<ReferenceValue> references;
  std::vector<DateValue> dates;
  std::vector<NumberValue> numbers;
  std::vector<QuantityValue> quantities;
  std::vector<UriValue> uris;
};

void add_parameter(const SearchParameter& p, const fp::Collection& values, const core::Json& resource,
                   const fp::EvaluationOptions& options, Scratch& scratch, IndexEntries& out) {
  switch (p.type) {
    case ParamType::string:
      add_entries(p.key, values, detail::strings_of, scratch.strings, out.strings);
      break;
    case ParamType::token: {
      auto convert = [&p](const fp::Value& v, std::vector<TokenValue>& tokens) {
        detail::tokens_of(v, p.implicit_system, tokens);
      };
      add_entries(p.key, values, convert, scratch.tokens, out.tokens);
      break;
    }
    case ParamType::reference:
      add_entries(p.key, values, detail::references_of, scratch.references, out.references);
      break;
    case ParamType::date: add_entries(p.key, values, detail::dates_of, scratch.dates, out.dates); break;
    case ParamType::number:
      add_entries(p.key, values, detail::numbers_of, scratch.numbers, out.numbers);
      break;
    case ParamType::quantity:
      add_entries(p.key, values, detail::quantities_of, scratch.quantities, out.quantities);
      break;
    case ParamType::uri: add_entries(p.key, values, detail::uris_of, scratch.uris, out.uris); break;
    case ParamType::composite: detail::add_composites(p, values, resource, options, out.composites); break;
    case ParamType::special: break;
  }
}

}  // namespace

IndexEntries extract(const Registry& registry, const core::Json& resource,
                     std::vector<std::string> compartment_patients, std::string_view assigned_id) {
  IndexEntries out;
  out.compartment_patients = std::move(compartment_patients);
  if (!resource.is_object()) return out;
  auto type = resource.find("resourceType");
  if (type == resource.end() || !type->is_string()) return out;
  const fp::EvaluationOptions options;
  Scratch scratch;
  for (const SearchParameter* p : registry.for_type(type->get_ref<const std::string&>())) {
    if (!is_indexed_by_expression(*p)) continue;
    try {
      const fp::Collection values = p->expression->evaluate(resource, options);
      if (!values.empty()) add_parameter(*p, values, resource, options, scratch, out);
    } catch (const fp::EvaluationError&) {
      // An expression the content cannot satisfy (a singleton expected...):
      // this parameter indexes nothing for this resource, the others go on.
    } catch (const core::Json::exception&) {
    }
  }
  if (auto text = resource.find("text"); text != resource.end() && text->is_object())
    if (auto div = text->find("div"); div != text->end() && div->is_string())
      out.narrative = normalize_string(detail::narrative_text(div->get_ref<const std::string&>()));
  // Only _content reads Resource.id (_id comes from the resource table).
  out.content = detail::content_text(resource, resource.contains("id") ? std::string_view() : assigned_id);
  return out;
}

}  // namespace carnet::search
