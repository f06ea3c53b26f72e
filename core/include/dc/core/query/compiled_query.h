#pragma once
#include <cstdint>
#include <string>
#include <variant>
#include <vector>

namespace dc::core {

// SQL built only from fixed fragments and ?N placeholders; params[i] binds to ?(i+1). Selects
// drive id, sample key, sample time and drive name, one row per matching sample.
struct CompiledQuery {
  std::string sql;
  std::vector<std::variant<std::int64_t, std::string>> params;
};

}  // namespace dc::core
