// KITTI calibration text (calib_cam_to_cam.txt, calib_velo_to_cam.txt, calib_imu_to_velo.txt, object calib/N.txt):
// KittiCalibrationFile::read and every accessor the readers call, on the keys they use.
#include "dc/core/io/parse_error.h"
#include "fuzz_support.h"
#include "io/readers/kitti/kitti_calibration_file.h"

#include <Eigen/LU>

using dc::core::KittiCalibrationFile;
using dc::core::ParseError;

namespace {

template <class F>
void guarded(F&& f) {
  try {
    f();
  } catch (const ParseError&) {
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto file = dc::fuzz::write_input("calib.txt", data, size);
  try {
    const KittiCalibrationFile calib = KittiCalibrationFile::read(file);
    for (const char* key : {"R", "R_rect_00", "R0_rect", "R_00", "R_02"}) guarded([&] { calib.rotation(key); });
    for (const char* key : {"T", "T_00", "T_02"}) guarded([&] { calib.vector3(key); });
    for (const char* key : {"P_rect_00", "P_rect_02", "P0", "P2", "P3"})
      guarded([&] {
        // As the readers do: K^-1 * P.col(3) must be safe once projection34() accepted P.
        const Eigen::Matrix<double, 3, 4> P = calib.projection34(key);
        const Eigen::Matrix3d K = P.leftCols<3>();
        const Eigen::Vector3d t = K.inverse() * P.col(3);
        (void)t;
      });
    for (const char* key : {"Tr_velo_to_cam", "Tr_imu_to_velo"}) guarded([&] { calib.rigid34(key); });
    for (const char* key : {"S_rect_00", "S_rect_02", "S_00"}) guarded([&] { calib.numbers(key, 2); });
    for (const char* key : {"K_00", "R0_rect"}) guarded([&] { calib.matrix3(key); });
    for (const char* key : {"P2", "Tr_velo_to_cam"}) guarded([&] { calib.matrix34(key); });
    for (const char* key : {"D_00", "calib_time", "corner_dist"}) guarded([&] { calib.numbers(key, 5); });
    (void)calib.line_of("P2");
    (void)calib.problems().size();
  } catch (const ParseError&) {
  }
  return 0;
}
