// string, token and uri values (http://hl7.org/fhir/R4/search.html#string,
// #token, #uri).

#include "carnet/search/extractor.hpp"
#include "search/extract_shape.hpp"
#include "search/extract_values.hpp"

namespace carnet::search::detail {
namespace {

void add_string(std::string_view text, std::vector<StringValue>& out) {
  if (text.empty()) return;
  out.push_back(StringValue{normalize_string(text), std::string(text)});
}

// Adds a string member, or each string of an array member.
void add_member(const core::Json& object, const char* name, std::vector<StringValue>& out) {
  auto it = object.find(name);
  if (it == object.end()) return;
  if (it->is_string()) {
    add_string(it->get_ref<const std::string&>(), out);
  } else if (it->is_array()) {
    for (const core::Json& item : *it)
      if (item.is_string()) add_string(item.get_ref<const std::string&>(), out);
  }
}

void add_coding(const core::Json& coding, std::string_view concept_text, std::vector<TokenValue>& out) {
  TokenValue token;
  token.system = string_member(coding, "system");
  token.code = string_member(coding, "code");
  // :text matches the concept's text, else the coding's display (search.html#modifiers).
  std::string_view text = concept_text.empty() ? string_member(coding, "display") : concept_text;
  if (token.system.empty() && token.code.empty() && text.empty()) return;
  token.text = normalize_string(text);
  out.push_back(std::move(token));
}

void add_identifier(const core::Json& identifier, std::vector<TokenValue>& out) {
  TokenValue token;
  token.system = string_member(identifier, "system");
  token.code = string_member(identifier, "value");
  if (auto type = identifier.find("type"); type != identifier.end() && type->is_object()) {
    token.text = normalize_string(string_member(*type, "text"));
    if (auto codings = type->find("coding");
        codings != type->end() && codings->is_array() && !codings->empty()) {
      token.type_system = string_member(codings->front(), "system");
      token.type_code = string_member(codings->front(), "code");
    }
  }
  if (token.system.empty() && token.code.empty()) return;
  out.push_back(std::move(token));
}

}  // namespace

void strings_of(const fp::Value& value, std::vector<StringValue>& out) {
  switch (shape_of(value)) {
    case Shape::string_primitive: add_string(primitive_text(value), out); return;
    case Shape::human_name:
      for (const char* part : {"family", "given", "prefix", "suffix", "text"})
        add_member(*value.json, part, out);
      return;
    case Shape::address:
      for (const char* part : {"line", "city", "district", "state", "postalCode", "country", "text"})
        add_member(*value.json, part, out);
      return;
    case Shape::codeable_concept: add_member(*value.json, "text", out); return;
    default: return;
  }
}

void tokens_of(const fp::Value& value, std::vector<TokenValue>& out) {
  tokens_of(value, {}, out);
}

void tokens_of(const fp::Value& value, std::string_view implicit_system, std::vector<TokenValue>& out) {
  switch (shape_of(value)) {
    case Shape::string_primitive: {
      TokenValue token;
      token.code = primitive_text(value);
      // A `code` has the system its required binding implies (search.html#token).
      token.system = implicit_system;
      if (!token.code.empty()) out.push_back(std::move(token));
      return;
    }
    case Shape::boolean_primitive:
    case Shape::number_primitive: {
      TokenValue token;
      token.code = primitive_text(value);
      if (!token.code.empty()) out.push_back(std::move(token));
      return;
    }
    case Shape::coding: add_coding(*value.json, {}, out); return;
    case Shape::codeable_concept: {
      const core::Json& concept_json = *value.json;
      std::string_view text = string_member(concept_json, "text");
      const std::size_t before = out.size();
      if (auto codings = concept_json.find("coding"); codings != concept_json.end() && codings->is_array())
        for (const core::Json& coding : *codings)
          if (coding.is_object()) add_coding(coding, text, out);
      if (out.size() == before && !text.empty())
        out.push_back(TokenValue{{}, {}, normalize_string(text), {}, {}});
      return;
    }
    case Shape::identifier: add_identifier(*value.json, out); return;
    case Shape::contact_point: {
      TokenValue token;
      token.code = string_member(*value.json, "value");
      if (!token.code.empty()) out.push_back(std::move(token));
      return;
    }
    default: return;
  }
}

void uris_of(const fp::Value& value, std::vector<UriValue>& out) {
  if (shape_of(value) != Shape::string_primitive) return;
  std::string text = primitive_text(value);
  if (!text.empty()) out.push_back(UriValue{std::move(text)});
}

}  // namespace carnet::search::detail
