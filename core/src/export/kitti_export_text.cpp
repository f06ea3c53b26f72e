#include "export/kitti_export_text.h"

#include "dc/core/io/kitti_box_conversion.h"

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
std::string f2(double v) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.2f", v);
  std::string s = buf;
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
  const double truncated = box.truncated >= 0 ? box.truncated : (box.truncation_state >= 0 && box.truncation_state < 3
                                                                     ? box.truncation_state * 0.5 : -1.0);
  std::string s = box.category.empty() ? "Unknown" : box.category;
  for (char& c : s)
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') c = '_';  // one token per field
  s += " " + f2(truncated) + " " + std::to_string(box.occlusion) + " " + f2(alpha);
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

}  // namespace dc::core
