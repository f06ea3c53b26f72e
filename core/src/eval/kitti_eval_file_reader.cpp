#include "dc/core/eval/kitti_eval_file_reader.h"

#include "dc/core/io/parse_error.h"
#include "io/readers/file_check.h"
#include "io/readers/text_util.h"

#include <algorithm>
#include <cmath>
#include <fstream>

namespace dc::core {

namespace {

constexpr const char* kColumns[] = {"type", "truncated", "occluded", "alpha", "left", "top", "right",      "bottom",
                                    "h",    "w",         "l",        "x",     "y",    "z",   "rotation_y", "score"};

// One row; throws ParseError naming file, line and column. `detection`: 16 columns required.
KittiEvalObject parse_row(const std::string& text, const std::filesystem::path& file, int line, bool detection) {
  const auto tokens = split_whitespace(text);
  const bool columns_ok = detection ? tokens.size() == 16 : (tokens.size() == 15 || tokens.size() == 16);
  if (!columns_ok)
    throw ParseError(file, line,
                     std::string("expected ") + (detection ? "16 columns (label + score)" : "15 columns") + ", got " +
                         std::to_string(tokens.size()));
  double v[16] = {};
  for (std::size_t i = 1; i < tokens.size(); ++i)
    if (!parse_double(tokens[i], v[i]))
      throw ParseError(file, line,
                       "column " + std::to_string(i + 1) + " (" + kColumns[i] + ") '" + shorten(tokens[i]) + "' " +
                           number_problem(tokens[i]));
  // The devkit reads occlusion with %d; results usually write -1 there, which is fine.
  if (v[2] != std::floor(v[2]) || std::abs(v[2]) > 1000)
    throw ParseError(file, line, "column 3 (occluded) '" + shorten(tokens[2]) + "' is not a small integer");

  KittiEvalObject o;
  o.type = tokens[0];
  o.truncated = v[1];
  o.occluded = static_cast<int>(v[2]);
  o.alpha = v[3];
  std::copy(v + 4, v + 8, o.bbox);
  o.box.h = v[8];
  o.box.w = v[9];
  o.box.l = v[10];
  o.box.bottom_center = {v[11], v[12], v[13]};
  o.box.rotation_y = v[14];
  o.score = detection ? v[15] : 1.0;
  o.line = line;
  return o;
}

std::vector<KittiEvalObject> read_rows(const std::filesystem::path& file, std::vector<IngestError>& errors,
                                       bool detection) {
  require_regular_file(file, detection ? "cannot open result file" : "cannot open label file");
  std::ifstream in(file);
  if (!in) throw ParseError(file, detection ? "cannot open result file" : "cannot open label file");
  std::vector<KittiEvalObject> rows;
  for_each_text_line(in, [&](const std::string& text, int line) {
    try {
      rows.push_back(parse_row(text, file, line, detection));
    } catch (const ParseError& e) {
      errors.push_back(IngestError::make(file.string(), e.line(), e.message() + "; row skipped"));
    }
  });
  return rows;
}

std::vector<std::string> label_file_ids(const std::filesystem::path& label_dir, std::vector<IngestError>& errors) {
  std::vector<std::string> ids;
  std::error_code ec;
  std::filesystem::directory_iterator it(label_dir, ec);
  if (ec) {
    errors.push_back(IngestError::make(label_dir.string(), 0, "cannot list label folder: " + ec.message()));
    return ids;
  }
  for (const auto& entry : it)
    if (entry.path().extension() == ".txt") ids.push_back(entry.path().stem().string());
  std::sort(ids.begin(), ids.end());
  return ids;
}

}  // namespace

std::vector<KittiEvalObject> KittiEvalFileReader::read_ground_truth(const std::filesystem::path& file,
                                                                    std::vector<IngestError>& errors) {
  return read_rows(file, errors, false);
}

std::vector<KittiEvalObject> KittiEvalFileReader::read_detections(const std::filesystem::path& file,
                                                                  std::vector<IngestError>& errors) {
  return read_rows(file, errors, true);
}

std::vector<KittiEvalFrame> KittiEvalFileReader::read_split(const std::filesystem::path& label_dir,
                                                            const std::filesystem::path& result_dir,
                                                            std::vector<IngestError>& errors,
                                                            const std::vector<std::string>& frame_ids) {
  const std::vector<std::string> ids = frame_ids.empty() ? label_file_ids(label_dir, errors) : frame_ids;
  std::vector<KittiEvalFrame> frames;
  frames.reserve(ids.size());
  for (const std::string& id : ids) {
    KittiEvalFrame frame;
    frame.id = id;
    try {
      frame.ground_truth = read_ground_truth(label_dir / (id + ".txt"), errors);
    } catch (const ParseError& e) {
      errors.push_back(IngestError::make(e.file().string(), e.line(), e.message()));
    }
    const std::filesystem::path result = result_dir / (id + ".txt");
    if (!exists_any(result)) {
      errors.push_back(IngestError::make(result.string(), 0, "no result file; frame counted as without detections"));
    } else {
      try {
        frame.detections = read_detections(result, errors);
      } catch (const ParseError& e) {
        errors.push_back(IngestError::make(e.file().string(), e.line(), e.message()));
      }
    }
    frames.push_back(std::move(frame));
  }
  return frames;
}

}  // namespace dc::core
