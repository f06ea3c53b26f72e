#include "passes/label_qa/label_qa_pass.h"

#include "dc/core/data/drive_session.h"
#include "dc/core/io/payload_loader.h"
#include "passes/label_qa/label_qa_settings.h"
#include "passes/label_qa/sample_box_checker.h"
#include "passes/label_qa/track_checker.h"

#include <dc/gpu/kernel_context.h>
#include <nlohmann/json.hpp>

namespace dc::core {

std::string LabelQaPass::summary() const {
  return "label mistakes: too few points, implausible sizes, overlaps, boxes off the ground, track jumps and flips";
}

std::vector<ParamSpec> LabelQaPass::parameters() const {
  return label_qa::LabelQaSettings::schema();
}

PassResult LabelQaPass::run(const PassContext& context) const {
  const DriveSession& session = context.session;
  const label_qa::LabelQaSettings settings = label_qa::LabelQaSettings::from(context.parameters);
  const std::string& sensor = session.lidar_sensor();
  const label_qa::SampleBoxChecker box_checker(settings);
  label_qa::TrackChecker track_checker(settings, sensor);
  // Track checks need real time between samples (an object split's frames are unrelated) and one fixed frame.
  const bool tracks = session.timestamped();
  const bool world = !session.poses().empty();
  dc::gpu::KernelContext kernels(dc::gpu::BackendPreference::Auto, context.threads);

  PassResult result;
  const int n = session.sample_count();
  for (int s = 0; s < n; ++s) {
    if (context.progress.cancelled()) throw Cancelled();
    const Sample& sample = session.sample(s);
    context.progress(s, n + 1, "checking labels of sample " + std::to_string(sample.key()));
    std::vector<const BoxLabel*> boxes;
    for (const BoxLabel& b : session.labels(s))
      if (!b.deleted && (settings.source == "all" || settings.source == to_string(b.source))) boxes.push_back(&b);
    if (boxes.empty()) continue;

    std::optional<PointCloud> cloud;
    if (const Frame* frame = session.lidar_frame(s)) {
      try {
        cloud = load_point_cloud(*frame);
      } catch (const std::exception& e) {
        Finding f;
        f.check = "label-qa-no-lidar";
        f.severity = Severity::Warning;
        f.start_ns = f.end_ns = sample.timestamp_ns;
        f.sample_key = sample.key();
        f.sensor = sensor;
        f.message = std::string("point and ground checks skipped: ") + e.what();
        f.details_json = nlohmann::json{{"error", e.what()}}.dump();
        result.findings.push_back(std::move(f));
      }
    }
    box_checker.check(boxes, cloud ? &*cloud : nullptr, kernels, sample.key(), sensor, result.findings);

    if (tracks) {
      Eigen::Isometry3d T_fixed_from_lidar = Eigen::Isometry3d::Identity();
      if (const auto T = world ? session.T_world_from_imu_at(sample.timestamp_ns) : std::nullopt)
        T_fixed_from_lidar = *T * session.T_lidar_from_imu(s).inverse();
      track_checker.add_sample(boxes, sample.key(), sample.timestamp_ns, T_fixed_from_lidar);
    }
  }
  context.progress(n, n + 1, "checking tracks");
  if (tracks) track_checker.check(context.progress, result.findings);
  context.progress(n + 1, n + 1, "done");
  return result;
}

}  // namespace dc::core
