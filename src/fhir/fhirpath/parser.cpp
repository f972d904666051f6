// FHIRPath parser: precedence climbing over the grammar of
// http://hl7.org/fhirpath/N1/grammar.html (operator precedence §"Operator precedence").

#include <string>

#include "carnet/fhir/fhirpath/expression.hpp"
#include "fhir/fhirpath/ast.hpp"
#include "fhir/fhirpath/engine.hpp"

namespace carnet::fhir::fhirpath::detail {
namespace {

struct OpInfo {
  std::string_view text;
  BinaryOp op;
  int power;
};

// Higher power binds tighter; all binary operators associate to the left.
constexpr OpInfo kOps[] = {
    {"implies", BinaryOp::kImplies, 1},
    {"or", BinaryOp::kOr, 2},
    {"xor", BinaryOp::kXor, 2},
    {"and", BinaryOp::kAnd, 3},
    {"in", BinaryOp::kIn, 4},
    {"contains", BinaryOp::kContains, 4},
    {"=", BinaryOp::kEq, 5},
    {"~", BinaryOp::kEquiv, 5},
    {"!=", BinaryOp::kNe, 5},
    {"!~", BinaryOp::kNotEquiv, 5},
    {"<", BinaryOp::kLt, 6},
    {">", BinaryOp::kGt, 6},
    {"<=", BinaryOp::kLe, 6},
    {">=", BinaryOp::kGe, 6},
    {"|", BinaryOp::kUnion, 7},
    {"is", BinaryOp::kIs, 8},
    {"as", BinaryOp::kAs, 8},
    {"+", BinaryOp::kAdd, 9},
    {"-", BinaryOp::kSub, 9},
    {"&", BinaryOp::kConcat, 9},
    {"*", BinaryOp::kMul, 10},
    {"/", BinaryOp::kDiv, 10},
    {"div", BinaryOp::kIntDiv, 10},
    {"mod", BinaryOp::kMod, 10},
};

bool is_calendar_word(std::string_view w) {
  static constexpr std::string_view kWords[] = {
      "year", "years", "month",  "months",  "week",   "weeks",   "day",         "days",
      "hour", "hours", "minute", "minutes", "second", "seconds", "millisecond", "milliseconds"};
  for (auto k : kWords)
    if (k == w) return true;
  return false;
}

class Parser {
 public:
  explicit Parser(std::string_view text) : tokens_(tokenize(text)) {}

  std::unique_ptr<Node> parse_all() {
    if (peek().kind == TokenKind::kEnd) fail("empty expression");
    auto n = expression(0);
    if (peek().kind != TokenKind::kEnd) fail("unexpected '" + peek().text + "'");
    return n;
  }

 private:
  const Token& peek(std::size_t ahead = 0) const {
    std::size_t i = pos_ + ahead;
    return i < tokens_.size() ? tokens_[i] : tokens_.back();
  }
  Token next() { return tokens_[pos_ < tokens_.size() - 1 ? pos_++ : pos_]; }
  bool is_symbol(std::string_view s, std::size_t ahead = 0) const {
    return peek(ahead).kind == TokenKind::kSymbol && peek(ahead).text == s;
  }
  void expect(std::string_view s) {
    if (!is_symbol(s)) fail("expected '" + std::string(s) + "'");
    ++pos_;
  }
  [[noreturn]] void fail(const std::string& what) const {
    throw ParseError("FHIRPath syntax error at offset " + std::to_string(peek().offset) + ": " + what);
  }

  const OpInfo* binary_op() const {
    const Token& t = peek();
    if (t.kind != TokenKind::kSymbol && t.kind != TokenKind::kIdentifier) return nullptr;
    for (const auto& o : kOps)
      if (o.text == t.text) return &o;
    return nullptr;
  }

  std::unique_ptr<Node> expression(int min_power) {
    auto lhs = unary();
    while (const OpInfo* op = binary_op()) {
      if (op->power < min_power) break;
      ++pos_;
      auto n = std::make_unique<Node>();
      n->name = std::string(op->text);
      n->op = op->op;
      n->args.push_back(std::move(lhs));
      if (op->op == BinaryOp::kIs || op->op == BinaryOp::kAs) {
        n->kind = NodeKind::kTypeOp;
        n->name = qualified_name();
      } else {
        n->kind = NodeKind::kBinary;
        n->args.push_back(expression(op->power + 1));
      }
      lhs = std::move(n);
    }
    return lhs;
  }

  std::string qualified_name() {
    std::string name;
    while (true) {
      const Token& t = peek();
      if (t.kind != TokenKind::kIdentifier && t.kind != TokenKind::kDelimited) fail("expected a type name");
      name += next().text;
      if (!is_symbol(".")) break;
      ++pos_;
      name += '.';
    }
    return name;
  }

  std::unique_ptr<Node> unary() {
    if (is_symbol("+") || is_symbol("-")) {
      std::string sign = next().text;
      auto operand = unary();
      if (sign == "+") return operand;
      if (operand->kind == NodeKind::kLiteral) {
        Value& v = operand->literal;
        if (v.kind == Kind::kInteger) {
          v.integer = -v.integer;
          return operand;
        }
        if (v.kind == Kind::kDecimal || v.kind == Kind::kQuantity) {
          v.decimal = -v.decimal;
          v.text = v.text.empty() || v.text[0] != '-' ? "-" + v.text : v.text.substr(1);
          return operand;
        }
      }
      auto n = std::make_unique<Node>();
      n->kind = NodeKind::kUnary;
      n->name = sign;
      n->args.push_back(std::move(operand));
      return n;
    }
    return postfix(term());
  }

  std::unique_ptr<Node> postfix(std::unique_ptr<Node> base) {
    while (true) {
      if (is_symbol(".")) {
        ++pos_;
        const Token& t = peek();
        if (t.kind != TokenKind::kIdentifier && t.kind != TokenKind::kDelimited)
          fail("expected a name after '.'");
        bool delimited = t.kind == TokenKind::kDelimited;
        std::string name = next().text;
        auto n = !delimited && is_symbol("(") ? call(std::move(name)) : member(std::move(name));
        n->base = std::move(base);
        base = std::move(n);
      } else if (is_symbol("[")) {
        ++pos_;
        auto n = std::make_unique<Node>();
        n->kind = NodeKind::kIndexer;
        n->base = std::move(base);
        n->args.push_back(expression(0));
        expect("]");
        base = std::move(n);
      } else {
        return base;
      }
    }
  }

  static std::unique_ptr<Node> member(std::string name) {
    auto n = std::make_unique<Node>();
    n->kind = NodeKind::kMember;
    n->name = std::move(name);
    return n;
  }

  std::unique_ptr<Node> call(std::string name) {
    expect("(");
    auto n = std::make_unique<Node>();
    n->kind = NodeKind::kFunction;
    n->name = std::move(name);
    if (!is_symbol(")")) {
      while (true) {
        n->args.push_back(expression(0));
        if (!is_symbol(",")) break;
        ++pos_;
      }
    }
    expect(")");
    const FunctionEntry* f = find_function(n->name);
    if (f == nullptr) fail("unknown function '" + n->name + "'");
    int count = static_cast<int>(n->args.size());
    if (count < f->min_args || count > f->max_args) fail("wrong number of arguments to " + n->name + "()");
    n->fn = f->fn;
    if ((n->name == "is" || n->name == "as" || n->name == "ofType") && !n->args.empty()) {
      n->literal.text = type_name_of(*n->args[0]);
      if (n->literal.text.empty()) fail("expected a type name in " + n->name + "()");
    }
    return n;
  }

  std::unique_ptr<Node> literal(Value v) {
    auto n = std::make_unique<Node>();
    n->kind = NodeKind::kLiteral;
    n->literal = std::move(v);
    return n;
  }

  std::unique_ptr<Node> term() {
    Token t = next();
    switch (t.kind) {
      case TokenKind::kNumber: {
        Value v;
        if (t.text.find('.') == std::string::npos) {
          try {
            v = make_integer(std::stoll(t.text));
          } catch (const std::out_of_range&) {
            fail("integer literal out of range");
          }
        } else {
          v = make_decimal_text(t.text);
        }
        if (peek().kind == TokenKind::kString) return literal(make_quantity(v, next().text));
        if (peek().kind == TokenKind::kIdentifier && is_calendar_word(peek().text))
          return literal(make_quantity(v, next().text));
        return literal(std::move(v));
      }
      case TokenKind::kString: return literal(make_string(std::move(t.text)));
      case TokenKind::kDateTime:
      case TokenKind::kTime: {
        Value v;
        v.kind = t.kind == TokenKind::kTime              ? Kind::kTime
                 : t.text.find('T') != std::string::npos ? Kind::kDateTime
                                                         : Kind::kDate;
        auto parsed = parse_temporal(t.text, v.kind);
        if (!parsed) fail("bad date/time literal @" + t.text);
        v.temporal = *parsed;
        v.text = t.text;
        if (!v.text.empty() && v.text.back() == 'T') v.text.pop_back();
        return literal(std::move(v));
      }
      case TokenKind::kVariable: {
        auto n = std::make_unique<Node>();
        n->kind = NodeKind::kVariable;
        n->name = std::move(t.text);
        return n;
      }
      case TokenKind::kDelimited: return member(std::move(t.text));
      case TokenKind::kIdentifier: {
        if (t.text == "true" || t.text == "false") return literal(make_boolean(t.text == "true"));
        if (t.text[0] == '$') {
          auto n = std::make_unique<Node>();
          if (t.text == "$this")
            n->kind = NodeKind::kThis;
          else if (t.text == "$index")
            n->kind = NodeKind::kIndex;
          else if (t.text == "$total")
            n->kind = NodeKind::kTotal;
          else
            fail("unknown " + t.text);
          return n;
        }
        if (is_symbol("(")) return call(std::move(t.text));
        return member(std::move(t.text));
      }
      case TokenKind::kSymbol:
        if (t.text == "(") {
          auto n = expression(0);
          expect(")");
          return n;
        }
        if (t.text == "{") {
          expect("}");
          auto n = std::make_unique<Node>();
          n->kind = NodeKind::kEmpty;
          return n;
        }
        break;
      case TokenKind::kEnd: break;
    }
    --pos_;
    fail(t.kind == TokenKind::kEnd ? "unexpected end of expression" : "unexpected '" + t.text + "'");
  }

  std::vector<Token> tokens_;
  std::size_t pos_ = 0;
};

}  // namespace

std::string type_name_of(const Node& n) {
  if (n.kind != NodeKind::kMember) return {};
  if (!n.base) return n.name;
  std::string prefix = type_name_of(*n.base);
  return prefix.empty() ? std::string() : prefix + "." + n.name;
}

std::unique_ptr<Node> parse(std::string_view text) {
  return Parser(text).parse_all();
}

}  // namespace carnet::fhir::fhirpath::detail
