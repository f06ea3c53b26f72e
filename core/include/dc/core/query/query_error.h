#pragma once
#include <stdexcept>
#include <string>

namespace dc::core {

// A query that does not parse or names an unknown value. what() reads
//   query: expected a value after 'class:' at column 7
//       class: and
//             ^
// so a terminal shows where the problem is; column() is 1-based, message() is the first line without the prefix.
class QueryError : public std::invalid_argument {
public:
  QueryError(const std::string& message, const std::string& text, std::size_t offset);
  std::size_t column() const { return offset_ + 1; }
  const std::string& message() const { return message_; }

private:
  std::string message_;
  std::size_t offset_;
};

}  // namespace dc::core
