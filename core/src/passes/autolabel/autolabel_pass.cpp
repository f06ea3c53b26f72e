#include "passes/autolabel/autolabel_pass.h"

#include "dc/core/data/drive_session.h"
#include "dc/core/io/payload_loader.h"
#include "passes/autolabel/autolabel_settings.h"
#include "passes/autolabel/multi_object_tracker.h"
#include "passes/autolabel/object_detector.h"
#include "util/parallel_items.h"

#include <dc/gpu/kernel_context.h>
#include <nlohmann/json.hpp>

#include <atomic>
#include <cmath>
#include <numbers>

namespace dc::core {

using autolabel::AutolabelSettings;
using autolabel::Detection;

namespace {

constexpr double kOncomingLateral_m = 3.5;  // objects farther to the oncoming side than this park facing it

// A box moved between frames: center, outline and sensor position by the transform, yaw by its rotation about z.
Detection transformed(const Detection& d, const Eigen::Isometry3d& T) {
  Detection out = d;
  out.center = T * d.center;
  for (auto& p : out.outline) p = (T * Eigen::Vector3d(p.x(), p.y(), 0)).head<2>();
  out.sensor = (T * Eigen::Vector3d(d.sensor.x(), d.sensor.y(), 0)).head<2>();
  const Eigen::Vector3d heading = T.linear() * Eigen::Vector3d(std::cos(d.yaw), std::sin(d.yaw), 0);
  out.yaw = std::atan2(heading.y(), heading.x());
  return out;
}

BoxLabel to_label(const Detection& d, const Sample& sample) {
  BoxLabel b;
  b.frame_index = sample.key();
  b.timestamp_ns = sample.timestamp_ns;
  b.center = d.center;
  b.length = d.length, b.width = d.width, b.height = d.height;
  b.yaw = d.yaw;
  b.category = d.category;
  b.score = d.score;
  b.source = LabelSource::Auto;
  return b;
}

}  // namespace

std::string AutolabelPass::summary() const {
  return "ground truth from the lidar: ground, clusters, L-shape boxes, class from size, tracking over the drive";
}

std::vector<ParamSpec> AutolabelPass::parameters() const { return AutolabelSettings::schema(); }

PassResult AutolabelPass::run(const PassContext& context) const {
  const DriveSession& session = context.session;
  const AutolabelSettings settings = AutolabelSettings::from(context.parameters);
  const autolabel::ObjectDetector detector(settings);
  const int n = session.sample_count();
  PassResult result;

  // Detection is independent per sweep: workers take samples in turn, each with its own kernel context.
  std::vector<std::vector<Detection>> detections(static_cast<std::size_t>(n));
  std::vector<std::string> errors(static_cast<std::size_t>(n));
  std::atomic<int> done{0};
  for_each_item_parallel(static_cast<std::size_t>(n), context.threads, context.progress, [&] {
    return [&, kernels = dc::gpu::KernelContext(dc::gpu::BackendPreference::Auto, 1)](std::size_t k) mutable {
      const int s = static_cast<int>(k);
      if (const Frame* frame = session.lidar_frame(s)) {
        try {
          detections[k] = detector.detect(load_point_cloud(*frame), kernels);
        } catch (const std::exception& e) {
          errors[k] = e.what();
        }
      }
      context.progress(++done, n + 1, "detecting objects in sample " + std::to_string(session.sample(s).key()));
    };
  });

  for (int s = 0; s < n; ++s) {
    const auto& error = errors[static_cast<std::size_t>(s)];
    if (error.empty()) continue;
    Finding f;
    f.check = "autolabel-no-lidar";
    f.severity = Severity::Warning;
    f.start_ns = f.end_ns = session.sample(s).timestamp_ns;
    f.sample_key = session.sample(s).key();
    f.sensor = session.lidar_sensor();
    f.message = "sample " + std::to_string(session.sample(s).key()) + " not labeled: " + error;
    f.details_json = nlohmann::json{{"error", error}}.dump();
    result.findings.push_back(std::move(f));
  }

  context.progress(n, n + 1, "tracking");
  // Tracking needs real time between samples and a fixed frame; without them every detection stands alone.
  const bool tracking = settings.track && session.timestamped() && !session.poses().empty() && n > 1;
  if (!tracking) {
    for (int s = 0; s < n; ++s)
      for (const Detection& d : detections[static_cast<std::size_t>(s)])
        result.labels.push_back(to_label(d, session.sample(s)));
    context.progress(n + 1, n + 1, "done");
    return result;
  }

  std::vector<Eigen::Isometry3d> T_world_from_lidar(static_cast<std::size_t>(n), Eigen::Isometry3d::Identity());
  autolabel::MultiObjectTracker tracker(settings);
  const TimestampNs t0 = session.sample(0).timestamp_ns;
  for (int s = 0; s < n; ++s) {
    if (context.progress.cancelled()) throw Cancelled();
    const Sample& sample = session.sample(s);
    auto& T = T_world_from_lidar[static_cast<std::size_t>(s)];
    if (const auto T_world_from_imu = session.T_world_from_imu_at(sample.timestamp_ns))
      T = *T_world_from_imu * session.T_lidar_from_imu(s).inverse();
    std::vector<Detection> world;
    for (const Detection& d : detections[static_cast<std::size_t>(s)]) world.push_back(transformed(d, T));
    tracker.add_sample(s, static_cast<double>(sample.timestamp_ns - t0) * 1e-9, world);
  }
  for (const auto& tracked : tracker.finish()) {
    const auto s = static_cast<std::size_t>(tracked.sample);
    Detection local = transformed(tracked.box, T_world_from_lidar[s].inverse());
    // A standing object's two headings look the same to the lidar. Vehicles park and queue with the traffic of
    // their side of the road: the ego's way in its lane and on its own side, against it beyond the oncoming lane.
    if (!tracked.moving) {
      const double side = settings.right_hand_traffic ? local.center.y() : -local.center.y();
      const bool oncoming_side = side > kOncomingLateral_m;
      if ((std::abs(local.yaw) > std::numbers::pi / 2) != oncoming_side)
        local.yaw = std::remainder(local.yaw + std::numbers::pi, 2 * std::numbers::pi);
    }
    BoxLabel b = to_label(local, session.sample(tracked.sample));
    b.track_id = std::to_string(tracked.track);
    result.labels.push_back(std::move(b));
  }
  context.progress(n + 1, n + 1, "done");
  return result;
}

}  // namespace dc::core
