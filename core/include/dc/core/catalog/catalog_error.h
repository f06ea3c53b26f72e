#pragma once
#include <stdexcept>
#include <string>

namespace dc::core {

// The catalog file cannot be opened, is not SQLite, or a query failed. The message names the file.
class CatalogError : public std::runtime_error {
public:
  explicit CatalogError(const std::string& message) : std::runtime_error(message) {}
};

}  // namespace dc::core
