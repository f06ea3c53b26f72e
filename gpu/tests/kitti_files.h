#pragma once
// Minimal readers for the KITTI object files the kernel tests and benchmark use (standard library only):
// velodyne scans, the calibration (camera 2 intrinsics and T_cam2_from_lidar) and label boxes in the lidar frame.
#include <array>
#include <cmath>
#include <cstddef>
#include <filesystem>
#include <fstream>
#include <map>
#include <numbers>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace dc::gpu::testing {

// x y z reflectance per point.
inline std::vector<float> read_velodyne(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open " + file.string());
  in.seekg(0, std::ios::end);
  const auto bytes = static_cast<std::size_t>(in.tellg());
  if (bytes % 16 != 0) throw std::runtime_error(file.string() + ": size is not a multiple of 16 bytes");
  std::vector<float> v(bytes / 4);
  in.seekg(0);
  in.read(reinterpret_cast<char*>(v.data()), static_cast<std::streamsize>(bytes));
  return v;
}

struct KittiCalib {
  double fx = 0, fy = 0, cx = 0, cy = 0;
  int width = 1242, height = 375;
  std::array<double, 12> T_cam2_from_lidar{};  // row-major 3x4: rectified camera 2 <- velodyne
  std::array<double, 12> T_rect_from_lidar{};  // rectified camera 0 <- velodyne (labels live there)
};

inline KittiCalib read_calib(const std::filesystem::path& file, int width = 1242, int height = 375) {
  std::ifstream in(file);
  if (!in) throw std::runtime_error("cannot open " + file.string());
  std::map<std::string, std::vector<double>> rows;
  std::string line;
  while (std::getline(in, line)) {
    const auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::istringstream values(line.substr(colon + 1));
    std::vector<double> v;
    for (double x; values >> x;) v.push_back(x);
    rows[line.substr(0, colon)] = v;
  }
  const auto& P2 = rows.at("P2");
  const auto& R0 = rows.at("R0_rect");
  const auto& Tr = rows.at("Tr_velo_to_cam");
  if (P2.size() != 12 || R0.size() != 9 || Tr.size() != 12)
    throw std::runtime_error(file.string() + ": bad calibration rows");
  KittiCalib c;
  c.width = width, c.height = height;
  c.fx = P2[0], c.fy = P2[5], c.cx = P2[2], c.cy = P2[6];
  // P2 = K [I | b]: b = K^-1 P2[:, 3].
  const double bz = P2[11], bx = (P2[3] - c.cx * bz) / c.fx, by = (P2[7] - c.cy * bz) / c.fy;
  for (int r = 0; r < 3; ++r) {
    for (int k = 0; k < 4; ++k) {
      double v = 0;
      for (int j = 0; j < 3; ++j) v += R0[3 * r + j] * Tr[4 * j + k];
      c.T_rect_from_lidar[4 * r + k] = v;
    }
  }
  c.T_cam2_from_lidar = c.T_rect_from_lidar;
  c.T_cam2_from_lidar[3] += bx, c.T_cam2_from_lidar[7] += by, c.T_cam2_from_lidar[11] += bz;
  return c;
}

struct LidarBox {
  std::string type;
  double cx, cy, cz, l, w, h, yaw;
};

// Label boxes (DontCare skipped) converted to the lidar frame: KITTI gives the bottom center in rectified camera 0
// and rotation_y around the camera y axis.
inline std::vector<LidarBox> read_label_boxes(const std::filesystem::path& file, const KittiCalib& calib) {
  std::ifstream in(file);
  if (!in) throw std::runtime_error("cannot open " + file.string());
  // Invert the rigid part of T_rect_from_lidar (R0 * Tr is a rotation up to rounding).
  const auto& T = calib.T_rect_from_lidar;
  std::vector<LidarBox> boxes;
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream s(line);
    std::string type;
    double trunc, occ, alpha, x0, y0, x1, y1, h, w, l, x, y, z, ry;
    if (!(s >> type >> trunc >> occ >> alpha >> x0 >> y0 >> x1 >> y1 >> h >> w >> l >> x >> y >> z >> ry)) continue;
    if (type == "DontCare") continue;
    const double p[3] = {x - T[3], y - h / 2 - T[7], z - T[11]};  // geometric center, minus translation
    double q[3];
    for (int k = 0; k < 3; ++k) q[k] = T[k] * p[0] + T[4 + k] * p[1] + T[8 + k] * p[2];  // R^T p
    boxes.push_back({type, q[0], q[1], q[2], l, w, h, -ry - std::numbers::pi / 2});
  }
  return boxes;
}

}  // namespace dc::gpu::testing
