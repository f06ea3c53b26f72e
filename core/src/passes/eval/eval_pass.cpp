#include "passes/eval/eval_pass.h"

#include "dc/core/data/drive_session.h"
#include "dc/core/eval/kitti_eval_object_conversion.h"
#include "dc/core/eval/kitti_object_evaluator.h"
#include "passes/eval/eval_settings.h"
#include "passes/eval/range_band_evaluator.h"
#include "passes/eval/reference_point_counter.h"
#include "passes/eval/tracking_evaluator.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <optional>

namespace dc::core {

using eval::EvalSettings;
using nlohmann::json;

namespace {

const char* metric_name(KittiEvalMetric m) {
  switch (m) {
    case KittiEvalMetric::Image2d: return "2d";
    case KittiEvalMetric::BirdsEye: return "bev";
    case KittiEvalMetric::Box3d: return "3d";
    case KittiEvalMetric::Orientation: return "aos";
  }
  return "?";
}

const char* difficulty_name(KittiDifficulty d) {
  switch (d) {
    case KittiDifficulty::Easy: return "easy";
    case KittiDifficulty::Moderate: return "moderate";
    case KittiDifficulty::Hard: return "hard";
  }
  return "?";
}

// The KITTI benchmark over the samples whose boxes carry 2D boxes and whose calibration has the rectified
// camera 0; nullopt when no sample qualifies (raw and generated drives).
std::optional<std::pair<json, json>> kitti_benchmark(const DriveSession& session, const EvalSettings& settings) {
  std::vector<KittiEvalFrame> frames;
  for (int s = 0; s < session.sample_count(); ++s) {
    if (!settings.selected(session.sample(s).key())) continue;
    const Calibration* calib = session.calibration(s);
    const auto T = calib ? calib->transform("cam0", "velo") : std::nullopt;
    if (!T) continue;
    KittiEvalFrame frame;
    frame.id = std::to_string(session.sample(s).key());
    bool has_2d = false;
    for (const BoxLabel& b : session.labels(s)) {
      if (settings.reference.accepts(b)) {
        frame.ground_truth.push_back(kitti_eval_object_from_label(b, *T));
        has_2d = has_2d || b.bbox2d[2] > b.bbox2d[0];
      } else if (settings.predicted.accepts(b)) {
        frame.detections.push_back(kitti_eval_object_from_label(b, *T));
      }
    }
    if (!has_2d) continue;
    for (const DontCareRegion& r : session.dont_care(s)) frame.ground_truth.push_back(kitti_eval_object_from_dont_care(r));
    frames.push_back(std::move(frame));
  }
  if (frames.empty()) return std::nullopt;
  const KittiEvalResult result = KittiObjectEvaluator().evaluate(frames);
  json summary = json::object(), curves = json::object();
  for (const KittiClassResult& c : result.classes)
    for (int m = 0; m < kKittiMetricCount; ++m)
      for (int d = 0; d < kKittiDifficultyCount; ++d) {
        const auto metric = static_cast<KittiEvalMetric>(m);
        const auto difficulty = static_cast<KittiDifficulty>(d);
        const KittiMetricCurve& curve = c.curve(metric, difficulty);
        if (!curve.evaluated) continue;
        summary[c.class_name][metric_name(metric)][difficulty_name(difficulty)] = {
            {"ap40", curve.ap_r40}, {"ap11", curve.ap_r11}, {"reference", curve.ground_truth_count}};
        json points = json::array();
        for (const auto& p : curve.points) points.push_back({p.recall, p.precision});
        curves[c.class_name][metric_name(metric)][difficulty_name(difficulty)] = points;
      }
  summary["frames"] = result.frame_count;
  return std::pair{summary, curves};
}

// Which samples the reference annotated. Sources that label every sweep (KITTI tracklets, generated drives, a
// model) see an object in consecutive samples; nuScenes annotates only its lidar keyframes (2 Hz of 20 Hz sweeps),
// so boxes that are never in two consecutive samples mark keyframes, and the sweeps between them were not
// annotated: their predictions would all count as false positives. Then only samples with reference boxes count.
std::vector<char> annotated_samples(const DriveSession& session, const EvalSettings& settings) {
  const auto n = static_cast<std::size_t>(session.sample_count());
  std::vector<char> labelled(n, 0);
  for (std::size_t s = 0; s < n; ++s) {
    const auto& labels = session.labels(static_cast<int>(s));
    labelled[s] =
        std::any_of(labels.begin(), labels.end(), [&](const BoxLabel& b) { return settings.reference.accepts(b); });
  }
  bool consecutive = false;
  for (std::size_t s = 1; s < n && !consecutive; ++s) consecutive = labelled[s] && labelled[s - 1];
  const bool keyframes = !consecutive && std::count(labelled.begin(), labelled.end(), 1) >= 2;
  return keyframes ? labelled : std::vector<char>(n, 1);
}

}  // namespace

std::string EvalPass::summary() const {
  return "a label source against the ground truth: KITTI AP, precision/recall by range, tracking metrics";
}

std::vector<ParamSpec> EvalPass::parameters() const { return EvalSettings::schema(); }

PassResult EvalPass::run(const PassContext& context) const {
  const DriveSession& session = context.session;
  EvalSettings settings = EvalSettings::from(context.parameters);
  settings.predicted.pick_newest_auto_run(session.drive().labels);
  settings.reference.pick_newest_auto_run(session.drive().labels);
  eval::RangeBandEvaluator bands(settings);
  eval::TrackingEvaluator tracking(settings);
  // Point clouds are read only when boxes may be ignored for having too few points.
  std::optional<eval::ReferencePointCounter> points;
  if (settings.min_gt_points > 0) points.emplace(session, settings.min_gt_points, context.threads);
  bool predicted_tracks = false, reference_tracks = false;
  int predicted_boxes = 0, reference_boxes = 0;
  const int n = session.sample_count();
  const std::vector<char> annotated = annotated_samples(session, settings);
  int evaluated = 0, unannotated = 0;
  for (int s = 0; s < n; ++s) {
    if (context.progress.cancelled()) throw Cancelled();
    context.progress(s, n + 1, "comparing labels of sample " + std::to_string(session.sample(s).key()));
    if (!settings.selected(session.sample(s).key())) continue;
    ++evaluated;
    if (!annotated[static_cast<std::size_t>(s)]) {
      ++unannotated;
      continue;
    }
    std::vector<const BoxLabel*> reference, predicted;
    for (const BoxLabel& b : session.labels(s)) {
      if (settings.reference.accepts(b)) {
        reference.push_back(&b);
        reference_tracks = reference_tracks || !b.track_id.empty();
      } else if (settings.predicted.accepts(b)) {
        predicted.push_back(&b);
        predicted_tracks = predicted_tracks || !b.track_id.empty();
      }
    }
    reference_boxes += static_cast<int>(reference.size());
    predicted_boxes += static_cast<int>(predicted.size());
    const std::vector<bool> ignored = points ? points->too_few_points(s, reference) : std::vector<bool>{};
    bands.add_sample(session.sample(s).key(), reference, predicted, ignored);
    tracking.add_sample(reference, predicted, ignored);
  }
  if (evaluated == 0)
    throw std::invalid_argument("none of the samples given (" + context.parameters.text("samples") +
                                ") is on drive " + session.drive().name);
  if (reference_boxes == 0)
    throw std::invalid_argument("no '" + settings.reference.text() + "' labels on drive " + session.drive().name +
                                ": nothing to evaluate against");
  context.progress(n, n + 1, "summarising");

  json summary = {{"samples", evaluated - unannotated}, {"predicted_boxes", predicted_boxes},
                  {"reference_boxes", reference_boxes}, {"bands", bands.summary()}};
  if (unannotated > 0) summary["samples_unannotated"] = unannotated;
  // Samples whose boxes could not be checked for points (no readable cloud): none of their boxes was ignored.
  if (points && points->samples_without_cloud() > 0)
    summary["samples_without_points"] = points->samples_without_cloud();
  json curves = {{"bands", bands.curves()}};
  if (session.timestamped() && predicted_tracks && reference_tracks)
    summary["tracking"] = tracking.summary();
  if (settings.kitti)
    if (auto kitti = kitti_benchmark(session, settings)) {
      summary["kitti"] = kitti->first;
      curves["kitti"] = kitti->second;
    }

  PassResult result;
  Evaluation e;
  e.predicted = settings.predicted.resolved_text();
  e.reference = settings.reference.resolved_text();
  e.parameters_json = context.parameters.to_json();
  e.summary_json = summary.dump();
  e.curves_json = curves.dump();
  result.evaluations.push_back(std::move(e));
  for (int s = 0; s < n; ++s) {
    const Sample& sample = session.sample(s);
    if (!settings.selected(sample.key()) || !annotated[static_cast<std::size_t>(s)]) continue;
    const auto it = bands.errors_per_sample().find(sample.key());
    const auto [fp, fn] = it == bands.errors_per_sample().end() ? std::pair{0, 0} : it->second;
    result.metrics.push_back({"eval-fp", "", sample.key(), sample.timestamp_ns, static_cast<double>(fp)});
    result.metrics.push_back({"eval-fn", "", sample.key(), sample.timestamp_ns, static_cast<double>(fn)});
  }
  context.progress(n + 1, n + 1, "done");
  return result;
}

}  // namespace dc::core
