#pragma once
#include "dc/core/query/query_hit.h"

#include <cstdint>
#include <vector>

namespace dc::core {

// Where a page of query results ends: results are ordered by (drive id, sample time, sample key), so the next page
// starts after this triple (keyset paging: no OFFSET, every page costs the same).
struct QueryCursor {
  std::int64_t drive_id = 0;
  TimestampNs timestamp_ns = 0;
  std::int64_t key = 0;
};

// One page of matching samples, in result order.
struct QueryPage {
  std::vector<QueryHit> hits;
  bool more = false;  // further matches follow the last hit
  QueryCursor end() const {  // cursor after the last hit (hits must not be empty)
    return {hits.back().sample.drive_id, hits.back().timestamp_ns, hits.back().sample.key};
  }
};

}  // namespace dc::core
