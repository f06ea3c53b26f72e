#pragma once
#include <cstdint>

namespace dc::core {

// What one store of a drive changed in the catalog (all zero on an idempotent re-ingest).
struct IngestStats {
  std::int64_t drives_added = 0;
  std::int64_t frames_added = 0;
  std::int64_t frames_updated = 0;  // timestamp or payload location changed (e.g. a missing file appeared)
  std::int64_t frames_removed = 0;  // no longer in the drive's files
  std::int64_t samples_added = 0;
  std::int64_t samples_updated = 0;  // time, position or members changed
  std::int64_t samples_removed = 0;
  std::int64_t labels_added = 0;
  std::int64_t labels_updated = 0;  // stored as a new revision
  std::int64_t labels_removed = 0;  // deleted as a revision (restorable)
  std::int64_t poses_added = 0;
  std::int64_t errors_added = 0;

  IngestStats& operator+=(const IngestStats& o) {
    drives_added += o.drives_added;
    frames_added += o.frames_added;
    frames_updated += o.frames_updated;
    frames_removed += o.frames_removed;
    samples_added += o.samples_added;
    samples_updated += o.samples_updated;
    samples_removed += o.samples_removed;
    labels_added += o.labels_added;
    labels_updated += o.labels_updated;
    labels_removed += o.labels_removed;
    poses_added += o.poses_added;
    errors_added += o.errors_added;
    return *this;
  }
};

}  // namespace dc::core
