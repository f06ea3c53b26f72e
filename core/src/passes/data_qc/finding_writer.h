#pragma once
#include "dc/core/model/finding.h"
#include "dc/core/model/frame.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace dc::core {
class DriveSession;
}

namespace dc::core::data_qc {

// Writes data-qc findings: places frames on the drive's samples and writes times the way a person reads them
// (local wall clock of the recording, as in the KITTI timestamp files).
class FindingWriter {
 public:
  explicit FindingWriter(const DriveSession& session);

  // The key of the sample this frame belongs to (its lidar frame); -1 when there is none.
  std::int64_t sample_key_of(const Frame& frame) const;
  // "12:01:04.123" in the drive's local time; "" for drives without real timestamps.
  std::string clock(TimestampNs t) const;
  // "frame 12 (12:01:04.123)" or "frame 12".
  std::string frame_label(const Frame& frame) const;
  // "frames 12-14 (12:01:04.100 to 12:01:04.300)" for a run of frames; frame_label() for one.
  std::string frames_label(const std::vector<const Frame*>& run) const;

  void add(const std::string& check, Severity severity, const std::string& sensor, TimestampNs start, TimestampNs end,
           std::int64_t sample_key, const std::string& message, const nlohmann::json& details);
  // A finding about a run of consecutive frames of one sensor: the span of the run, the frame's sample when it
  // is a single frame, and the frame indices in the details ("frames").
  void add_run(const std::string& check, Severity severity, const std::string& sensor,
               const std::vector<const Frame*>& run, const std::string& message, nlohmann::json details);

  std::vector<Finding> take() { return std::move(findings_); }

 private:
  const DriveSession& session_;
  std::map<std::string, std::map<std::int64_t, std::int64_t>> sample_of_;  // sensor -> frame index -> sample key
  std::vector<Finding> findings_;
};

// Formats a number for a message with a fixed count of decimals ("10.3").
std::string fixed(double value, int decimals);

}  // namespace dc::core::data_qc
