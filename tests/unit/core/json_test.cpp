// core::parse_json / to_json_text: the JSON a client sends comes back as it was
// written (exact decimals, element order, Unicode), and malformed bodies are
// refused with a 400 "structure" OperationOutcome that says where.

#include "carnet/core/json.hpp"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "carnet/core/error.hpp"

namespace carnet::core {
namespace {

// Parses then serialises compactly.
std::string round_trip(std::string_view text, int indent = -1) {
  return to_json_text(parse_json(text), indent);
}

// The error parse_json throws for `text` (fails the test when none is thrown).
Error parse_error(std::string_view text, std::size_t max_depth = 64) {
  try {
    parse_json(text, max_depth);
  } catch (const Error& e) {
    return e;
  }
  ADD_FAILURE() << "parse_json accepted: " << text;
  return Error(0, {});
}

std::string diagnostics(const Error& e) {
  return e.issues().empty() ? std::string() : e.issues()[0].diagnostics;
}

std::string nested_arrays(int depth) {
  return std::string(static_cast<std::size_t>(depth), '[') +
         std::string(static_cast<std::size_t>(depth), ']');
}

// --- decimals ---------------------------------------------------------------

TEST(CoreJson, DecimalKeepsTrailingZeros) {
  EXPECT_EQ(round_trip(R"({"value":1.50})"), R"({"value":1.50})");
  EXPECT_EQ(round_trip(R"({"value":1.0})"), R"({"value":1.0})");
  EXPECT_EQ(round_trip(R"({"value":100.000})"), R"({"value":100.000})");
}

TEST(CoreJson, DecimalKeepsLeadingZerosOfFraction) {
  EXPECT_EQ(round_trip(R"([0.000120])"), R"([0.000120])");
}

TEST(CoreJson, DecimalKeepsExponentNotation) {
  EXPECT_EQ(round_trip(R"([1e2,1E2,1.0e-5,2.50E+3])"), R"([1e2,1E2,1.0e-5,2.50E+3])");
}

TEST(CoreJson, NegativeZeroDecimalKeepsItsSign) {
  EXPECT_EQ(round_trip(R"({"v":-0.0})"), R"({"v":-0.0})");
}

TEST(CoreJson, DecimalBeyondDoublePrecisionKeepsAllDigits) {
  EXPECT_EQ(round_trip("[3.141592653589793238462643383279]"), "[3.141592653589793238462643383279]");
  EXPECT_EQ(round_trip("[0.1000000000000000055511151231257827]"), "[0.1000000000000000055511151231257827]");
}

TEST(CoreJson, IntegerBeyondSixtyFourBitsKeepsItsText) {
  EXPECT_EQ(round_trip("[12345678901234567890123]"), "[12345678901234567890123]");
  EXPECT_EQ(round_trip("[-9223372036854775809]"), "[-9223372036854775809]");
  EXPECT_EQ(round_trip("[18446744073709551616]"), "[18446744073709551616]");
}

TEST(CoreJson, DecimalIsMarkedAndItsTextReadable) {
  Json v = parse_json(R"({"a":1.50,"b":7,"c":"1.50"})");
  EXPECT_TRUE(is_decimal(v["a"]));
  EXPECT_FALSE(is_decimal(v["b"]));
  EXPECT_FALSE(is_decimal(v["c"]));
  EXPECT_EQ(number_text(v["a"]), "1.50");
  EXPECT_EQ(number_text(v["b"]), "7");
  EXPECT_EQ(number_text(v["c"]), "");
}

TEST(CoreJson, MadeDecimalSerialisesVerbatim) {
  Json v = Json::object();
  v["valueDecimal"] = make_decimal("0.010");
  EXPECT_TRUE(is_decimal(v["valueDecimal"]));
  EXPECT_EQ(to_json_text(v), R"({"valueDecimal":0.010})");
}

TEST(CoreJson, DecimalTopLevelValueRoundTrips) {
  EXPECT_EQ(round_trip("1.50"), "1.50");
  EXPECT_EQ(round_trip("  1.50\n"), "1.50");
}

// --- integers and other scalars ----------------------------------------------

TEST(CoreJson, IntegersStayJsonIntegers) {
  Json v = parse_json(R"({"a":0,"b":-42,"c":2147483648,"d":9223372036854775807,"e":18446744073709551615})");
  EXPECT_TRUE(v["a"].is_number_integer());
  EXPECT_EQ(v["b"].get<long long>(), -42);
  EXPECT_TRUE(v["c"].is_number_integer());
  EXPECT_FALSE(is_decimal(v["d"]));
  EXPECT_FALSE(is_decimal(v["e"]));
  EXPECT_EQ(to_json_text(v),
            R"({"a":0,"b":-42,"c":2147483648,"d":9223372036854775807,"e":18446744073709551615})");
}

TEST(CoreJson, LiteralsRoundTrip) {
  EXPECT_EQ(round_trip(R"({"t":true,"f":false,"n":null})"), R"({"t":true,"f":false,"n":null})");
}

// --- structure ------------------------------------------------------------------

TEST(CoreJson, ElementOrderIsKept) {
  EXPECT_EQ(round_trip(R"({"resourceType":"Patient","zeta":1,"id":"x","alpha":{"z":1,"a":2},"meta":{}})"),
            R"({"resourceType":"Patient","zeta":1,"id":"x","alpha":{"z":1,"a":2},"meta":{}})");
  Json v = parse_json(R"({"z":1,"a":2,"m":3})");
  std::string keys;
  for (auto it = v.begin(); it != v.end(); ++it) keys += it.key();
  EXPECT_EQ(keys, "zam");
}

TEST(CoreJson, WhitespaceIsDroppedInCompactOutput) {
  EXPECT_EQ(round_trip("{ \"a\" : [ 1 , 2 ] ,\n\t\"b\" : { } , \"c\" : [ ] }"),
            R"({"a":[1,2],"b":{},"c":[]})");
}

TEST(CoreJson, PrettyPrintingIndentsByTheGivenWidth) {
  const std::string text = R"({"a":1,"b":[1,2.50],"c":{},"d":[],"e":{"f":"g"}})";
  EXPECT_EQ(round_trip(text, 2),
            "{\n"
            "  \"a\": 1,\n"
            "  \"b\": [\n"
            "    1,\n"
            "    2.50\n"
            "  ],\n"
            "  \"c\": {},\n"
            "  \"d\": [],\n"
            "  \"e\": {\n"
            "    \"f\": \"g\"\n"
            "  }\n"
            "}");
  EXPECT_EQ(round_trip(R"({"a":[1]})", 4), "{\n    \"a\": [\n        1\n    ]\n}");
}

TEST(CoreJson, PrettyPrintingMatchesNlohmannWithoutDecimals) {
  const std::string text =
      R"({"resourceType":"Patient","name":[{"given":["A","B"]}],"active":true,"n":null})";
  EXPECT_EQ(round_trip(text, 2), Json::parse(text).dump(2));
  EXPECT_EQ(round_trip(text, 0), Json::parse(text).dump(0));
}

TEST(CoreJson, AppendJsonTextAppends) {
  std::string out = "prefix:";
  append_json_text(out, parse_json(R"({"a":1.10})"));
  EXPECT_EQ(out, R"(prefix:{"a":1.10})");
}

// --- strings: Unicode and escapes ------------------------------------------------

TEST(CoreJson, UnicodeEscapeBecomesUtf8AndRoundTrips) {
  Json v = parse_json(R"({"name":"Ren\u00e9e"})");
  EXPECT_EQ(v["name"].get<std::string>(),
            "Ren\xC3\xA9"
            "e");
  const std::string out = to_json_text(v);
  EXPECT_EQ(out,
            "{\"name\":\"Ren\xC3\xA9"
            "e\"}");
  EXPECT_EQ(parse_json(out), v);
}

TEST(CoreJson, RawUtf8IsKeptAsIs) {
  const std::string text = "{\"city\":\"Besan\xC3\xA7on \xE5\x8C\x97\xE4\xBA\xAC \xF0\x9F\x98\x80\"}";
  EXPECT_EQ(round_trip(text), text);
}

TEST(CoreJson, SurrogatePairBecomesOneCodePoint) {
  Json v = parse_json(R"(["\ud83d\ude00"])");
  EXPECT_EQ(v[0].get<std::string>(), "\xF0\x9F\x98\x80");
  EXPECT_EQ(parse_json(to_json_text(v)), v);
}

TEST(CoreJson, LoneSurrogateIsRefused) {
  Error e = parse_error(R"(["\ud83d"])");
  EXPECT_EQ(e.status(), 400);
  ASSERT_FALSE(e.issues().empty());
  EXPECT_EQ(e.issues()[0].code, "structure");
  EXPECT_EQ(parse_error(R"(["\ude00x"])").status(), 400);
}

TEST(CoreJson, InvalidUtf8IsRefused) {
  EXPECT_EQ(parse_error("[\"\xFF\"]").status(), 400);
  EXPECT_EQ(parse_error("[\"\xC3\"]").status(), 400);
}

TEST(CoreJson, ShortEscapesRoundTrip) {
  const std::string text = R"(["quote\" backslash\\ nl\n cr\r tab\t bs\b ff\f"])";
  Json v = parse_json(text);
  EXPECT_EQ(v[0].get<std::string>(), "quote\" backslash\\ nl\n cr\r tab\t bs\b ff\f");
  EXPECT_EQ(to_json_text(v), text);
}

TEST(CoreJson, SolidusEscapeIsUnescaped) {
  EXPECT_EQ(round_trip(R"(["a\/b"])"), R"(["a/b"])");
}

TEST(CoreJson, ControlCharactersAreWrittenAsUnicodeEscapes) {
  Json v = parse_json(R"(["\u0000\u0001\u001f"])");
  EXPECT_EQ(v[0].get<std::string>(), std::string("\x00\x01\x1f", 3));
  const std::string out = to_json_text(v);
  EXPECT_EQ(out, R"(["\u0000\u0001\u001f"])");
  EXPECT_EQ(parse_json(out), v);
}

TEST(CoreJson, RawControlCharacterInStringIsRefused) {
  EXPECT_EQ(parse_error("[\"a\x01"
                        "b\"]")
                .status(),
            400);
  EXPECT_EQ(parse_error("[\"a\nb\"]").status(), 400);
}

TEST(CoreJson, KeysAreEscapedToo) {
  Json v = parse_json(R"({"a\"b\u00e9\n":1})");
  EXPECT_EQ(to_json_text(v), "{\"a\\\"b\xC3\xA9\\n\":1}");
}

TEST(CoreJson, AppendJsonStringQuotesAndEscapes) {
  std::string out;
  append_json_string(out, std::string("x\"\\\x02y", 5));
  EXPECT_EQ(out, R"("x\"\\\u0002y")");
}

// --- refusals ---------------------------------------------------------------------

TEST(CoreJson, DuplicateKeyIsRefusedAsStructure) {
  Error e = parse_error(R"({"id":"a","id":"b"})");
  EXPECT_EQ(e.status(), 400);
  ASSERT_EQ(e.issues().size(), 1u);
  EXPECT_EQ(e.issues()[0].code, "structure");
  EXPECT_EQ(e.issues()[0].severity, Severity::error);
  EXPECT_NE(diagnostics(e).find("'id'"), std::string::npos) << diagnostics(e);
}

TEST(CoreJson, NestedDuplicateKeyIsRefused) {
  EXPECT_EQ(parse_error(R"({"name":[{"family":"a","given":["x"],"family":"b"}]})").status(), 400);
}

TEST(CoreJson, SameKeyInSiblingObjectsIsAccepted) {
  EXPECT_EQ(round_trip(R"([{"a":1},{"a":2}])"), R"([{"a":1},{"a":2}])");
}

TEST(CoreJson, DuplicateKeyMessageSaysWhere) {
  // The header promises line/column for duplicate keys as for any malformed JSON:
  // in a 2,000-line Bundle the property name alone does not find the culprit.
  Error e = parse_error("{\n  \"id\": \"a\",\n  \"id\": \"b\"\n}");
  EXPECT_NE(diagnostics(e).find("line 3"), std::string::npos) << diagnostics(e);
}

TEST(CoreJson, SixtyFourLevelsAreAccepted) {
  EXPECT_EQ(round_trip(nested_arrays(64)), nested_arrays(64));
  std::string objects;
  for (int i = 0; i < 63; ++i) objects += "{\"a\":";
  objects += "{}";
  for (int i = 0; i < 63; ++i) objects += "}";
  EXPECT_EQ(round_trip(objects), objects);
}

TEST(CoreJson, SixtyFiveLevelsAreRefused) {
  Error e = parse_error(nested_arrays(65));
  EXPECT_EQ(e.status(), 400);
  ASSERT_FALSE(e.issues().empty());
  EXPECT_EQ(e.issues()[0].code, "structure");
  EXPECT_NE(diagnostics(e).find("64"), std::string::npos) << diagnostics(e);

  std::string objects;
  for (int i = 0; i < 64; ++i) objects += "{\"a\":";
  objects += "{}";
  for (int i = 0; i < 64; ++i) objects += "}";
  EXPECT_EQ(parse_error(objects).status(), 400);
}

TEST(CoreJson, DepthLimitIsConfigurable) {
  EXPECT_NO_THROW(parse_json(R"({"a":[1]})", 2));
  EXPECT_EQ(parse_error(R"({"a":[{}]})", 2).status(), 400);
}

TEST(CoreJson, SyntaxErrorSaysLineAndColumn) {
  Error e = parse_error("{\n  \"resourceType\": \"Patient\",\n  \"active\": yes\n}");
  EXPECT_EQ(e.status(), 400);
  ASSERT_FALSE(e.issues().empty());
  EXPECT_EQ(e.issues()[0].code, "structure");
  const std::string d = diagnostics(e);
  EXPECT_NE(d.find("line 3"), std::string::npos) << d;
  EXPECT_NE(d.find("column"), std::string::npos) << d;
  EXPECT_EQ(d.find("json.exception"), std::string::npos) << "library prefix leaked: " << d;
}

TEST(CoreJson, MissingCommaSaysLineAndColumn) {
  const std::string d = diagnostics(parse_error(R"({"a":1 "b":2})"));
  EXPECT_NE(d.find("line 1, column"), std::string::npos) << d;
}

TEST(CoreJson, SyntaxErrorDiagnosticsDoNotEchoTheBody) {
  // Issue.diagnostics is "client-safe text: never patient data" (error.hpp), and
  // the first diagnostics of a refusal is stored in the audit trail (outcome_desc).
  const std::string d = diagnostics(parse_error(R"({"resourceType":"Patient","name":[{"family":"Dupont}]})"));
  EXPECT_NE(d.find("line 1"), std::string::npos) << d;
  EXPECT_EQ(d.find("Dupont"), std::string::npos) << d;
}

TEST(CoreJson, TruncatedBodyIsRefused) {
  EXPECT_EQ(parse_error(R"({"resourceType":"Patient")").status(), 400);
  EXPECT_EQ(parse_error(R"(["unterminated)").status(), 400);
}

TEST(CoreJson, TrailingContentIsRefused) {
  EXPECT_EQ(parse_error("{} x").status(), 400);
  EXPECT_EQ(parse_error("{}{}").status(), 400);
}

TEST(CoreJson, NonJsonSyntaxIsRefused) {
  EXPECT_EQ(parse_error("{'a':1}").status(), 400);      // single quotes
  EXPECT_EQ(parse_error(R"({"a":1,})").status(), 400);  // trailing comma
  EXPECT_EQ(parse_error(R"({"a":01})").status(), 400);  // leading zero
  EXPECT_EQ(parse_error(R"({"a":.5})").status(), 400);  // no integer part
  EXPECT_EQ(parse_error(R"({"a":NaN})").status(), 400);
  EXPECT_EQ(parse_error("{\"a\":1} // comment").status(), 400);
}

TEST(CoreJson, EmptyBodyIsRefusedAsStructure) {
  for (std::string_view text : {std::string_view(""), std::string_view("   "), std::string_view("\r\n\t ")}) {
    Error e = parse_error(text);
    EXPECT_EQ(e.status(), 400);
    ASSERT_FALSE(e.issues().empty());
    EXPECT_EQ(e.issues()[0].code, "structure");
    EXPECT_NE(diagnostics(e).find("empty"), std::string::npos) << diagnostics(e);
  }
}

TEST(CoreJson, ParsingIsRepeatable) {
  const std::string text = R"({"resourceType":"Observation","valueQuantity":{"value":6.30,"unit":"mmol/l"}})";
  EXPECT_EQ(parse_json(text), parse_json(text));
  EXPECT_EQ(round_trip(round_trip(text)), text);
}

}  // namespace
}  // namespace carnet::core
