#include "kitti_raw_writer.h"

#include <opencv2/imgcodecs.hpp>

#include <cstdio>
#include <fstream>
#include <regex>
#include <stdexcept>

namespace dc::core::generator {

namespace fs = std::filesystem;

KittiRawWriter::KittiRawWriter(const fs::path& out, const std::string& date, int drive_number, int cameras) {
  if (!std::regex_match(date, std::regex(R"(\d{4}_\d{2}_\d{2})")))
    throw std::invalid_argument("drive date must look like 2011_09_26, got '" + date + "'");
  if (drive_number < 0 || drive_number > 9999)
    throw std::invalid_argument("drive number must be 0..9999, got " + std::to_string(drive_number));
  char number[8];
  std::snprintf(number, sizeof number, "%04d", drive_number);
  date_dir_ = out / date;
  drive_dir_ = date_dir_ / (date + "_drive_" + number + "_sync");
  std::vector<std::string> sensors{"velodyne_points", "oxts"};
  for (int c = 0; c < cameras; ++c) sensors.push_back("image_0" + std::to_string(2 + c));
  std::error_code ec;
  for (const char* stale : {"image_02", "image_03", "velodyne_points", "oxts"}) fs::remove_all(drive_dir_ / stale, ec);
  fs::remove(drive_dir_ / "tracklet_labels.xml", ec);
  fs::remove(drive_dir_ / "injected.json", ec);
  for (const auto& sensor : sensors) {
    fs::create_directories(drive_dir_ / sensor / "data", ec);
    if (ec) throw std::runtime_error("cannot create " + (drive_dir_ / sensor / "data").string() + ": " + ec.message());
  }
}

void KittiRawWriter::write_text(const fs::path& file, const std::string& text) const {
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out.write(text.data(), static_cast<std::streamsize>(text.size()));
  if (!out) throw std::runtime_error("cannot write " + file.string());
}

void KittiRawWriter::write_timestamps(const std::string& sensor, const std::string& file_name,
                                      const std::vector<TimestampNs>& stamps) const {
  // KITTI writes the car's local wall clock; the reader converts it back, so the catalog gets `stamps` exactly.
  std::string text;
  for (TimestampNs t : stamps) text += format_kitti_timestamp(utc_to_local(t, kTimeZone)) + "\n";
  write_text(drive_dir_ / sensor / file_name, text);
}

fs::path KittiRawWriter::data_file(const std::string& sensor, int frame, const char* extension) const {
  char name[32];
  std::snprintf(name, sizeof name, "%010d.%s", frame, extension);
  return drive_dir_ / sensor / "data" / name;
}

fs::path KittiRawWriter::data_file(const std::string& sensor, int frame) const {
  const char* extension = sensor == "velodyne_points" ? "bin" : sensor == "oxts" ? "txt" : "png";
  return data_file(sensor, frame, extension);
}

void KittiRawWriter::write_velodyne(int frame, const std::vector<float>& xyzi) const {
  const fs::path file = data_file("velodyne_points", frame, "bin");
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(xyzi.data()), static_cast<std::streamsize>(xyzi.size() * sizeof(float)));
  if (!out) throw std::runtime_error("cannot write " + file.string());
}

void KittiRawWriter::write_image(const std::string& camera, int frame, const cv::Mat& bgr) const {
  const fs::path file = data_file(camera, frame, "png");
  if (!cv::imwrite(file.string(), bgr)) throw std::runtime_error("cannot write " + file.string());
}

void KittiRawWriter::write_oxts(int frame, const std::string& record) const {
  write_text(data_file("oxts", frame, "txt"), record + "\n");
}

}  // namespace dc::core::generator
