#include "dc/core/io/prediction_reader.h"

#include "dc/core/io/kitti_box_conversion.h"
#include "dc/core/io/parse_error.h"
#include "io/readers/kitti/kitti_label_file.h"
#include "io/readers/text_util.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <stdexcept>

namespace dc::core {

namespace fs = std::filesystem;

namespace {

// The drive's lidar frames by index: predictions name their frame by it.
std::map<std::int64_t, const Frame*> lidar_frames(const Drive& drive) {
  std::map<std::int64_t, const Frame*> out;
  const std::string lidar = drive.lidar_sensor();
  for (const auto& f : drive.frames)
    if (f.sensor == lidar) out[f.index] = &f;
  return out;
}

bool all_digits(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c); });
}

void read_kitti_results(const fs::path& file, std::int64_t frame_index, const Drive& drive, const Frame* frame,
                        const std::string& name, PredictionImport& out) {
  std::vector<IngestError> errors;
  const auto rows = read_kitti_label_file(file, drive.name, errors);
  out.rows += static_cast<int>(rows.size() + errors.size());
  out.errors.insert(out.errors.end(), errors.begin(), errors.end());
  if (rows.empty()) return;
  if (!frame) {
    out.errors.push_back(IngestError::make(file.string(), 0,
        "frame " + std::to_string(frame_index) + " is not a lidar frame of drive " + drive.name, drive.name));
    return;
  }
  const Calibration* calib = drive.calibration_at(frame->timestamp_ns);
  const auto T = calib ? calib->transform("cam0", "velo") : std::nullopt;
  if (!T) {
    out.errors.push_back(IngestError::make(file.string(), 0,
        "no rectified camera-0 calibration for frame " + std::to_string(frame_index) +
            ": camera-frame boxes cannot be placed in the lidar frame", drive.name));
    return;
  }
  for (const auto& row : rows) {
    if (row.type == "DontCare") continue;
    BoxLabel b = lidar_box_from_kitti(row.box, *T);
    b.frame_index = frame_index;
    b.timestamp_ns = frame->timestamp_ns;
    b.category = row.type;
    b.score = row.score.value_or(1.0);
    b.source = LabelSource::Model;
    b.source_name = name;
    b.truncated = row.truncated;
    b.occlusion = row.occluded;
    b.alpha = row.alpha;
    std::copy(row.bbox, row.bbox + 4, b.bbox2d);
    out.labels.push_back(std::move(b));
  }
}

double number_at(const nlohmann::json& j, const char* key, std::size_t i) {
  const auto& v = j.at(key);
  if (!v.is_array() || v.size() != 3) throw std::invalid_argument(std::string("'") + key + "' must be 3 numbers");
  const double x = v.at(i).get<double>();
  if (!std::isfinite(x)) throw std::invalid_argument(std::string("'") + key + "' is not finite");
  return x;
}

void read_json_lines(const fs::path& file, const Drive& drive, const std::map<std::int64_t, const Frame*>& frames,
                     const std::string& name, PredictionImport& out) {
  std::ifstream in(file);
  if (!in) {
    out.errors.push_back(IngestError::make(file.string(), 0, "cannot be read", drive.name));
    return;
  }
  for_each_text_line(in, [&](const std::string& text, int line) {
    ++out.rows;
    try {
      const nlohmann::json j = nlohmann::json::parse(text);
      if (!j.is_object()) throw std::invalid_argument("not a JSON object");
      BoxLabel b;
      b.frame_index = j.at("frame").get<std::int64_t>();
      const auto it = frames.find(b.frame_index);
      if (it == frames.end())
        throw std::invalid_argument("frame " + std::to_string(b.frame_index) + " is not a lidar frame of drive " +
                                    drive.name);
      b.timestamp_ns = it->second->timestamp_ns;
      b.category = j.at("class").get<std::string>();
      if (b.category.empty()) throw std::invalid_argument("'class' is empty");
      b.center = {number_at(j, "center", 0), number_at(j, "center", 1), number_at(j, "center", 2)};
      b.length = number_at(j, "size", 0), b.width = number_at(j, "size", 1), b.height = number_at(j, "size", 2);
      if (b.length <= 0 || b.width <= 0 || b.height <= 0) throw std::invalid_argument("'size' must be positive");
      b.yaw = j.at("yaw").get<double>();
      if (!std::isfinite(b.yaw)) throw std::invalid_argument("'yaw' is not finite");
      if (j.contains("track_id"))
        b.track_id = j["track_id"].is_string() ? j["track_id"].get<std::string>()
                                               : std::to_string(j["track_id"].get<std::int64_t>());
      b.score = j.value("score", 1.0);
      if (!(b.score >= 0 && b.score <= 1)) throw std::invalid_argument("'score' must be within 0..1");
      b.source = LabelSource::Model;
      b.source_name = name;
      out.labels.push_back(std::move(b));
    } catch (const std::exception& e) {
      out.errors.push_back(IngestError::make(file.string(), line, e.what(), drive.name));
    }
  });
}

}  // namespace

PredictionImport read_predictions(const fs::path& dir, const Drive& drive, const std::string& name) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) throw std::runtime_error(dir.string() + ": not a folder of predictions");
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(dir, ec))
    if (e.is_regular_file()) files.push_back(e.path());
  if (ec) throw std::runtime_error(dir.string() + ": cannot be listed: " + ec.message());
  std::sort(files.begin(), files.end());

  const auto frames = lidar_frames(drive);
  PredictionImport out;
  for (const auto& file : files) {
    const std::string stem = file.stem().string();
    if (file.extension() == ".txt" && all_digits(stem)) {
      ++out.files;
      const std::int64_t index = std::stoll(stem);
      const auto it = frames.find(index);
      try {
        read_kitti_results(file, index, drive, it == frames.end() ? nullptr : it->second, name, out);
      } catch (const std::exception& e) {
        out.errors.push_back(IngestError::make(file.string(), 0, e.what(), drive.name));
      }
    } else if (file.extension() == ".jsonl") {
      ++out.files;
      read_json_lines(file, drive, frames, name, out);
    }
  }
  return out;
}

}  // namespace dc::core
