#include "passes/calib_check/calib_check_pass.h"

#include "dc/core/data/drive_session.h"
#include "dc/core/data/sample_loader.h"
#include "dc/gpu/kernel_context.h"
#include "passes/calib_check/edge_frame.h"
#include "passes/calib_check/edge_score.h"
#include "passes/calib_check/extrinsic_refiner.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdio>
#include <map>
#include <numbers>
#include <optional>
#include <sstream>

namespace dc::core {

namespace {

using calib_check::EdgeFrame;

constexpr double kRadToDeg = 180.0 / std::numbers::pi;
// A drift this many times over a threshold is an error, not a warning: the overlay is visibly wrong.
constexpr double kErrorFactor = 3.0;

bool same_model(const CameraModel& a, const CameraModel& b) {
  return a.intrinsics.K == b.intrinsics.K && a.intrinsics.distortion == b.intrinsics.distortion &&
         a.intrinsics.width == b.intrinsics.width && a.intrinsics.height == b.intrinsics.height &&
         a.T_cam_from_lidar.isApprox(b.T_cam_from_lidar, 1e-12);
}

std::string frame_id(const DriveSession& session, const std::string& sensor, const char* fallback) {
  const Sensor* s = session.sensor(sensor);
  return s && !s->frame_id.empty() ? s->frame_id : std::string(fallback);
}

// Samples of one camera that share one stored calibration, refined together.
struct Window {
  CameraModel model;
  std::vector<EdgeFrame> frames;
  std::vector<std::int64_t> keys;
  TimestampNs first_ns = 0, last_ns = 0;
};

std::string format_number(double v, int digits) {
  std::ostringstream s;
  s.setf(std::ios::fixed);
  s.precision(digits);
  s << v;
  return s.str();
}

}  // namespace

std::string CalibCheckPass::summary() const {
  return "lidar-camera edge alignment per sample, Ceres refinement of the extrinsic per window, drift findings";
}

std::vector<ParamSpec> CalibCheckPass::parameters() const {
  using T = ParamSpec::Type;
  return {
      {"window", T::Integer, "10", 1.0, 1000.0, "samples per refinement window (of one stored calibration)"},
      {"rotation_threshold_deg", T::Number, "0.3", 0.0, 90.0, "rotation drift that raises calib-drift"},
      {"translation_threshold_m", T::Number, "0.05", 0.0, 10.0, "translation drift that raises calib-drift"},
      {"min_score_gain", T::Number, "0.03", 0.0, 1.0,
       "relative edge-alignment gain of the refined extrinsic over the stored one that a finding needs"},
      {"search_range_deg", T::Number, "2.5", 0.0, 10.0, "coarse rotation search around the stored extrinsic, +-"},
      {"search_step_deg", T::Number, "0.5", 0.05, 5.0, "step of the coarse rotation search"},
      {"starts", T::Integer, "5", 0.0, 20.0, "extra refinement starts (best distinct cells of the coarse search)"},
      {"translation_sigma_m", T::Number, "0.03", 0.001, 1.0,
       "scale of the prior that keeps the refined translation near the stored one"},
      {"refine", T::Flag, "true", std::nullopt, std::nullopt,
       "refine the extrinsic per window (off: only the per-sample calib-score of the stored extrinsic)"},
      {"cameras", T::Text, "", std::nullopt, std::nullopt, "comma-separated camera sensors; empty: all cameras"},
  };
}

PassResult CalibCheckPass::run(const PassContext& context) const {
  const DriveSession& session = context.session;
  const PassParameters& params = context.parameters;
  const Progress& progress = context.progress;

  const auto window_size = static_cast<std::size_t>(params.integer("window"));
  const double rotation_threshold_deg = params.number("rotation_threshold_deg");
  const double translation_threshold_m = params.number("translation_threshold_m");
  const double min_score_gain = params.number("min_score_gain");
  const bool refine = params.flag("refine");

  const calib_check::EdgeOptions edge_options;
  calib_check::RefinerOptions refiner_options;
  refiner_options.search_range_deg = params.number("search_range_deg");
  refiner_options.search_step_deg = params.number("search_step_deg");
  refiner_options.starts = static_cast<int>(params.integer("starts"));
  refiner_options.translation_sigma_m = params.number("translation_sigma_m");

  std::vector<std::string> cameras;
  if (const std::string& list = params.text("cameras"); list.empty()) {
    cameras = session.camera_sensors();
  } else {
    std::stringstream s(list);
    for (std::string item; std::getline(s, item, ',');)
      if (!item.empty()) cameras.push_back(item);
  }

  // The loader wants shared ownership; the session outlives this call, so a non-owning pointer is enough.
  const std::shared_ptr<const DriveSession> shared(&session, [](const DriveSession*) {});
  SampleLoadOptions load_options;
  load_options.projections = false;
  load_options.point_boxes = false;
  const SampleLoader loader(shared, load_options);
  dc::gpu::KernelContext kernels(dc::gpu::BackendPreference::Auto, context.threads);

  PassResult result;
  std::map<std::string, Window> windows;
  const std::string lidar_frame = frame_id(session, session.lidar_sensor(), "velo");

  // Points just outside the image at the stored extrinsic can move in within the search range.
  auto margin_px = [&](const CameraModel& m) {
    return m.intrinsics.K(0, 0) * std::tan(refiner_options.search_range_deg / kRadToDeg);
  };

  auto flush = [&](const std::string& camera, Window& w) {
    if (w.frames.empty() || !refine) {
      w = Window{};
      return;
    }
    const calib_check::ExtrinsicRefiner refiner(w.model.intrinsics, refiner_options);
    progress(-1, -1, "calib-check: refining " + camera + " over " + std::to_string(w.frames.size()) + " samples");
    const auto refined = refiner.refine(w.frames, w.model.T_cam_from_lidar, kernels, &progress);

    const Eigen::Isometry3d& T_file = w.model.T_cam_from_lidar;
    const Eigen::Isometry3d& T_new = refined.T_cam_from_lidar;
    const Eigen::AngleAxisd delta(T_new.linear() * T_file.linear().transpose());
    const Eigen::Vector3d rotation_deg = delta.axis() * delta.angle() * kRadToDeg;  // camera axes
    const Eigen::Vector3d translation_m = T_new.translation() - T_file.translation();
    const double angle_deg = std::abs(delta.angle()) * kRadToDeg;

    // Safeguard against false findings: the refined extrinsic must score clearly better than the stored one over
    // the window, and not worse on any of its samples (one frame's spurious optimum is not a drift).
    std::vector<double> per_frame_file, per_frame_new;
    double score_file = 0, score_new = 0;
    int scored = 0;
    bool consistent = true;
    for (const auto& f : w.frames) {
      const double a = calib_check::edge_alignment(kernels, f.points, f.edge_map, w.model.intrinsics, T_file);
      const double b = calib_check::edge_alignment(kernels, f.points, f.edge_map, w.model.intrinsics, T_new);
      if (!std::isfinite(a) || !std::isfinite(b)) continue;
      per_frame_file.push_back(a);
      per_frame_new.push_back(b);
      score_file += a, score_new += b, ++scored;
      consistent = consistent && b >= a;
    }
    if (scored > 0) score_file /= scored, score_new /= scored;
    const double gain = scored > 0 && score_file > 0 ? (score_new - score_file) / score_file : 0.0;
    const bool accepted = scored > 0 && consistent && gain >= min_score_gain;

    Calibration calibration;
    calibration.valid_from_ns = w.first_ns;
    calibration.valid_to_ns = w.last_ns + 1;  // [first, last] of the window as a half-open interval
    calibration.cameras[camera] = w.model.intrinsics;
    RigidTransform extrinsic;
    extrinsic.to_frame = frame_id(session, camera, camera.c_str());
    extrinsic.from_frame = lidar_frame;
    // Without a clear gain nothing measurably better was found: the stored extrinsic is confirmed.
    extrinsic.T_to_from = accepted ? T_new : T_file;
    extrinsic.source = CalibrationSource::Refined;
    extrinsic.valid_from_ns = calibration.valid_from_ns;
    extrinsic.valid_to_ns = calibration.valid_to_ns;
    calibration.set_transform(extrinsic);
    calibration.source = CalibrationSource::Refined;
    result.calibrations.push_back(std::move(calibration));

    const bool rotation_off = angle_deg > rotation_threshold_deg;
    const bool translation_off = translation_m.norm() > translation_threshold_m;
    if (accepted && (rotation_off || translation_off)) {
      Finding f;
      f.check = "calib-drift";
      f.severity = (angle_deg > kErrorFactor * rotation_threshold_deg ||
                    translation_m.norm() > kErrorFactor * translation_threshold_m)
                       ? Severity::Error
                       : Severity::Warning;
      f.start_ns = w.first_ns;
      f.end_ns = w.last_ns;
      f.sample_key = w.keys.size() == 1 ? w.keys.front() : -1;
      f.sensor = camera;
      f.message = camera + ": refined lidar extrinsic differs from the stored one by " + format_number(angle_deg, 2) +
                  " deg and " + format_number(translation_m.norm() * 100.0, 1) + " cm over " +
                  std::to_string(w.keys.size()) + " samples";
      nlohmann::json d;
      d["rotation_deg"] = angle_deg;
      d["translation_m"] = translation_m.norm();
      d["rotation_axis_deg"] = {rotation_deg.x(), rotation_deg.y(), rotation_deg.z()};
      d["translation_axis_m"] = {translation_m.x(), translation_m.y(), translation_m.z()};
      d["frame"] = "camera";  // per-axis deltas are about / along the camera axes
      d["window_samples"] = w.keys;
      d["edge_points"] = refined.points;
      d["score_stored"] = score_file;
      d["score_refined"] = score_new;
      d["score_gain"] = gain;
      d["score_stored_per_sample"] = per_frame_file;
      d["score_refined_per_sample"] = per_frame_new;
      d["source"] = "refined";
      f.details_json = d.dump();
      result.findings.push_back(std::move(f));
    }
    w = Window{};
  };

  const int n = session.sample_count();
  for (int i = 0; i < n; ++i) {
    if (progress.cancelled()) throw Cancelled();
    const LoadedSample loaded = loader.load(i, progress.cancel);
    if (progress.cancelled()) throw Cancelled();
    const Sample& sample = session.sample(i);
    for (const auto& camera : cameras) {
      const LoadedCamera* cam = loaded.camera(camera);
      if (!cam || cam->image.empty() || !cam->model || loaded.cloud.size() == 0) continue;
      const CameraModel& model = *cam->model;
      EdgeFrame frame;
      frame.points = calib_check::depth_edge_points(loaded.cloud, model.T_cam_from_lidar, model.intrinsics,
                                                    margin_px(model), edge_options);
      frame.edge_map = calib_check::edge_map_image(cam->image, edge_options);
      const double score = calib_check::edge_alignment(kernels, frame.points, frame.edge_map, model.intrinsics,
                                                       model.T_cam_from_lidar);
      if (std::isfinite(score))
        result.metrics.push_back({"calib-score", camera, sample.key(), sample.timestamp_ns, score});

      Window& w = windows[camera];
      if (!w.frames.empty() && (!same_model(w.model, model) || w.frames.size() >= window_size)) flush(camera, w);
      if (w.frames.empty()) w.model = model, w.first_ns = sample.timestamp_ns;
      w.frames.push_back(std::move(frame));
      w.keys.push_back(sample.key());
      w.last_ns = sample.timestamp_ns;
    }
    progress(i + 1, n, "calib-check: sample " + std::to_string(i + 1) + " of " + std::to_string(n));
  }
  for (auto& [camera, w] : windows) flush(camera, w);
  return result;
}

}  // namespace dc::core
