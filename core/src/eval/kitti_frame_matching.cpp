#include "eval/kitti_frame_matching.h"

#include "dc/core/eval/kitti_box_overlap.h"

#include <strings.h>
#include <cmath>
#include <cstdint>

namespace dc::core {

namespace {

bool same_type(const std::string& a, const std::string& b) {
  return strcasecmp(a.c_str(), b.c_str()) == 0;
}

using OverlapFunction = double (*)(const KittiEvalObject&, const KittiEvalObject&, OverlapCriterion);

OverlapFunction overlap_function(KittiEvalMetric metric) {
  switch (metric) {
    case KittiEvalMetric::BirdsEye:
      return &bev_box_overlap;
    case KittiEvalMetric::Box3d:
      return &box3d_overlap;
    default:
      return &image_box_overlap;
  }
}

}  // namespace

KittiFrameRoles kitti_frame_roles(const KittiEvalFrame& frame, const KittiEvalClass& cls,
                                  const KittiDifficultyLimits& limits) {
  KittiFrameRoles roles;
  roles.ground_truth.reserve(frame.ground_truth.size());
  for (const KittiEvalObject& gt : frame.ground_truth) {
    int role = KittiFrameRoles::kOtherClass;
    bool this_class = same_type(gt.type, cls.name);
    bool neighbour = false;
    for (const std::string& n : cls.neighbours) neighbour = neighbour || same_type(gt.type, n);
    const double height = gt.bbox[3] - gt.bbox[1];
    // A box exactly at the minimum height is already too small (devkit: height <= MIN_HEIGHT).
    const bool too_hard =
        gt.occluded > limits.max_occlusion || gt.truncated > limits.max_truncation || height <= limits.min_height_px;
    if (this_class && !too_hard) {
      role = KittiFrameRoles::kCounted;
      ++roles.counted_ground_truth;
    } else if (neighbour || this_class) {
      role = KittiFrameRoles::kIgnored;
    }
    roles.ground_truth.push_back(role);
  }
  roles.detections.reserve(frame.detections.size());
  for (const KittiEvalObject& det : frame.detections) {
    // Whole pixels, as the devkit stores the height in an int; the class does not matter for "too short".
    const auto height = static_cast<std::int32_t>(std::fabs(det.bbox[1] - det.bbox[3]));
    if (height < limits.min_height_px)
      roles.detections.push_back(KittiFrameRoles::kIgnored);
    else if (same_type(det.type, cls.name))
      roles.detections.push_back(KittiFrameRoles::kCounted);
    else
      roles.detections.push_back(KittiFrameRoles::kOtherClass);
  }
  for (int i = 0; i < static_cast<int>(roles.ground_truth.size()); ++i)
    if (roles.ground_truth[i] != KittiFrameRoles::kOtherClass) roles.relevant_ground_truth.push_back(i);
  for (int j = 0; j < static_cast<int>(roles.detections.size()); ++j)
    if (roles.detections[j] != KittiFrameRoles::kOtherClass) roles.relevant_detections.push_back(j);
  return roles;
}

KittiFrameOverlaps kitti_frame_overlaps(const KittiEvalFrame& frame, KittiEvalMetric metric) {
  const OverlapFunction overlap = overlap_function(metric);
  KittiFrameOverlaps out;
  out.ground_truth_count = static_cast<int>(frame.ground_truth.size());
  for (int i = 0; i < out.ground_truth_count; ++i)
    if (same_type(frame.ground_truth[i].type, "DontCare")) out.dont_care.push_back(i);
  out.dont_care_count = static_cast<int>(out.dont_care.size());
  const std::size_t dets = frame.detections.size();
  out.with_ground_truth.resize(dets * out.ground_truth_count);
  out.with_dont_care.resize(dets * out.dont_care_count);
  for (std::size_t j = 0; j < dets; ++j) {
    const KittiEvalObject& det = frame.detections[j];
    for (int i = 0; i < out.ground_truth_count; ++i)
      out.with_ground_truth[j * out.ground_truth_count + i] =
          overlap(det, frame.ground_truth[i], OverlapCriterion::Union);
    for (int k = 0; k < out.dont_care_count; ++k)
      out.with_dont_care[j * out.dont_care_count + k] =
          overlap(det, frame.ground_truth[out.dont_care[k]], OverlapCriterion::DetectionArea);
  }
  return out;
}

KittiFrameCounts kitti_match_frame(const KittiEvalFrame& frame, const KittiFrameRoles& roles,
                                   const KittiFrameOverlaps& overlaps, double min_overlap, bool count_false_positives,
                                   bool compute_orientation, double threshold) {
  constexpr double kNoDetection = -10000000;
  KittiFrameCounts counts;
  const auto& dets = frame.detections;
  std::vector<char> assigned(dets.size(), 0);
  std::vector<char> below_threshold(dets.size(), 0);
  if (count_false_positives)
    for (std::size_t j = 0; j < dets.size(); ++j) below_threshold[j] = dets[j].score < threshold;
  std::vector<double> delta;  // alpha differences of the true positives, for AOS

  for (int i : roles.relevant_ground_truth) {
    int det_idx = -1;
    double valid_detection = kNoDetection;
    double max_overlap = 0;
    bool assigned_ignored_det = false;
    for (int j : roles.relevant_detections) {
      if (assigned[j] || below_threshold[j]) continue;
      const double overlap = overlaps.iou(j, i);
      if (!(overlap > min_overlap)) continue;  // written so that a NaN overlap never matches
      const int det_role = roles.detections[j];
      if (!count_false_positives) {
        // Thresholds: the overlapping detection with the highest score (first one on ties).
        if (dets[j].score > valid_detection) {
          det_idx = j;
          valid_detection = dets[j].score;
        }
      } else if ((overlap > max_overlap || assigned_ignored_det) && det_role == KittiFrameRoles::kCounted) {
        // Precision: the largest overlap, and a counted detection displaces an ignored one taken before.
        max_overlap = overlap;
        det_idx = j;
        valid_detection = 1;
        assigned_ignored_det = false;
      } else if (valid_detection == kNoDetection && det_role == KittiFrameRoles::kIgnored) {
        det_idx = j;
        valid_detection = 1;
        assigned_ignored_det = true;
      }
    }

    const int gt_role = roles.ground_truth[i];
    if (valid_detection == kNoDetection) {
      if (gt_role == KittiFrameRoles::kCounted) ++counts.fn;
    } else if (gt_role == KittiFrameRoles::kIgnored || roles.detections[det_idx] == KittiFrameRoles::kIgnored) {
      // Matched to something that does not count: neither tp nor fp.
      assigned[det_idx] = 1;
    } else {
      ++counts.tp;
      counts.true_positive_scores.push_back(dets[det_idx].score);
      if (compute_orientation) delta.push_back(frame.ground_truth[i].alpha - dets[det_idx].alpha);
      assigned[det_idx] = 1;
    }
  }

  if (!count_false_positives) return counts;

  for (int j : roles.relevant_detections)
    if (!assigned[j] && roles.detections[j] == KittiFrameRoles::kCounted && !below_threshold[j]) ++counts.fp;

  // Unmatched detections mostly inside a DontCare region are not false positives.
  int in_dont_care = 0;
  for (int k = 0; k < overlaps.dont_care_count; ++k)
    for (int j : roles.relevant_detections) {
      if (assigned[j] || roles.detections[j] != KittiFrameRoles::kCounted || below_threshold[j]) continue;
      if (overlaps.in_dont_care(j, k) > min_overlap) {
        assigned[j] = 1;
        ++in_dont_care;
      }
    }
  counts.fp -= in_dont_care;

  if (compute_orientation) {
    // Summed in the devkit's order (fp zeros first, then each tp) so the totals round the same way.
    double sum = 0;
    for (double d : delta) sum += (1.0 + std::cos(d)) / 2.0;
    counts.similarity = sum;
  }
  return counts;
}

}  // namespace dc::core
