#include "io/readers/kitti/kitti_calibration_file.h"

#include "dc/core/io/parse_error.h"
#include "io/readers/text_util.h"

#include "io/readers/file_check.h"

#include <Eigen/LU>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>

namespace dc::core {

namespace {
// Why R is not a rotation, or "" when it is one.
std::string rotation_problem(const Eigen::Matrix3d& R, double tolerance) {
  const double det = R.determinant();
  const double off = (R * R.transpose() - Eigen::Matrix3d::Identity()).cwiseAbs().maxCoeff();
  char buf[96];
  if (std::abs(det) < tolerance) return "is singular (determinant 0), not a rotation";
  if (det < 0) {
    std::snprintf(buf, sizeof buf, "is a mirroring (determinant %.6g), not a rotation", det);
    return buf;
  }
  if (off > tolerance || std::abs(det - 1) > tolerance) {
    std::snprintf(buf, sizeof buf, "is not a rotation (determinant %.6g, R*R^T off identity by %.3g)", det, off);
    return buf;
  }
  return {};
}
}  // namespace

KittiCalibrationFile KittiCalibrationFile::read(const std::filesystem::path& file) {
  require_regular_file(file, "cannot open calibration file");
  std::ifstream in(file);
  if (!in) throw ParseError(file, "cannot open calibration file");
  return from_stream(in, file);
}

KittiCalibrationFile KittiCalibrationFile::parse(const std::string& text, const std::filesystem::path& name) {
  std::istringstream in(text);
  return from_stream(in, name);
}

KittiCalibrationFile KittiCalibrationFile::from_stream(std::istream& in, const std::filesystem::path& file) {
  KittiCalibrationFile result;
  result.file_ = file;
  for_each_text_line(in, [&](const std::string& text, int line) {
    const auto colon = text.find(':');
    if (colon == std::string::npos || colon == 0) {
      result.problems_.push_back(
          IngestError::make(file.string(), line, "expected 'KEY: values', got '" + shorten(text) + "'"));
      return;
    }
    const std::string key = trim(text.substr(0, colon));
    if (result.entries_.count(key)) {
      result.problems_.push_back(
          IngestError::make(file.string(), line, key + ": duplicate key, the first one is used"));
      return;
    }
    result.entries_[key] = {split_whitespace(text.substr(colon + 1)), line};
  });
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
                       key + ": value " + std::to_string(i + 1) + " '" + shorten(e.tokens[i]) + "' " +
                           number_problem(e.tokens[i]));
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

Eigen::Matrix3d KittiCalibrationFile::rotation(const std::string& key) const {
  const Eigen::Matrix3d R = matrix3(key);
  if (const std::string why = rotation_problem(R, kRotationTolerance); !why.empty())
    throw ParseError(file_, line_of(key), key + ": " + why);
  return R;
}

Eigen::Matrix<double, 3, 4> KittiCalibrationFile::rigid34(const std::string& key) const {
  const Eigen::Matrix<double, 3, 4> m = matrix34(key);
  if (const std::string why = rotation_problem(m.leftCols<3>(), kRotationTolerance); !why.empty())
    throw ParseError(file_, line_of(key), key + ": rotation part " + why);
  return m;
}

Eigen::Matrix<double, 3, 4> KittiCalibrationFile::projection34(const std::string& key) const {
  const Eigen::Matrix<double, 3, 4> P = matrix34(key);
  if (!(P(0, 0) > 0) || !(P(1, 1) > 0))
    throw ParseError(file_, line_of(key), key + ": focal lengths fx, fy must be positive");
  if (std::abs(P(2, 2) - 1) > kRotationTolerance || std::abs(P(2, 0)) > kRotationTolerance ||
      std::abs(P(2, 1)) > kRotationTolerance || std::abs(P(1, 0)) > kRotationTolerance)
    throw ParseError(file_, line_of(key), key + ": not a rectified projection K [I | t] (third row must be 0 0 1)");
  return P;
}

}  // namespace dc::core
