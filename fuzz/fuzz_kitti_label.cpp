// KITTI object label_2/NNNNNN.txt (and result files with a score column): read_kitti_label_file.
#include "dc/core/io/parse_error.h"
#include "fuzz_support.h"
#include "io/readers/kitti/kitti_label_file.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto file = dc::fuzz::write_input("000000.txt", data, size);
  try {
    std::vector<dc::core::IngestError> errors;
    const auto rows = dc::core::read_kitti_label_file(file, "fuzz", errors);
    // The object reader places every row with the frame's calibration.
    for (const auto& row : rows) (void)dc::core::lidar_box_from_kitti(row.box, Eigen::Isometry3d::Identity());
  } catch (const dc::core::ParseError&) {
  }
  return 0;
}
