// Composite parameters: component values from one element, combined.

#include "search/extract_composite.hpp"

#include "search/extract_values.hpp"

namespace carnet::search::detail {
namespace {

template <typename Value>
void convert_all(const fp::Collection& values, void (*convert)(const fp::Value&, std::vector<Value>&),
                 std::vector<ComponentValue>& out) {
  std::vector<Value> typed;
  for (const fp::Value& v : values) convert(v, typed);
  for (Value& t : typed) out.emplace_back(std::move(t));
}

std::vector<ComponentValue> component_values(ParamType type, const fp::Collection& values) {
  std::vector<ComponentValue> out;
  switch (type) {
    case ParamType::string: convert_all<StringValue>(values, strings_of, out); break;
    case ParamType::token: convert_all<TokenValue>(values, tokens_of, out); break;
    case ParamType::reference: convert_all<ReferenceValue>(values, references_of, out); break;
    case ParamType::date: convert_all<DateValue>(values, dates_of, out); break;
    case ParamType::number: convert_all<NumberValue>(values, numbers_of, out); break;
    case ParamType::quantity: convert_all<QuantityValue>(values, quantities_of, out); break;
    case ParamType::uri: convert_all<UriValue>(values, uris_of, out); break;
    case ParamType::composite:
    case ParamType::special: break;
  }
  return out;
}

}  // namespace

void add_composites(const SearchParameter& parameter, const fp::Collection& elements,
                    const core::Json& resource, const fp::EvaluationOptions& options,
                    std::vector<Entry<CompositeValue>>& out) {
  if (parameter.components.empty()) return;
  std::vector<std::vector<ComponentValue>> columns(parameter.components.size());
  for (const fp::Value& element : elements) {
    const fp::Collection focus{element};
    bool complete = true;
    for (std::size_t i = 0; i < parameter.components.size() && complete; ++i) {
      const Component& c = parameter.components[i];
      columns[i] = c.expression == nullptr
                       ? std::vector<ComponentValue>{}
                       : component_values(c.type, c.expression->evaluate(focus, &resource, options));
      complete = !columns[i].empty();
    }
    if (!complete) continue;
    // Cross product, odometer style: index[i] walks column i.
    std::vector<std::size_t> index(columns.size(), 0);
    for (std::size_t made = 0; made < kMaxCombinations; ++made) {
      CompositeValue value;
      value.components.reserve(columns.size());
      for (std::size_t i = 0; i < columns.size(); ++i) value.components.push_back(columns[i][index[i]]);
      out.push_back(Entry<CompositeValue>{parameter.key, std::move(value)});
      std::size_t i = columns.size();
      while (i > 0 && ++index[i - 1] == columns[i - 1].size()) index[--i] = 0;
      if (i == 0) break;
    }
  }
}

}  // namespace carnet::search::detail
