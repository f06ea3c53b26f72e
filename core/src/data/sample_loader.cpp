#include "dc/core/data/sample_loader.h"

#include "dc/core/data/point_box_membership.h"
#include "dc/core/io/payload_loader.h"

#include <cstdio>
#include <stdexcept>

namespace dc::core {

namespace {
// "no frame within 0.1 s": the maximum skew the sample builder used by default is one period of the sensor.
std::string no_frame_message(std::int64_t period_ns) {
  if (period_ns <= 0) return "no frame for this sweep";
  char text[64];
  std::snprintf(text, sizeof text, "no frame within %.3g s", static_cast<double>(period_ns) * 1e-9);
  return text;
}

// The override for one camera at time t: covering t and holding the camera, the newest run's; null when none.
const Calibration* override_for(const std::vector<Calibration>& overrides, const DriveSession& session,
                                const std::string& camera, TimestampNs t) {
  const Calibration* best = nullptr;
  for (const auto& c : overrides) {
    if (t < c.valid_from_ns || t >= c.valid_to_ns || !session.camera_model(c, camera)) continue;
    if (!best || c.run_id.value_or(-1) >= best->run_id.value_or(-1)) best = &c;
  }
  return best;
}
}  // namespace

SampleLoader::SampleLoader(std::shared_ptr<const DriveSession> session, SampleLoadOptions options)
    : session_(std::move(session)), options_(options) {
  if (!session_) throw std::invalid_argument("SampleLoader needs a drive session");
}

LoadedSample SampleLoader::load(int sample, const std::atomic<bool>* cancel) const {
  const DriveSession& session = *session_;
  LoadedSample data;
  data.sample = sample;
  auto fail = [&](const std::string& sensor, const std::string& message) {
    data.sensor_errors[sensor] = message;
    if (!data.error.empty()) data.error += '\n';
    data.error += sensor.empty() ? message : sensor + ": " + message;
  };
  if (sample < 0 || sample >= session.sample_count()) {
    fail("", "sample " + std::to_string(sample) + " is out of range (drive has " +
                 std::to_string(session.sample_count()) + ")");
    return data;
  }
  auto cancelled = [&] { return cancel && cancel->load(std::memory_order_relaxed); };
  try {
    data.info = session.sample(sample);
    data.labels = session.labels(sample);
    data.dont_care = session.dont_care(sample);
    if (const auto* calib = session.calibration(sample)) data.calibration = *calib;
    data.pose = session.pose(sample);

    const std::string lidar = data.info.lidar_sensor.empty() ? session.lidar_sensor() : data.info.lidar_sensor;
    for (const auto& name : session.sensor_names())
      if (name != lidar && !data.info.member(name))
        data.missing_sensors[name] = no_frame_message(session.sensor_period_ns(name));

    if (const auto* frame = session.lidar_frame(sample)) {
      try {
        data.cloud = load_point_cloud(*frame);
      } catch (const std::exception& e) {
        fail(lidar, e.what());
      }
    } else {
      fail(lidar, "lidar frame " + std::to_string(data.info.lidar_frame_index) + " is not in the catalog");
    }
    if (cancelled()) return data;
    if (options_.point_boxes) data.point_box = first_box_per_point(data.cloud, data.labels);

    for (const auto& camera : session.camera_sensors()) {
      if (cancelled()) return data;
      LoadedCamera& cam = data.cameras.emplace_back();
      cam.sensor = camera;
      cam.model = session.camera_model(sample, camera);
      if (const auto* chosen = override_for(options_.camera_overrides, session, camera, data.info.timestamp_ns)) {
        cam.model = session.camera_model(*chosen, camera);
        cam.calibration_source = chosen->source;
        cam.calibration_run = chosen->run_id;
      } else if (data.calibration) {
        cam.calibration_source = data.calibration->source;
        cam.calibration_run = data.calibration->run_id;
      }
      const auto* member = data.info.member(camera);
      if (!member) {
        cam.problem = data.missing_sensors[camera];
        continue;
      }
      if (!options_.images) continue;
      const auto* frame = session.frame(camera, member->frame_index);
      if (!frame) {
        cam.problem = "frame " + std::to_string(member->frame_index) + " is not in the catalog";
        fail(camera, cam.problem);
        continue;
      }
      try {
        cam.image = load_image(*frame);
      } catch (const std::exception& e) {
        cam.problem = e.what();
        fail(camera, cam.problem);
        continue;
      }
      if (!cam.model) {
        cam.problem = "no calibration for " + camera + " at this sample";
        continue;
      }
      if (options_.projections && data.cloud.size() > 0) {
        CameraIntrinsics intrinsics = cam.model->intrinsics;
        if (intrinsics.width <= 0 || intrinsics.height <= 0) {  // the image gives the size the calibration lacks
          intrinsics.width = cam.image.cols;
          intrinsics.height = cam.image.rows;
        }
        cam.projection = project_far_to_near(data.cloud, cam.model->T_cam_from_lidar, intrinsics);
      }
    }
  } catch (const std::exception& e) {  // bad_alloc and the like: report, do not take the caller down
    fail("", e.what());
  }
  return data;
}

}  // namespace dc::core
