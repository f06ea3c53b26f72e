#pragma once
#include "dc/core/model/box_label.h"
#include "dc/core/model/drive.h"
#include "dc/core/model/ingest_error.h"

#include <filesystem>
#include <string>
#include <vector>

namespace dc::core {

// Model predictions read from a folder, as labels of source `model` with the run's name, in the lidar frame.
struct PredictionImport {
  std::vector<BoxLabel> labels;
  std::vector<IngestError> errors;  // bad rows and files (file, line, what is wrong): skipped, the rest is read
  int files = 0;
  int rows = 0;  // rows read, good or bad
};

// Reads every prediction file in `dir` (not recursive):
//  - KITTI object result files `NNNNNN.txt`: the 15 label_2 columns plus a score, boxes in the rectified camera-0
//    frame, converted with the drive's calibration of lidar frame NNNNNN; DontCare rows are skipped.
//  - JSON lines files `*.jsonl`: one box per line in the lidar frame,
//    {"frame": 12, "class": "Car", "center": [x, y, z], "size": [l, w, h], "yaw": 0.1, "track_id": "7",
//     "score": 0.83} (track_id and score optional; center is the box's geometric center).
// A box whose frame is not a lidar frame of the drive is an error. Throws std::runtime_error when `dir` is not a
// readable folder.
PredictionImport read_predictions(const std::filesystem::path& dir, const Drive& drive, const std::string& name);

}  // namespace dc::core
