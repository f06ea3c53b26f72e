#include "dc/core/query/query_lexer.h"

#include "dc/core/query/query_error.h"

#include <cctype>
#include <cstring>

namespace dc::core {

namespace {
bool is_space(char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; }
bool is_special(char c) { return std::strchr(":~<>=()\"", c) != nullptr; }
}  // namespace

std::vector<QueryToken> QueryLexer::tokenize(const std::string& text) {
  std::vector<QueryToken> tokens;
  std::size_t i = 0;
  while (true) {
    const std::size_t before = i;
    while (i < text.size() && is_space(text[i])) ++i;
    QueryToken t;
    t.offset = i;
    t.spaced = i > before || i == 0;
    if (i >= text.size()) {
      t.kind = QueryToken::Kind::End;
      t.end = i;
      tokens.push_back(t);
      return tokens;
    }
    const char c = text[i];
    if (c == '"') {
      t.kind = QueryToken::Kind::String;
      ++i;
      bool closed = false;
      while (i < text.size()) {
        if (text[i] == '\\' && i + 1 < text.size()) {
          t.text += text[i + 1];
          i += 2;
        } else if (text[i] == '"') {
          ++i;
          closed = true;
          break;
        } else {
          t.text += text[i++];
        }
      }
      if (!closed) throw QueryError("unterminated string (a '\"' is missing)", text, t.offset);
    } else if (c == ':' || c == '~' || c == '(' || c == ')') {
      t.kind = c == ':'   ? QueryToken::Kind::Colon
               : c == '~' ? QueryToken::Kind::Tilde
               : c == '(' ? QueryToken::Kind::LParen
                          : QueryToken::Kind::RParen;
      t.text = std::string(1, c);
      ++i;
    } else if (c == '<' || c == '>' || c == '=') {
      t.kind = QueryToken::Kind::Compare;
      t.text = std::string(1, c);
      ++i;
      if (c != '=' && i < text.size() && text[i] == '=') t.text += text[i++];
    } else {
      t.kind = QueryToken::Kind::Word;
      while (i < text.size() && !is_space(text[i]) && !is_special(text[i])) t.text += text[i++];
    }
    t.end = i;
    tokens.push_back(std::move(t));
  }
}

}  // namespace dc::core
