#pragma once
#include "dc/core/query/query_ast.h"
#include "dc/core/query/query_token.h"

#include <string>
#include <vector>

namespace dc::core {

// Recursive descent over the grammar in query_engine.h:
//   query   := or
//   or      := and ('or' and)*
//   and     := unary (['and'] unary)*
//   unary   := 'not' unary | '(' query ')' | term
//   term    := FIELD (':' | '~' | '<' | '<=' | '>' | '>=' | '=') VALUE      (no space between the three parts)
// Throws QueryError pointing at the offending token.
class QueryParser {
public:
  static QueryNode parse(const std::string& text);

private:
  QueryParser(const std::string& text, std::vector<QueryToken> tokens) : text_(text), tokens_(std::move(tokens)) {}
  QueryNode parse_or();
  QueryNode parse_and();
  QueryNode parse_unary();
  QueryTerm parse_term();
  bool at_keyword(const char* keyword) const;
  bool starts_unary() const;
  const QueryToken& peek() const { return tokens_[pos_]; }
  const QueryToken& next() { return tokens_[pos_++]; }
  [[noreturn]] void fail(const std::string& message, std::size_t offset) const;

  const std::string& text_;
  std::vector<QueryToken> tokens_;
  std::size_t pos_ = 0;
};

}  // namespace dc::core
