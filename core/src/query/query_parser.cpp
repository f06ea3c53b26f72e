#include "dc/core/query/query_parser.h"

#include "dc/core/model/time_stamp.h"
#include "dc/core/query/query_error.h"
#include "dc/core/query/query_lexer.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <utility>

namespace dc::core {

namespace {

using Field = QueryTerm::Field;
using Op = QueryTerm::Op;
using Kind = QueryToken::Kind;

struct FieldInfo {
  const char* name;
  Field field;
  enum { Name, DriveName, Ordered } ops;
};

constexpr std::array<FieldInfo, 10> kFields = {{
    {"class", Field::Class, FieldInfo::Name},
    {"label-source", Field::LabelSource, FieldInfo::Name},
    {"count", Field::Count, FieldInfo::Ordered},
    {"finding", Field::Finding, FieldInfo::Name},
    {"severity", Field::Severity, FieldInfo::Ordered},
    {"tag", Field::Tag, FieldInfo::Name},
    {"drive", Field::Drive, FieldInfo::DriveName},
    {"review", Field::Review, FieldInfo::Name},
    {"sample", Field::Sample, FieldInfo::Ordered},
    {"time", Field::Time, FieldInfo::Ordered},
}};

const char* kKnownFields = "class, label-source, count, finding, severity, tag, drive, review, sample, time";

bool iequals(const std::string& a, const char* b) {
  std::string lower = a;
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  return lower == b;
}

// Returns the index of `value` in `names`, or -1.
template <std::size_t N>
int index_of(const std::string& value, const std::array<const char*, N>& names) {
  for (std::size_t i = 0; i < N; ++i)
    if (value == names[i]) return static_cast<int>(i);
  return -1;
}

template <std::size_t N>
std::string joined(const std::array<const char*, N>& names) {
  std::string out;
  for (const char* n : names) out += (out.empty() ? "" : ", ") + std::string(n);
  return out;
}

constexpr std::array<const char*, 4> kSources = {"gt", "auto", "model", "manual"};
constexpr std::array<const char*, 4> kReviews = {"unreviewed", "accepted", "rejected", "fixed"};
constexpr std::array<const char*, 3> kSeverities = {"info", "warning", "error"};

}  // namespace

QueryNode QueryParser::parse(const std::string& text) {
  QueryParser p(text, QueryLexer::tokenize(text));
  if (p.peek().kind == Kind::End) p.fail("empty query; expected a term such as class:Car", p.peek().offset);
  QueryNode root = p.parse_or();
  const QueryToken& rest = p.peek();
  if (rest.kind == Kind::RParen) p.fail("unmatched ')'", rest.offset);
  if (rest.kind != Kind::End) p.fail("unexpected '" + text.substr(rest.offset, rest.end - rest.offset) + "'", rest.offset);
  return root;
}

void QueryParser::fail(const std::string& message, std::size_t offset) const { throw QueryError(message, text_, offset); }

bool QueryParser::at_keyword(const char* keyword) const {
  return peek().kind == Kind::Word && iequals(peek().text, keyword);
}

bool QueryParser::starts_unary() const {
  const auto k = peek().kind;
  if (k == Kind::LParen || k == Kind::String) return true;
  return k == Kind::Word && !at_keyword("and") && !at_keyword("or");
}

QueryNode QueryParser::parse_or() {
  QueryNode first = parse_and();
  if (!at_keyword("or")) return first;
  QueryNode node;
  node.kind = QueryNode::Kind::Or;
  node.children.push_back(std::move(first));
  while (at_keyword("or")) {
    const QueryToken& op = next();
    if (!starts_unary()) fail("expected a term after '" + op.text + "'", peek().offset);
    node.children.push_back(parse_and());
  }
  return node;
}

QueryNode QueryParser::parse_and() {
  QueryNode first = parse_unary();
  QueryNode node;
  node.kind = QueryNode::Kind::And;
  node.children.push_back(std::move(first));
  while (true) {
    if (at_keyword("and")) {
      const QueryToken& op = next();
      if (!starts_unary()) fail("expected a term after '" + op.text + "'", peek().offset);
    } else if (!starts_unary()) {
      break;
    }
    node.children.push_back(parse_unary());
  }
  if (node.children.size() == 1) return std::move(node.children.front());
  return node;
}

QueryNode QueryParser::parse_unary() {
  if (at_keyword("not")) {
    const QueryToken& op = next();
    if (!starts_unary()) fail("expected a term after '" + op.text + "'", peek().offset);
    QueryNode node;
    node.kind = QueryNode::Kind::Not;
    node.children.push_back(parse_unary());
    return node;
  }
  if (peek().kind == Kind::LParen) {
    const std::size_t open = next().offset;
    if (peek().kind == Kind::RParen) fail("expected a term inside '()'", peek().offset);
    QueryNode inner = parse_or();
    if (peek().kind != Kind::RParen)
      fail("expected ')' to close the '(' of column " + std::to_string(open + 1), peek().offset);
    next();
    if (inner.kind != QueryNode::Kind::Term) return inner;
    // (term) keeps its own scope: it must not join the label / finding terms of the enclosing and-chain.
    QueryNode group;
    group.kind = QueryNode::Kind::And;
    group.children.push_back(std::move(inner));
    return group;
  }
  QueryNode node;
  node.kind = QueryNode::Kind::Term;
  node.term = parse_term();
  return node;
}

QueryTerm QueryParser::parse_term() {
  const QueryToken& name = next();
  if (name.kind == Kind::String)
    fail("a quoted string is not a term; write FIELD:\"VALUE\" (fields: " + std::string(kKnownFields) + ")",
         name.offset);
  if (name.kind != Kind::Word) fail("expected a term such as class:Car", name.offset);
  if (iequals(name.text, "and") || iequals(name.text, "or"))
    fail("unexpected '" + name.text + "'; expected a term such as class:Car", name.offset);
  const auto info = std::find_if(kFields.begin(), kFields.end(), [&](const FieldInfo& f) { return name.text == f.name; });
  const QueryToken& op = peek();
  const bool has_op = !op.spaced && (op.kind == Kind::Colon || op.kind == Kind::Tilde || op.kind == Kind::Compare);
  if (info == kFields.end()) {
    if (has_op) fail("unknown term '" + name.text + "' (known: " + kKnownFields + ")", name.offset);
    fail("'" + name.text + "' is not a term; write FIELD:VALUE, e.g. class:" + name.text + " (fields: " +
             kKnownFields + ")",
         name.offset);
  }
  if (!has_op) fail("expected ':' or a comparison right after '" + name.text + "'", name.end);
  next();

  QueryTerm term;
  term.field = info->field;
  term.offset = name.offset;
  if (op.kind == Kind::Colon || op.text == "=") term.op = Op::Eq;
  else if (op.kind == Kind::Tilde) term.op = Op::Contains;
  else if (op.text == "<") term.op = Op::Lt;
  else if (op.text == "<=") term.op = Op::Le;
  else if (op.text == ">") term.op = Op::Gt;
  else term.op = Op::Ge;
  const bool allowed = term.op == Op::Eq || (term.op == Op::Contains && info->ops == FieldInfo::DriveName) ||
                       (term.op != Op::Contains && info->ops == FieldInfo::Ordered);
  if (!allowed)
    fail("'" + name.text + "' takes " +
             (info->ops == FieldInfo::DriveName ? std::string("':', '=' or '~'") : std::string("':' or '='")) +
             ", not '" + op.text + "'",
         op.offset);

  const std::string written = name.text + op.text;
  const QueryToken& value = peek();
  if (value.spaced || (value.kind != Kind::Word && value.kind != Kind::String))
    fail("expected a value after '" + written + "'", op.end);
  next();
  term.text = value.text;

  switch (term.field) {
    case Field::LabelSource:
      if (index_of(value.text, kSources) < 0)
        fail("unknown label source '" + value.text + "' (one of " + joined(kSources) + ")", value.offset);
      break;
    case Field::Review:
      if (index_of(value.text, kReviews) < 0)
        fail("unknown review state '" + value.text + "' (one of " + joined(kReviews) + ")", value.offset);
      break;
    case Field::Severity:
      term.number = index_of(value.text, kSeverities);
      if (term.number < 0)
        fail("unknown severity '" + value.text + "' (one of " + joined(kSeverities) + ")", value.offset);
      break;
    case Field::Count:
    case Field::Sample: {
      const char* end = value.text.data() + value.text.size();
      auto [ptr, ec] = std::from_chars(value.text.data(), end, term.number);
      if (value.text.empty() || ec != std::errc() || ptr != end || term.number < 0)
        fail("expected a whole number after '" + written + "'", value.offset);
      break;
    }
    case Field::Time:
      try {
        term.number = parse_user_time(value.text);
      } catch (const std::invalid_argument& e) {
        fail("bad time after '" + written + "': " + e.what(), value.offset);
      }
      break;
    default:
      break;
  }
  return term;
}

}  // namespace dc::core
