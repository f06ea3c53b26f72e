#pragma once
#include <cstdint>

namespace dc::core {

// What one store of a drive added to the catalog (all zero on an idempotent re-ingest).
struct IngestStats {
  std::int64_t drives_added = 0;
  std::int64_t frames_added = 0;
  std::int64_t frames_updated = 0;  // payload location changed (e.g. a missing file appeared)
  std::int64_t samples_added = 0;
  std::int64_t labels_added = 0;
  std::int64_t poses_added = 0;
  std::int64_t errors_added = 0;

  IngestStats& operator+=(const IngestStats& o) {
    drives_added += o.drives_added;
    frames_added += o.frames_added;
    frames_updated += o.frames_updated;
    samples_added += o.samples_added;
    labels_added += o.labels_added;
    poses_added += o.poses_added;
    errors_added += o.errors_added;
    return *this;
  }
};

}  // namespace dc::core
