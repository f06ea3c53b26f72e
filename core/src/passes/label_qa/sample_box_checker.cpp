#include "passes/label_qa/sample_box_checker.h"

#include "passes/label_qa/bev_overlap.h"
#include "passes/label_qa/label_finding.h"
#include "passes/label_qa/size_prior.h"

#include <dc/gpu/ground_segmentation.h>
#include <dc/gpu/points_in_boxes.h>

#include <cmath>

namespace dc::core::label_qa {
namespace {

double range_of(const BoxLabel& box) {
  return std::hypot(box.center.x(), box.center.y());
}

}  // namespace

void SampleBoxChecker::check(const std::vector<const BoxLabel*>& boxes, const PointCloud* cloud,
                             dc::gpu::KernelContext& kernels, std::int64_t sample_key, const std::string& sensor,
                             std::vector<Finding>& out) const {
  for (const BoxLabel* box : boxes) check_size(*box, sample_key, sensor, out);
  check_overlaps(boxes, sample_key, sensor, out);
  if (!cloud || cloud->size() == 0) return;
  check_points(boxes, *cloud, kernels, sample_key, sensor, out);
  check_ground(boxes, *cloud, kernels, sample_key, sensor, out);
}

void SampleBoxChecker::check_size(const BoxLabel& box, std::int64_t sample_key, const std::string& sensor,
                                  std::vector<Finding>& out) const {
  const SizePrior* prior = size_prior(box.category);
  if (!prior) return;
  struct Dim {
    const char* name;
    double value, lo, hi;
  };
  const Dim dims[] = {{"length", box.length, prior->min_length, prior->max_length},
                      {"width", box.width, prior->min_width, prior->max_width},
                      {"height", box.height, prior->min_height, prior->max_height}};
  std::string what;
  bool gross = false;
  nlohmann::json off = nlohmann::json::object();
  for (const Dim& d : dims) {
    if (d.value >= d.lo && d.value <= d.hi) continue;
    if (!what.empty()) what += ", ";
    what += std::string(d.name) + " " + fmt(d.value) + " m (expected " + fmt(d.lo, 1) + "-" + fmt(d.hi, 1) + ")";
    gross = gross || d.value > 1.5 * d.hi || d.value < d.lo / 1.5;  // far outside: not an unusual vehicle
    off[d.name] = {{"value", d.value}, {"min", d.lo}, {"max", d.hi}};
  }
  if (what.empty()) return;
  out.push_back(
      label_finding("box-size-prior", gross ? Severity::Error : Severity::Warning, box, sample_key, sensor,
                    describe(box) + " has an implausible size for a " + box.category + ": " + what,
                    {{"dimensions", off}, {"length", box.length}, {"width", box.width}, {"height", box.height}}));
}

void SampleBoxChecker::check_overlaps(const std::vector<const BoxLabel*>& boxes, std::int64_t sample_key,
                                      const std::string& sensor, std::vector<Finding>& out) const {
  for (std::size_t i = 0; i < boxes.size(); ++i)
    for (std::size_t j = i + 1; j < boxes.size(); ++j) {
      const BoxLabel& a = *boxes[i];
      const BoxLabel& b = *boxes[j];
      if (a.source != b.source) continue;  // a gt box and an auto box of one object overlap by design
      const double dz = vertical_overlap(a, b);
      if (dz <= 0) continue;  // stacked boxes (a car on a transporter) do not collide
      const double iou = bev_iou(a, b);
      if (iou <= settings_.overlap_iou) continue;
      out.push_back(
          label_finding("box-overlap", iou >= 0.5 ? Severity::Error : Severity::Warning, b, sample_key, sensor,
                        describe(b) + " overlaps " + describe(a) + " (bird's-eye IoU " + fmt(iou) + ", " + fmt(dz) +
                            " m vertical overlap)" + (iou >= 0.5 ? ": probably a duplicate box" : ""),
                        {{"other_label_id", a.id},
                         {"other_track_id", a.track_id.empty() ? nlohmann::json() : nlohmann::json(a.track_id)},
                         {"other_class", a.category},
                         {"bev_iou", iou},
                         {"vertical_overlap_m", dz}}));
    }
}

void SampleBoxChecker::check_points(const std::vector<const BoxLabel*>& boxes, const PointCloud& cloud,
                                    dc::gpu::KernelContext& kernels, std::int64_t sample_key, const std::string& sensor,
                                    std::vector<Finding>& out) const {
  std::vector<const BoxLabel*> near;
  std::vector<dc::gpu::Box3f> gpu_boxes;
  for (const BoxLabel* b : boxes) {
    if (range_of(*b) > settings_.min_points_range) continue;
    near.push_back(b);
    gpu_boxes.push_back({static_cast<float>(b->center.x()), static_cast<float>(b->center.y()),
                         static_cast<float>(b->center.z()), static_cast<float>(b->length), static_cast<float>(b->width),
                         static_cast<float>(b->height), static_cast<float>(b->yaw)});
  }
  if (near.empty()) return;
  dc::gpu::BoxResult result;
  dc::gpu::points_in_boxes(kernels, cloud.xyzi, gpu_boxes, {}, result);
  for (std::size_t k = 0; k < near.size(); ++k) {
    const auto count = static_cast<int>(result.counts[k]);
    if (count >= settings_.min_points) continue;
    const BoxLabel& b = *near[k];
    // A box its own label calls largely occluded (KITTI occlusion 2) may legitimately be nearly empty.
    const bool occluded = b.occlusion == 2;
    out.push_back(label_finding("box-few-points", occluded ? Severity::Info : Severity::Warning, b, sample_key, sensor,
                                describe(b) + " has " + std::to_string(count) + " lidar point" +
                                    (count == 1 ? "" : "s") + " inside at " + fmt(range_of(b), 1) + " m (fewer than " +
                                    std::to_string(settings_.min_points) + ")" +
                                    (occluded ? "; labelled largely occluded" : ""),
                                {{"points", count}, {"min_points", settings_.min_points}, {"range_m", range_of(b)}}));
  }
}

void SampleBoxChecker::check_ground(const std::vector<const BoxLabel*>& boxes, const PointCloud& cloud,
                                    dc::gpu::KernelContext& kernels, std::int64_t sample_key, const std::string& sensor,
                                    std::vector<Finding>& out) const {
  std::vector<const BoxLabel*> near;
  for (const BoxLabel* b : boxes)
    if (range_of(*b) <= settings_.ground_range) near.push_back(b);
  if (near.empty()) return;
  // Fit on the points near the ego only: one plane does not describe a road that bends up or down far away.
  std::vector<float> local;
  local.reserve(cloud.xyzi.size());
  for (std::size_t i = 0; i < cloud.size(); ++i) {
    const float* p = cloud.point(i);
    if (std::hypot(p[0], p[1]) <= settings_.ground_range) local.insert(local.end(), p, p + 4);
  }
  dc::gpu::GroundParams params;
  params.max_tilt_deg = 15;  // walls and building faces are never the ground
  dc::gpu::GroundResult ground;
  dc::gpu::segment_ground(kernels, local, params, ground);
  if (!ground.found || ground.normal[2] < 0.5f) return;
  const double nx = ground.normal[0], ny = ground.normal[1], nz = ground.normal[2], d = ground.d;
  for (const BoxLabel* b : near) {
    const double ground_z = -(nx * b->center.x() + ny * b->center.y() + d) / nz;
    const double gap = (b->center.z() - b->height / 2) - ground_z;  // > 0: bottom above the ground
    if (std::abs(gap) <= settings_.ground_tolerance) continue;
    const bool below = gap < 0;
    out.push_back(label_finding(
        below ? "box-below-ground" : "box-floating", below ? Severity::Error : Severity::Warning, *b, sample_key,
        sensor,
        describe(*b) + "'s bottom is " + fmt(std::abs(gap)) + " m " + (below ? "below" : "above") +
            " the ground plane (tolerance " + fmt(settings_.ground_tolerance) + " m)",
        {{"bottom_minus_ground_m", gap}, {"ground_z_m", ground_z}, {"tolerance_m", settings_.ground_tolerance}}));
  }
}

}  // namespace dc::core::label_qa
