#include "sensor_rig.h"

#include "number_format.h"
#include "io/readers/kitti/kitti_calibration_file.h"

#include <Eigen/LU>
#include <map>
#include <sstream>
#include <stdexcept>

namespace dc::core::generator {

namespace {

constexpr double kLidarHeight = 1.73;  // KITTI's velodyne above the road
constexpr int kRectWidth = 1242, kRectHeight = 375;

// 2011_09_26 calibration, verbatim.
constexpr const char* kCamToCam = R"(calib_time: 09-Jan-2012 13:57:47
corner_dist: 9.950000e-02
S_00: 1.392000e+03 5.120000e+02
K_00: 9.842439e+02 0.000000e+00 6.900000e+02 0.000000e+00 9.808141e+02 2.331966e+02 0.000000e+00 0.000000e+00 1.000000e+00
D_00: -3.728755e-01 2.037299e-01 2.219027e-03 1.383707e-03 -7.233722e-02
R_00: 1.000000e+00 0.000000e+00 0.000000e+00 0.000000e+00 1.000000e+00 0.000000e+00 0.000000e+00 0.000000e+00 1.000000e+00
T_00: 2.573699e-16 -1.059758e-16 1.614870e-16
S_rect_00: 1.242000e+03 3.750000e+02
R_rect_00: 9.999239e-01 9.837760e-03 -7.445048e-03 -9.869795e-03 9.999421e-01 -4.278459e-03 7.402527e-03 4.351614e-03 9.999631e-01
P_rect_00: 7.215377e+02 0.000000e+00 6.095593e+02 0.000000e+00 0.000000e+00 7.215377e+02 1.728540e+02 0.000000e+00 0.000000e+00 0.000000e+00 1.000000e+00 0.000000e+00
S_01: 1.392000e+03 5.120000e+02
K_01: 9.895267e+02 0.000000e+00 7.020000e+02 0.000000e+00 9.878386e+02 2.455590e+02 0.000000e+00 0.000000e+00 1.000000e+00
D_01: -3.644661e-01 1.790019e-01 1.148107e-03 -6.298563e-04 -5.314062e-02
R_01: 9.993513e-01 1.860866e-02 -3.083487e-02 -1.887662e-02 9.997863e-01 -8.421873e-03 3.067156e-02 8.998467e-03 9.994890e-01
T_01: -5.370000e-01 4.822061e-03 -1.252488e-02
S_rect_01: 1.242000e+03 3.750000e+02
R_rect_01: 9.996878e-01 -8.976826e-03 2.331651e-02 8.876121e-03 9.999508e-01 4.418952e-03 -2.335503e-02 -4.210612e-03 9.997184e-01
P_rect_01: 7.215377e+02 0.000000e+00 6.095593e+02 -3.875744e+02 0.000000e+00 7.215377e+02 1.728540e+02 0.000000e+00 0.000000e+00 0.000000e+00 1.000000e+00 0.000000e+00
S_02: 1.392000e+03 5.120000e+02
K_02: 9.597910e+02 0.000000e+00 6.960217e+02 0.000000e+00 9.569251e+02 2.241806e+02 0.000000e+00 0.000000e+00 1.000000e+00
D_02: -3.691481e-01 1.968681e-01 1.353473e-03 5.677587e-04 -6.770705e-02
R_02: 9.999758e-01 -5.267463e-03 -4.552439e-03 5.251945e-03 9.999804e-01 -3.413835e-03 4.570332e-03 3.389843e-03 9.999838e-01
T_02: 5.956621e-02 2.900141e-04 2.577209e-03
S_rect_02: 1.242000e+03 3.750000e+02
R_rect_02: 9.998817e-01 1.511453e-02 -2.841595e-03 -1.511724e-02 9.998853e-01 -9.338510e-04 2.827154e-03 9.766976e-04 9.999955e-01
P_rect_02: 7.215377e+02 0.000000e+00 6.095593e+02 4.485728e+01 0.000000e+00 7.215377e+02 1.728540e+02 2.163791e-01 0.000000e+00 0.000000e+00 1.000000e+00 2.745884e-03
S_03: 1.392000e+03 5.120000e+02
K_03: 9.037596e+02 0.000000e+00 6.957519e+02 0.000000e+00 9.019653e+02 2.242509e+02 0.000000e+00 0.000000e+00 1.000000e+00
D_03: -3.639558e-01 1.788651e-01 6.029694e-04 -3.922424e-04 -5.382460e-02
R_03: 9.995599e-01 1.699522e-02 -2.431313e-02 -1.704422e-02 9.998531e-01 -1.809756e-03 2.427880e-02 2.223358e-03 9.997028e-01
T_03: -4.731050e-01 5.551470e-03 -5.250882e-03
S_rect_03: 1.242000e+03 3.750000e+02
R_rect_03: 9.998321e-01 -7.193136e-03 1.685599e-02 7.232804e-03 9.999712e-01 -2.293585e-03 -1.683901e-02 2.415116e-03 9.998553e-01
P_rect_03: 7.215377e+02 0.000000e+00 6.095593e+02 -3.395242e+02 0.000000e+00 7.215377e+02 1.728540e+02 2.199936e+00 0.000000e+00 0.000000e+00 1.000000e+00 2.729905e-03
)";

constexpr const char* kVeloToCam = R"(calib_time: 15-Mar-2012 11:37:16
R: 7.533745e-03 -9.999714e-01 -6.166020e-04 1.480249e-02 7.280733e-04 -9.998902e-01 9.998621e-01 7.523790e-03 1.480755e-02
T: -4.069766e-03 -7.631618e-02 -2.717806e-01
delta_f: 0.000000e+00 0.000000e+00
delta_c: 0.000000e+00 0.000000e+00
)";

constexpr const char* kImuToVelo = R"(calib_time: 25-May-2012 16:47:16
R: 9.999976e-01 7.553071e-04 -2.035826e-03 -7.854027e-04 9.998898e-01 -1.482298e-02 2.024406e-03 1.482454e-02 9.998881e-01
T: -8.086759e-01 3.195559e-01 -7.997231e-01
)";

// The generator reads its calibration text back with the core reader's parser, so both agree on the format.
using Values = KittiCalibrationFile;

Values parse(const std::string& text, const char* name = "generated calibration") {
  Values values = KittiCalibrationFile::parse(text, name);
  if (!values.problems().empty()) throw std::logic_error(values.problems().front().message);
  return values;
}

std::vector<double> get(const Values& values, const std::string& key, std::size_t count) {
  return values.numbers(key, count);
}

Eigen::Matrix4d rigid(const std::vector<double>& R, const std::vector<double>& T) {
  Eigen::Matrix4d m = Eigen::Matrix4d::Identity();
  for (int r = 0; r < 3; ++r) {
    for (int c = 0; c < 3; ++c) m(r, c) = R[r * 3 + c];
    m(r, 3) = T[r];
  }
  return m;
}

std::string join(const std::vector<double>& v) {
  std::string s;
  for (double x : v) s += (s.empty() ? "" : " ") + format_scientific(x);
  return s;
}

// The rectified images are resampled to width x height: scale P_rect's first two rows and S_rect.
std::string rescaled_cam_to_cam(int width, int height) {
  const double sx = static_cast<double>(width) / kRectWidth, sy = static_cast<double>(height) / kRectHeight;
  std::istringstream lines(kCamToCam);
  std::string out, line;
  while (std::getline(lines, line)) {
    const auto colon = line.find(':');
    const std::string key = line.substr(0, colon);
    if (key.rfind("S_rect_", 0) == 0) {
      line = key + ": " + join({static_cast<double>(width), static_cast<double>(height)});
    } else if (key.rfind("P_rect_", 0) == 0) {
      std::vector<double> p = get(parse(line), key, 12);
      for (int c = 0; c < 4; ++c) {
        p[c] *= sx;
        p[4 + c] *= sy;
      }
      line = key + ": " + join(p);
    }
    out += line + "\n";
  }
  return out;
}

}  // namespace

SensorRig::SensorRig(int width, int height, int cameras)
    : cam_to_cam_(rescaled_cam_to_cam(width, height)), velo_to_cam_(kVeloToCam), imu_to_velo_(kImuToVelo) {
  // Everything below is read back from the text, as a reader would.
  const Values cc = parse(cam_to_cam_), vc = parse(velo_to_cam_), iv = parse(imu_to_velo_);
  const Eigen::Matrix4d T_cam0_from_velo = rigid(get(vc, "R", 9), get(vc, "T", 3));
  Eigen::Matrix4d R_rect = Eigen::Matrix4d::Identity();
  const auto& rr = get(cc, "R_rect_00", 9);
  for (int r = 0; r < 3; ++r)
    for (int c = 0; c < 3; ++c) R_rect(r, c) = rr[r * 3 + c];

  for (int i = 0; i < cameras; ++i) {
    Camera cam;
    cam.number = 2 + i;
    cam.name = "image_0" + std::to_string(cam.number);
    const auto& p = get(cc, "P_rect_0" + std::to_string(cam.number), 12);
    Eigen::Matrix<double, 3, 4> P;
    for (int r = 0; r < 3; ++r)
      for (int c = 0; c < 4; ++c) P(r, c) = p[r * 4 + c];
    cam.K = P.leftCols<3>();
    Eigen::Matrix4d shift = Eigen::Matrix4d::Identity();
    shift.topRightCorner<3, 1>() = cam.K.inverse() * P.col(3);
    cam.T_cam_from_velo = shift * R_rect * T_cam0_from_velo;
    cam.width = width;
    cam.height = height;
    cameras_.push_back(cam);
  }

  const Eigen::Matrix4d T_velo_from_imu = rigid(get(iv, "R", 9), get(iv, "T", 3));
  T_imu_from_velo_ = T_velo_from_imu.inverse();
  imu_height_ = kLidarHeight - T_imu_from_velo_(2, 3);
}

}  // namespace dc::core::generator
