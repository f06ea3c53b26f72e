#pragma once
#include "dc/core/model/frame.h"
#include "dc/core/model/sample.h"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace dc::core {

class SqliteDatabase;

// Filters for frame queries; unset members do not filter.
struct FrameQuery {
  std::optional<std::string> sensor;
  std::optional<TimestampNs> from_ns;  // inclusive
  std::optional<TimestampNs> to_ns;    // inclusive
  std::optional<std::int64_t> limit;
};

struct FrameSyncResult {
  std::int64_t added = 0, updated = 0, removed = 0;
  std::map<std::pair<std::string, std::int64_t>, std::int64_t> ids;  // (sensor, index) -> frame row id
};

struct SampleSyncResult {
  std::int64_t added = 0, updated = 0, removed = 0;
};

// Frames and the samples built on them. A sample row is keyed by its lidar frame; its position (idx) is
// recomputed when samples come or go, so anything attached to a sample stays attached to the same sweep.
class FrameRepository {
public:
  explicit FrameRepository(SqliteDatabase& db) : db_(db) {}

  std::vector<Frame> frames(std::int64_t drive_id, const FrameQuery& query = {}) const;
  std::vector<Sample> samples(std::int64_t drive_id) const;
  std::optional<Sample> sample(std::int64_t drive_id, std::int64_t key) const;

  // For the ingest transaction (the caller owns it): makes the stored frames of the given sensors equal to
  // `frames` (new ones inserted, changed ones updated, vanished ones deleted with their sample members).
  FrameSyncResult sync_frames(std::int64_t drive_id, const std::map<std::string, std::int64_t>& sensor_ids,
                              const std::vector<Frame>& frames);
  // Makes the stored samples equal to `samples` (keyed by lidar frame).
  SampleSyncResult sync_samples(std::int64_t drive_id, const std::map<std::string, std::int64_t>& sensor_ids,
                                const FrameSyncResult& frames, const std::vector<Sample>& samples);

private:
  SqliteDatabase& db_;
};

}  // namespace dc::core
