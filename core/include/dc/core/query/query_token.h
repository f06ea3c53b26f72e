#pragma once
#include <cstddef>
#include <string>

namespace dc::core {

// One lexeme of a query. Keywords (and, or, not) are Words the parser recognises only when unquoted.
struct QueryToken {
  enum class Kind { Word, String, Colon, Tilde, Compare, LParen, RParen, End };
  Kind kind = Kind::End;
  std::string text;          // a Word's text, a String's unescaped content, a Compare's operator (">=", "<", "=")
  std::size_t offset = 0;    // byte offset of the token's first character in the query
  std::size_t end = 0;       // byte offset just past it
  bool spaced = false;       // whitespace comes right before it (a value must touch its operator)
};

}  // namespace dc::core
