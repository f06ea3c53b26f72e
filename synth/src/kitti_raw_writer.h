#pragma once
#include "dc/core/model/time_stamp.h"

#include <filesystem>
#include <opencv2/core/mat.hpp>
#include <string>
#include <vector>

namespace dc::core::generator {

// The KITTI raw folder layout: <out>/<date>/calib_*.txt and <out>/<date>/<date>_drive_<NNNN>_sync/<sensor>/...
// Every write throws std::runtime_error naming the file when it fails.
class KittiRawWriter {
 public:
  // date as "YYYY_MM_DD"; drive_number 0..9999. Clears the drive's sensor folders left by an earlier run.
  KittiRawWriter(const std::filesystem::path& out, const std::string& date, int drive_number, int cameras);

  const std::filesystem::path& date_dir() const { return date_dir_; }
  const std::filesystem::path& drive_dir() const { return drive_dir_; }

  // The zone KITTI raw timestamps are written in (the readers assume it for kitti-raw).
  static constexpr const char* kTimeZone = "Europe/Berlin";

  void write_text(const std::filesystem::path& file, const std::string& text) const;
  // `stamps` are UTC; they are written as wall-clock time in kTimeZone, as KITTI does.
  void write_timestamps(const std::string& sensor, const std::string& file_name,
                        const std::vector<TimestampNs>& stamps) const;
  void write_velodyne(int frame, const std::vector<float>& xyzi) const;
  void write_image(const std::string& camera, int frame, const cv::Mat& bgr) const;
  void write_oxts(int frame, const std::string& record) const;

  // <drive>/<sensor>/data/<frame, 10 digits>.<bin | png | txt>
  std::filesystem::path data_file(const std::string& sensor, int frame) const;

 private:
  std::filesystem::path data_file(const std::string& sensor, int frame, const char* extension) const;

  std::filesystem::path date_dir_, drive_dir_;
};

}  // namespace dc::core::generator
