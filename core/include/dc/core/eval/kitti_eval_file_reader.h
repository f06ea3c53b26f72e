#pragma once
#include "dc/core/eval/kitti_eval_frame.h"
#include "dc/core/model/ingest_error.h"

#include <filesystem>
#include <string>
#include <vector>

namespace dc::core {

// Reads KITTI object label_2 files (15 columns) and result files (16 columns: label plus score) for evaluation.
// Lenient like the devkit about values (a result's truncated/occluded are usually -1) but strict about form: a row
// with the wrong number of columns or a column that is not a number is reported with file and line and skipped.
class KittiEvalFileReader {
 public:
  // Ground truth: 15 columns; a 16th (score) is tolerated and ignored. Throws ParseError if the file can't be read.
  static std::vector<KittiEvalObject> read_ground_truth(const std::filesystem::path& file,
                                                        std::vector<IngestError>& errors);
  // Detections: 16 columns. Throws ParseError if the file can't be read.
  static std::vector<KittiEvalObject> read_detections(const std::filesystem::path& file,
                                                      std::vector<IngestError>& errors);

  // One frame per ground-truth file: `frame_ids` ("000123") when given, else every *.txt in label_dir, sorted.
  // The detections of frame F are result_dir/F.txt. A missing or unreadable file is reported in `errors` and the
  // frame gets no boxes from it (a missing result file means nothing was detected there).
  static std::vector<KittiEvalFrame> read_split(const std::filesystem::path& label_dir,
                                                const std::filesystem::path& result_dir,
                                                std::vector<IngestError>& errors,
                                                const std::vector<std::string>& frame_ids = {});
};

}  // namespace dc::core
