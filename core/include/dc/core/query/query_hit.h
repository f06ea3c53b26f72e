#pragma once
#include "dc/core/catalog/tag_repository.h"
#include "dc/core/model/time_stamp.h"

#include <string>

namespace dc::core {

// One sample a query matched.
struct QueryHit {
  SampleRef sample;
  TimestampNs timestamp_ns = 0;
  std::string drive;  // the drive's name in the catalog
};

}  // namespace dc::core
