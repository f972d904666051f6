#pragma once
// Private: the FHIRPath syntax tree and the lexer. Nodes are immutable once the
// parser returns them, so evaluation may share them between threads.

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "carnet/fhir/fhirpath/value.hpp"

namespace carnet::fhir::fhirpath::detail {

struct Node;
class Evaluator;
struct Frame;

/// A function implementation: `input` is the evaluated focus, `call` the call
/// node (arguments unevaluated, so lambdas such as where() can bind $this).
using FunctionImpl = Collection (*)(const Evaluator& ev, const Collection& input, const Node& call,
                                    const Frame& frame);

enum class NodeKind : std::uint8_t {
  kLiteral,   // literal
  kEmpty,     // {}
  kMember,    // base.name (base null: on the focus)
  kFunction,  // base.name(args) (base null: on the focus)
  kIndexer,   // base[args[0]]
  kUnary,     // name is "+" or "-"; args[0]
  kBinary,    // name is the operator; args[0], args[1]
  kTypeOp,    // args[0] is/as type_name
  kThis,
  kIndex,
  kTotal,
  kVariable,  // %name
};

enum class BinaryOp : std::uint8_t {
  kNone,
  kMul,
  kDiv,
  kIntDiv,
  kMod,
  kAdd,
  kSub,
  kConcat,
  kUnion,
  kLt,
  kGt,
  kLe,
  kGe,
  kEq,
  kEquiv,
  kNe,
  kNotEquiv,
  kIn,
  kContains,
  kAnd,
  kOr,
  kXor,
  kImplies,
  kIs,
  kAs,
};

struct Node {
  NodeKind kind = NodeKind::kEmpty;
  BinaryOp op = BinaryOp::kNone;
  /// Member/function/variable name, operator text, or the type name of is/as.
  std::string name;
  Value literal;
  std::unique_ptr<Node> base;
  std::vector<std::unique_ptr<Node>> args;
  /// kFunction: resolved at compile time.
  FunctionImpl fn = nullptr;
};

enum class TokenKind : std::uint8_t {
  kIdentifier,
  kDelimited,
  kString,
  kNumber,
  kDateTime,
  kTime,
  kVariable,
  kSymbol,
  kEnd,
};

struct Token {
  TokenKind kind = TokenKind::kEnd;
  /// Identifier/symbol text, decoded string, number text, date text without `@`.
  std::string text;
  std::size_t offset = 0;
};

/// Splits `text` into tokens (comments skipped). Throws ParseError.
std::vector<Token> tokenize(std::string_view text);

/// Builds the tree. Throws ParseError.
std::unique_ptr<Node> parse(std::string_view text);

/// Arity limits and implementation of a named function, or null when unknown.
struct FunctionEntry {
  const char* name;
  FunctionImpl fn;
  int min_args;
  int max_args;
};
const FunctionEntry* find_function(std::string_view name);

/// The dotted name a type-specifier argument spells ("FHIR.Quantity"), or "".
std::string type_name_of(const Node& n);

}  // namespace carnet::fhir::fhirpath::detail
