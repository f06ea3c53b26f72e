#include "io/readers/kitti/kitti_calibration_file.h"

#include "dc/core/io/parse_error.h"
#include "io/readers/text_util.h"

#include <fstream>

namespace dc::core {

KittiCalibrationFile KittiCalibrationFile::read(const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in) throw ParseError(file, "cannot open calibration file");
  KittiCalibrationFile result;
  result.file_ = file;
  std::string raw;
  int line = 0;
  while (std::getline(in, raw)) {
    ++line;
    const std::string text = trim(raw);
    if (text.empty()) continue;
    const auto colon = text.find(':');
    if (colon == std::string::npos || colon == 0) {
      result.problems_.push_back({file.string(), line, "expected 'KEY: values', got '" + shorten(text) + "'", {}});
      continue;
    }
    const std::string key = trim(text.substr(0, colon));
    if (result.entries_.count(key)) {
      result.problems_.push_back({file.string(), line, key + ": duplicate key, the first one is used", {}});
      continue;
    }
    result.entries_[key] = {split_whitespace(text.substr(colon + 1)), line};
  }
  return result;
}

int KittiCalibrationFile::line_of(const std::string& key) const {
  auto it = entries_.find(key);
  return it == entries_.end() ? 0 : it->second.line;
}

std::vector<double> KittiCalibrationFile::numbers(const std::string& key, std::size_t count) const {
  auto it = entries_.find(key);
  if (it == entries_.end()) throw ParseError(file_, "missing key " + key);
  const Entry& e = it->second;
  if (e.tokens.size() != count)
    throw ParseError(file_, e.line,
                     key + ": expected " + std::to_string(count) + " numbers, got " + std::to_string(e.tokens.size()));
  std::vector<double> values(count);
  for (std::size_t i = 0; i < count; ++i) {
    if (!parse_double(e.tokens[i], values[i]))
      throw ParseError(file_, e.line,
                       key + ": value " + std::to_string(i + 1) + " '" + shorten(e.tokens[i]) + "' is not a number");
  }
  return values;
}

Eigen::Matrix3d KittiCalibrationFile::matrix3(const std::string& key) const {
  const auto v = numbers(key, 9);
  Eigen::Matrix3d m;
  for (int r = 0; r < 3; ++r)
    for (int c = 0; c < 3; ++c) m(r, c) = v[static_cast<std::size_t>(r * 3 + c)];
  return m;
}

Eigen::Matrix<double, 3, 4> KittiCalibrationFile::matrix34(const std::string& key) const {
  const auto v = numbers(key, 12);
  Eigen::Matrix<double, 3, 4> m;
  for (int r = 0; r < 3; ++r)
    for (int c = 0; c < 4; ++c) m(r, c) = v[static_cast<std::size_t>(r * 4 + c)];
  return m;
}

Eigen::Vector3d KittiCalibrationFile::vector3(const std::string& key) const {
  const auto v = numbers(key, 3);
  return {v[0], v[1], v[2]};
}

}  // namespace dc::core
