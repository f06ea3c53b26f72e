#pragma once
#include "dc/core/passes/pass.h"

#include <memory>
#include <string>
#include <vector>

namespace dc::core {

// The one table of passes, in the order `pass list` shows them.
const std::vector<std::unique_ptr<Pass>>& pass_registry();
const Pass* find_pass(const std::string& name);  // nullptr when unknown

}  // namespace dc::core
