#include "dc/core/io/parse_error.h"

#include "dc/core/model/ingest_error.h"

namespace dc::core {

namespace {
std::string describe(const std::filesystem::path& file, int line, const std::string& message) {
  std::string s = file.string();
  if (line > 0) s += ":" + std::to_string(line);
  return s + ": " + message;
}
}  // namespace

ParseError::ParseError(std::filesystem::path file, int line, std::string message)
    : std::runtime_error(describe(file, line, safe_message(message))), file_(std::move(file)), line_(line),
      message_(safe_message(message)) {}

}  // namespace dc::core
