#include "dc/core/passes/pass_registry.h"

// One include and one line per pass below.

namespace dc::core {

const std::vector<std::unique_ptr<Pass>>& pass_registry() {
  static const std::vector<std::unique_ptr<Pass>> passes = [] {
    std::vector<std::unique_ptr<Pass>> p;
    return p;
  }();
  return passes;
}

const Pass* find_pass(const std::string& name) {
  for (const auto& p : pass_registry())
    if (p->name() == name) return p.get();
  return nullptr;
}

}  // namespace dc::core
