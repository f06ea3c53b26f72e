#pragma once
#include <string>
#include <vector>

namespace dc::core {

// Ordered schema migrations: entry i brings the catalog from version i to i+1. Never edit a shipped entry;
// append a new one.
const std::vector<std::string>& catalog_migrations();

}  // namespace dc::core
