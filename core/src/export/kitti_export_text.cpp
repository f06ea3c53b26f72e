#include "export/kitti_export_text.h"

#include "dc/core/io/kitti_box_conversion.h"
#include "dc/core/model/time_stamp.h"

#include <charconv>
#include <cmath>
#include <cstdio>

namespace dc::core {

namespace {

std::string e12(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.12e", v);
  return buf;
}

// KITTI's two decimals; "-0.00" would differ from the source's "0.00" for no reason.
// (printf's %.2f by to_chars: the same text at a fraction of the cost; room for any double.)
std::string f2(double v) {
  char buf[400];
  const auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed, 2);
  std::string s(buf, r.ptr);
  return s == "-0.00" ? "0.00" : s;
}

std::string row34(const char* name, const Eigen::Matrix<double, 3, 4>& m) {
  std::string s = name;
  for (int r = 0; r < 3; ++r)
    for (int c = 0; c < 4; ++c) s += " " + e12(m(r, c));
  return s + "\n";
}

Eigen::Matrix<double, 3, 4> matrix34(const Eigen::Isometry3d& T) { return T.matrix().topRows<3>(); }

}  // namespace

std::string KittiCalibText::text() const {
  std::string out;
  for (int i = 0; i < 4; ++i) {
    Eigen::Matrix<double, 3, 4> P;
    P.leftCols<3>() = K;
    P.col(3) = K * t_cam_from_rect0[i];
    out += row34(("P" + std::to_string(i) + ":").c_str(), P);
  }
  out += "R0_rect:";
  for (int r = 0; r < 3; ++r)
    for (int c = 0; c < 3; ++c) out += " " + e12(r == c ? 1.0 : 0.0);
  out += "\n";
  out += row34("Tr_velo_to_cam:", matrix34(T_rect0_from_lidar));
  out += row34("Tr_imu_to_velo:", matrix34(T_lidar_from_imu));
  return out;
}

std::string kitti_label_line(const BoxLabel& box, const Eigen::Isometry3d& T_rect0_from_lidar, bool with_score) {
  const KittiCameraBox k = kitti_box_from_lidar(box, T_rect0_from_lidar);
  // Observation angle: rotation_y minus the ray's angle to the object (KITTI devkit convention).
  double alpha = box.alpha;
  if (alpha < -9) alpha = std::remainder(k.rotation_y - std::atan2(k.bottom_center.x(), k.bottom_center.z()), 2 * M_PI);
  // Unknown truncation (no KITTI source, or a tracklet's 99 "ignore") is written as 0: KITTI object readers accept
  // only 0..1 for an object row (-1 belongs to DontCare).
  const double truncated = box.truncated >= 0 ? box.truncated : (box.truncation_state >= 0 && box.truncation_state < 3
                                                                     ? box.truncation_state * 0.5 : 0.0);
  std::string s = box.category.empty() ? "Unknown" : box.category;
  for (char& c : s)
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') c = '_';  // one token per field
  // Unknown occlusion is KITTI's 3 ("unknown").
  const int occluded = box.occlusion >= 0 && box.occlusion <= 3 ? box.occlusion : 3;
  s += " " + f2(truncated) + " " + std::to_string(occluded) + " " + f2(alpha);
  for (double v : box.bbox2d) s += " " + f2(v);
  for (double v : {k.h, k.w, k.l, k.bottom_center.x(), k.bottom_center.y(), k.bottom_center.z(), k.rotation_y})
    s += " " + f2(v);
  if (with_score) {
    char buf[32];
    std::snprintf(buf, sizeof buf, " %.4f", box.score);
    s += buf;
  }
  return s + "\n";
}

std::string kitti_dont_care_line(const double bbox2d[4]) {
  std::string s = "DontCare -1 -1 -10";
  for (int i = 0; i < 4; ++i) s += " " + f2(bbox2d[i]);
  return s + " -1 -1 -1 -1000 -1000 -1000 -10\n";
}

std::string KittiRawCalibText::cam_to_cam() const {
  std::string out;
  out += "R_rect_00:";
  for (int r = 0; r < 3; ++r)
    for (int c = 0; c < 3; ++c) out += " " + e12(R_rect_00(r, c));
  out += "\n";
  for (int i = 0; i < 4; ++i) {
    const Camera& cam = cameras[i];
    if (!cam.present) continue;
    const std::string n = "0" + std::to_string(i);
    out += "S_rect_" + n + ": " + e12(cam.width) + " " + e12(cam.height) + "\n";
    Eigen::Matrix<double, 3, 4> P;
    P.leftCols<3>() = cam.K;
    P.col(3) = cam.K * cam.t_from_rect0;
    out += row34(("P_rect_" + n + ":").c_str(), P);
  }
  return out;
}

namespace {

std::string rotation_translation(const Eigen::Isometry3d& T) {
  std::string out = "R:";
  for (int r = 0; r < 3; ++r)
    for (int c = 0; c < 3; ++c) out += " " + e12(T.linear()(r, c));
  out += "\nT:";
  for (int r = 0; r < 3; ++r) out += " " + e12(T.translation()(r));
  return out + "\n";
}

}  // namespace

std::string KittiRawCalibText::velo_to_cam() const { return rotation_translation(T_cam0unrect_from_velo); }
std::string KittiRawCalibText::imu_to_velo() const { return rotation_translation(T_velo_from_imu); }

std::string kitti_timestamps_text(const std::map<std::int64_t, std::int64_t>& time_by_frame,
                                  const std::string& time_zone) {
  std::string out;
  std::int64_t next = 0;
  for (const auto& [frame, t] : time_by_frame) {
    for (; next < frame; ++next) out += "\n";
    out += format_kitti_timestamp(utc_to_local(t, time_zone)) + "\n";
    next = frame + 1;
  }
  return out;
}

const std::string& kitti_oxts_dataformat_text() {
  static const std::string text =
      "lat:   latitude of the oxts-unit (deg)\n"
      "lon:   longitude of the oxts-unit (deg)\n"
      "alt:   altitude of the oxts-unit (m)\n"
      "roll:  roll angle (rad),  0 = level, positive = left side up (-pi..pi)\n"
      "pitch: pitch angle (rad), 0 = level, positive = front down (-pi/2..pi/2)\n"
      "yaw:   heading (rad),     0 = east,  positive = counter clockwise (-pi..pi)\n"
      "vn:    velocity towards north (m/s)\n"
      "ve:    velocity towards east (m/s)\n"
      "vf:    forward velocity, i.e. parallel to earth-surface (m/s)\n"
      "vl:    leftward velocity, i.e. parallel to earth-surface (m/s)\n"
      "vu:    upward velocity, i.e. perpendicular to earth-surface (m/s)\n"
      "ax:    acceleration in x, i.e. in direction of vehicle front (m/s^2)\n"
      "ay:    acceleration in y, i.e. in direction of vehicle left (m/s^2)\n"
      "az:    acceleration in z, i.e. in direction of vehicle top (m/s^2)\n"
      "af:    forward acceleration (m/s^2)\n"
      "al:    leftward acceleration (m/s^2)\n"
      "au:    upward acceleration (m/s^2)\n"
      "wx:    angular rate around x (rad/s)\n"
      "wy:    angular rate around y (rad/s)\n"
      "wz:    angular rate around z (rad/s)\n"
      "wf:    angular rate around forward axis (rad/s)\n"
      "wl:    angular rate around leftward axis (rad/s)\n"
      "wu:    angular rate around upward axis (rad/s)\n"
      "pos_accuracy:  velocity accuracy (north/east in m)\n"
      "vel_accuracy:  velocity accuracy (north/east in m/s)\n"
      "navstat:       navigation status (see navstat_to_string)\n"
      "numsats:       number of satellites tracked by primary GPS receiver\n"
      "posmode:       position mode of primary GPS receiver (see gps_mode_to_string)\n"
      "velmode:       velocity mode of primary GPS receiver (see gps_mode_to_string)\n"
      "orimode:       orientation mode of primary GPS receiver (see gps_mode_to_string)\n";
  return text;
}

}  // namespace dc::core
