#pragma once
#include "passes/autolabel/autolabel_settings.h"
#include "passes/autolabel/constant_velocity_filter.h"
#include "passes/autolabel/detection.h"

#include <map>
#include <vector>

namespace dc::core::autolabel {

// One box of a finished track: the sample (position in the drive) and the box in the fixed frame.
struct TrackedBox {
  int sample = 0;
  int track = 0;  // 1-based, in order of birth
  Detection box;
  bool bridged = false;  // no detection in this sample: interpolated across a short gap, or carried on
  bool carried = false;  // a parked vehicle's box carried on beyond its first or last detection
  bool moving = false;   // heading from the motion; a standing object's heading is known up to 180 degrees
};

// Offline multi-object tracking in a fixed (world) frame, so the ego's own motion does not look like the objects'.
// Per sample: predict every live track (constant-velocity Kalman filter), assign detections by minimum total
// distance (Hungarian; a person and a vehicle pair only when much nearer than the gate) within a gate, update;
// unassigned detections start tracks, a track missing more than max_misses samples ends. finish() keeps tracks with
// at least min_hits detections and, with hindsight: one class per track (score-weighted vote; a "vehicle" never
// longer than a bicycle when seen from the side is a person, a fast pedestrian a cyclist), moving or standing (by
// robust centers, and boxes refitted as if standing must move too), heading from the motion (on the L-shape's
// axis for vehicles) for moving tracks and one orientation for standing ones, one size (what the track saw at its
// best, else the class's typical size; detections merged with a neighbour, larger than the class can be, left out
// of it and of the motion), each box refitted at that heading and size on the detection's outline from
// the side facing the sensor (moving tracks smoothed by a local constant-velocity fit, standing ones at one place),
// and boxes interpolated across the gaps it bridged; a parked vehicle seen often keeps its box for a while before and
// after its detections (within range, where no other track is detected on it). Last, a person track lying mostly
// within a parked vehicle's footprint is a far piece of it and joins its track.
class MultiObjectTracker {
 public:
  explicit MultiObjectTracker(const AutolabelSettings& settings) : settings_(settings) {}

  // Detections of one sample in the fixed frame (center, yaw), samples in time order.
  void add_sample(int sample, double time_s, const std::vector<Detection>& detections);
  std::vector<TrackedBox> finish();

 private:
  struct Observation {
    int step = 0;  // index into steps_
    Detection box;
  };
  struct Track {
    int id = 0;
    ConstantVelocityFilter filter;
    double last_time_s = 0;
    int misses = 0;
    std::vector<Observation> observations;
  };
  struct Step {
    int sample = 0;
    double time_s = 0;
    Eigen::Vector2d sensor = Eigen::Vector2d::Zero();  // the lidar's position (of its detections; else the last)
  };

  void end_track(Track& track);
  // The track cut where it goes from a steady motion to standing or back at once (it followed two objects).
  std::vector<Track> split_at_motion_breaks(Track track) const;
  // Joins ended tracks that continue each other across a short gap (an object lost for a moment).
  void stitch_tracks();
  void emit_boxes(const Track& track, std::vector<TrackedBox>& out) const;
  // Person tracks that are pieces of a parked vehicle (mostly inside its footprint) become part of its track.
  static void absorb_vehicle_pieces(std::vector<TrackedBox>& out);
  // Carried-on boxes where another track has a box are dropped.
  static void drop_covered_carries(std::vector<TrackedBox>& out);

  const AutolabelSettings& settings_;
  std::vector<Step> steps_;
  std::vector<Track> live_;
  std::vector<Track> ended_;
  int next_id_ = 1;
};

}  // namespace dc::core::autolabel
