#pragma once
#include "dc/core/model/ingest_error.h"

#include <Eigen/Core>
#include <filesystem>
#include <istream>
#include <map>
#include <string>
#include <vector>

namespace dc::core {

// KITTI's calibration text: one "KEY: v1 v2 ..." per line (calib_cam_to_cam.txt, calib/000000.txt, ...).
// Values are kept as text and converted on request so that a bad entry only costs the quantity that needs it.
class KittiCalibrationFile {
public:
  // Throws ParseError when the file cannot be opened. Lines without "KEY:" are collected in problems().
  static KittiCalibrationFile read(const std::filesystem::path& file);
  // The same from text in memory; `name` stands for the file in messages (the generator parses its own output).
  static KittiCalibrationFile parse(const std::string& text, const std::filesystem::path& name);

  const std::filesystem::path& file() const { return file_; }
  bool has(const std::string& key) const { return entries_.count(key) != 0; }
  int line_of(const std::string& key) const;  // 0 when absent

  // Exactly `count` numbers for `key`; throws ParseError (file, line, "KEY: ...") when missing, non-numeric or
  // of the wrong count.
  std::vector<double> numbers(const std::string& key, std::size_t count) const;
  Eigen::Matrix3d matrix3(const std::string& key) const;        // 9 numbers, row-major
  Eigen::Matrix<double, 3, 4> matrix34(const std::string& key) const;  // 12 numbers, row-major
  Eigen::Vector3d vector3(const std::string& key) const;
  // Validated forms: a wrong calibration must cost the quantity, never place labels at wrong positions.
  // rotation(): 9 numbers forming a rotation (orthonormal, det +1, within kRotationTolerance).
  // rigid34(): 12 numbers [R | t] with R a rotation. projection34(): P = K [I | t] with fx, fy > 0.
  static constexpr double kRotationTolerance = 1e-3;
  Eigen::Matrix3d rotation(const std::string& key) const;
  Eigen::Matrix<double, 3, 4> rigid34(const std::string& key) const;
  Eigen::Matrix<double, 3, 4> projection34(const std::string& key) const;

  // Malformed lines that do not belong to any key (no colon, empty key).
  const std::vector<IngestError>& problems() const { return problems_; }

private:
  static KittiCalibrationFile from_stream(std::istream& in, const std::filesystem::path& file);
  struct Entry {
    std::vector<std::string> tokens;
    int line = 0;
  };
  std::filesystem::path file_;
  std::map<std::string, Entry> entries_;
  std::vector<IngestError> problems_;
};

}  // namespace dc::core
