#pragma once
#include "dc/core/query/query_token.h"

#include <string>
#include <vector>

namespace dc::core {

// Splits query text into tokens. Bare words run until whitespace or one of  : ~ < > = ( ) " ; quoted strings take
// backslash escapes (\" \\ and any other escaped character as itself). Throws QueryError on an unterminated string.
class QueryLexer {
public:
  static std::vector<QueryToken> tokenize(const std::string& text);
};

}  // namespace dc::core
