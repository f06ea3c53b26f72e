#pragma once
#include "dc/core/model/ingest_error.h"
#include "dc/core/io/kitti_box_conversion.h"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace dc::core {

// One row of a KITTI object label file (label_2/NNNNNN.txt), as written.
struct KittiLabelRow {
  std::string type;
  double truncated = 0;
  int occluded = 0;
  double alpha = 0;
  double bbox[4] = {0, 0, 0, 0};  // left top right bottom
  KittiCameraBox box;             // h w l, bottom center x y z, rotation_y (rectified camera 0)
  std::optional<double> score;    // 16th column of result files
  int line = 0;
};

// Parses one line of 15 or 16 columns; throws ParseError naming file, line and the offending column.
KittiLabelRow parse_kitti_label_line(const std::string& text, const std::filesystem::path& file, int line);

// Reads every row; a malformed row is reported in `errors` and skipped. Throws ParseError if unreadable.
std::vector<KittiLabelRow> read_kitti_label_file(const std::filesystem::path& file, const std::string& drive,
                                                 std::vector<IngestError>& errors);

}  // namespace dc::core
