#include "dc/core/query/query_error.h"

namespace dc::core {

namespace {

// Characters before `offset`, counting a UTF-8 sequence once, so the caret sits under the right glyph.
std::size_t display_column(const std::string& text, std::size_t offset) {
  std::size_t column = 0;
  for (std::size_t i = 0; i < offset && i < text.size(); ++i)
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) ++column;
  return column + (offset > text.size() ? offset - text.size() : 0);
}

std::string one_line(const std::string& text) {
  std::string out = text;
  for (auto& c : out)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';  // keeps the caret aligned
  return out;
}

std::string full_message(const std::string& message, const std::string& text, std::size_t offset) {
  const std::size_t column = display_column(text, offset);
  return "query: " + message + " at column " + std::to_string(column + 1) + "\n    " + one_line(text) + "\n    " +
         std::string(column, ' ') + "^";
}

}  // namespace

QueryError::QueryError(const std::string& message, const std::string& text, std::size_t offset)
    : std::invalid_argument(full_message(message, text, offset)), message_(message),
      offset_(display_column(text, offset)) {}

}  // namespace dc::core
