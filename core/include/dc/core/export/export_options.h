#pragma once
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace dc::core {

enum class ExportFormat {
  KittiObject,  // one NNNNNN frame per sample: image_2, velodyne, calib, label_2, ImageSets
  KittiRaw,     // whole drives: DATE/DATE_drive_NNNN_sync with sensor folders, tracklet_labels.xml, DATE/calib_*.txt
};
const char* to_string(ExportFormat format);          // "kitti-object", "kitti-raw"
ExportFormat export_format_from_string(const std::string& text);  // throws std::invalid_argument

// Which calibration calib/*.txt and the camera-frame labels come from.
enum class KittiCalibrationChoice {
  File,     // the drive's own (what was ingested)
  Refined,  // the newest refined one (calib-check) covering the sample and the camera; the file's where none does
};

struct ExportOptions {
  // Label sources written: "gt", "auto", "model", "manual"; "model:NAME" keeps one named model run.
  std::vector<std::string> sources{"gt"};
  // Review states of the labels written; rejected labels stay out unless named.
  std::vector<std::string> review{"unreviewed", "accepted", "fixed"};
  // Share of samples for train (ImageSets/train.txt; the manifest's split of each drive). Whole drives go to one side
  // (samples of one drive are correlated and a track lives in one drive, so a drive split across train and val would
  // leak); drives are shuffled with `seed` and moved to val while that brings val closer to 1 - train_fraction.
  double train_fraction = 0.8;
  std::uint64_t seed = 1;
  std::string camera;  // kitti-object: camera sensor for image_2/P2; "" = the drive's first color camera
  KittiCalibrationChoice calibration = KittiCalibrationChoice::File;
  // kitti-object: boxes whose projection misses the exported camera's image (or that lie behind it) become DontCare
  // rows: a detector trained on image_2 cannot see them, and KITTI's evaluation ignores detections there.
  bool dont_care_outside_view = false;
  // Payloads are hard-linked where the filesystem allows it; with copy_payloads always copied (reflink or
  // copy_file_range), for an export that must not share inodes with the source.
  bool copy_payloads = false;
};

struct ExportResult {
  std::filesystem::path target;
  int drives = 0;
  int samples = 0;
  int labels = 0;        // label rows (kitti-object, without DontCare) or tracklet poses (kitti-raw) written
  int excluded_by_review = 0;     // labels of the chosen sources left out by their review state
  int outside_view = 0;           // boxes written as DontCare by dont_care_outside_view
  int refined = 0;                // samples exported with a refined calibration
  int calibration_fallbacks = 0;  // samples that asked for a refined calibration but got the file's
  int train = 0, val = 0;         // samples
  int linked = 0, copied = 0, written = 0;  // payload files hard-linked / copied; files generated
  std::uint64_t payload_bytes = 0;
};

}  // namespace dc::core
