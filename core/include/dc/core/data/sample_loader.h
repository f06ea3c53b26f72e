#pragma once
#include "dc/core/data/drive_session.h"
#include "dc/core/data/loaded_sample.h"

#include <atomic>
#include <memory>
#include <vector>

namespace dc::core {

// What to decode and derive besides the points and the sample's metadata.
struct SampleLoadOptions {
  bool images = true;       // decode camera images
  bool projections = true;  // project the points into every camera with an image and a calibration
  bool point_boxes = true;  // which label box each point falls in (LoadedSample::point_box)
  // Calibrations that replace the sample's own for the cameras they hold, where their validity covers the sample's
  // time; of several, the newest run's (highest run id). How a reviewer sees the points of a refined extrinsic.
  std::vector<Calibration> camera_overrides;
};

// Loads and decodes the samples of one drive session: points, images, per-camera calibration and projection,
// pose, labels, DontCare regions and which sensors have no frame within the maximum skew. Thread-safe (the session
// is immutable); what the viewer's cache and a headless pass on a cluster node both call.
class SampleLoader {
public:
  explicit SampleLoader(std::shared_ptr<const DriveSession> session, SampleLoadOptions options = {});

  const DriveSession& session() const { return *session_; }
  const SampleLoadOptions& options() const { return options_; }

  // Never throws: problems (missing or corrupt files, unknown frames, out-of-range sample) end up in
  // LoadedSample::error and sensor_errors, and the rest is still loaded. Returns early, partly filled, once
  // `cancel` is set.
  LoadedSample load(int sample, const std::atomic<bool>* cancel = nullptr) const;

private:
  std::shared_ptr<const DriveSession> session_;
  SampleLoadOptions options_;
};

}  // namespace dc::core
