#include "dc/core/eval/kitti_eval_result.h"

#include <strings.h>

namespace dc::core {

const KittiClassResult* KittiEvalResult::find(std::string_view name) const {
  const std::string wanted(name);
  for (const KittiClassResult& c : classes)
    if (strcasecmp(c.class_name.c_str(), wanted.c_str()) == 0) return &c;
  return nullptr;
}

}  // namespace dc::core
