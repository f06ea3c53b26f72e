#include "dc/core/passes/pass_registry.h"
#include "passes/autolabel/autolabel_pass.h"
#include "passes/data_qc/data_qc_pass.h"
#include "passes/eval/eval_pass.h"
#include "passes/calib_check/calib_check_pass.h"
#include "passes/label_qa/label_qa_pass.h"

// One include and one line per pass below.

namespace dc::core {

const std::vector<std::unique_ptr<Pass>>& pass_registry() {
  static const std::vector<std::unique_ptr<Pass>> passes = [] {
    std::vector<std::unique_ptr<Pass>> p;
    p.push_back(std::make_unique<DataQcPass>());
    p.push_back(std::make_unique<CalibCheckPass>());
    p.push_back(std::make_unique<LabelQaPass>());
    p.push_back(std::make_unique<AutolabelPass>());
    p.push_back(std::make_unique<EvalPass>());
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
