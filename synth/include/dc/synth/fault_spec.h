#pragma once
#include <string>
#include <vector>

namespace dc::core {

// One fault the synthetic generator writes into a drive (the ground truth for data-qc and calib-check).
//
// Syntax: KIND:ARGS, sensors named as in the drive folder (velodyne_points, image_02, image_03, oxts), frames by
// their index in the generated drive (0-based), ranges inclusive "A-B" (a single "A" is a one-frame range).
//   drop:SENSOR:A-B                          frames A..B removed (timestamps lines and files; later files renumbered)
//   time-jump:SENSOR:F:+0.35s                from frame F on every timestamp is offset (s, ms or us; may be negative)
//   time-jitter:SENSOR:20ms                  every timestamp gets seeded uniform jitter within +-that
//   duplicate-time:SENSOR:F                  frame F gets frame F-1's timestamp
//   dead-rings:velodyne_points:A-B:3,17      beams 3 and 17 (0 = top beam) return nothing in sweeps A..B
//   nan-points:velodyne_points:F:N           N points of sweep F get NaN x y z
//   black:CAMERA:F  overexposed:CAMERA:F  blur:CAMERA:F  frozen:CAMERA:A-B (A >= 1: repeats frame A-1's file)
//   truncate:SENSOR:F                        the payload file of frame F cut to about half its size
//   gnss-jump:F:4m                           from OXTS record F on the position is offset 4 m to the left (m or cm;
//                                            negative: to the right) of the heading at record F
//   heading-jump:F:30deg                     from OXTS record F on the yaw is offset (deg or rad)
//   calib-drift:CAMERA:from=F[:roll=A][:pitch=A][:yaw=A][:x=D][:y=D][:z=D]
//                                            from frame F on the camera renders with a perturbed extrinsic (below)
// calib-drift: the images are rendered with T_cam_from_velo' = dT * T_cam_from_velo, dT = [R | t] acting on points
// in the camera frame (x right, y down, z forward): R = Ry(yaw) * Rx(pitch) * Rz(roll), t = (x, y, z). The
// calibration files keep the original extrinsic.
enum class FaultKind {
  Drop,
  TimeJump,
  TimeJitter,
  DuplicateTime,
  DeadRings,
  NanPoints,
  Black,
  Overexposed,
  Blur,
  Frozen,
  Truncate,
  GnssJump,
  HeadingJump,
  CalibDrift,
};

// What a spec is checked against: the drive being generated.
struct DriveShape {
  int frames = 0;
  int cameras = 2;       // image_02, image_03
  int lidar_beams = 64;  // rings 0 .. lidar_beams-1
};

struct FaultSpec {
  std::string text;  // the spec as given
  FaultKind kind = FaultKind::Drop;
  std::string sensor;  // "oxts" for gnss-jump and heading-jump
  // Frames the fault names (inclusive). One-frame kinds: first == last; time-jump, gnss-jump, heading-jump and
  // calib-drift: first = the frame it starts at, last = the drive's last frame; time-jitter: the whole drive.
  int first = 0, last = 0;
  // time-jump / time-jitter: seconds; gnss-jump: metres; heading-jump: radians; nan-points: point count.
  double value = 0;
  std::vector<int> rings;  // dead-rings, ascending, distinct
  // calib-drift: radians and metres in the camera frame (see above).
  double roll = 0, pitch = 0, yaw = 0, x = 0, y = 0, z = 0;
};

// The spec's kind as written ("drop", "calib-drift", ...).
std::string fault_kind_name(FaultKind kind);

// Parses and checks one spec against the drive. Throws std::invalid_argument naming the spec and what is wrong:
// malformed text, an unknown kind, a sensor the drive does not have or the kind does not apply to, frames outside
// the drive, bad units or values.
FaultSpec parse_fault_spec(const std::string& text, const DriveShape& drive);

}  // namespace dc::core
