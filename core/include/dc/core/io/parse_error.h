#pragma once
#include <filesystem>
#include <stdexcept>
#include <string>

namespace dc::core {

// A problem with one input file. what() reads "<file>:<line>: <message>" (line omitted when 0).
class ParseError : public std::runtime_error {
public:
  ParseError(std::filesystem::path file, int line, std::string message);
  ParseError(std::filesystem::path file, std::string message) : ParseError(std::move(file), 0, std::move(message)) {}

  const std::filesystem::path& file() const { return file_; }
  int line() const { return line_; }
  const std::string& message() const { return message_; }

private:
  std::filesystem::path file_;
  int line_ = 0;
  std::string message_;
};

}  // namespace dc::core
