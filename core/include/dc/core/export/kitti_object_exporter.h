#pragma once
#include "dc/core/catalog/tag_repository.h"
#include "dc/core/util/progress.h"

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace dc::core {

class Catalog;

// Which calibration calib/*.txt and the camera-frame labels come from.
enum class KittiCalibrationChoice {
  File,     // the drive's own (what was ingested)
  Refined,  // the newest refined one (calib-check) covering the sample and the camera; the file's where none does
};

struct KittiExportOptions {
  // Label sources written to label_2: "gt", "auto", "model", "manual"; "model:NAME" keeps one named model run.
  std::vector<std::string> sources{"gt"};
  // Share of samples for ImageSets/val.txt. Whole drives go to one side (samples of one drive are correlated, so a
  // drive split across train and val would leak); drives are shuffled with `seed` and moved to val while that
  // brings val closer to the share. With a single drive everything is train.
  double val_fraction = 0.2;
  std::uint64_t seed = 1;
  std::string camera;  // camera sensor for image_2/P2; "" = the drive's first color camera
  KittiCalibrationChoice calibration = KittiCalibrationChoice::File;
  // Boxes whose projection misses the exported camera's image (or that lie behind it) become DontCare rows: a
  // detector trained on image_2 cannot see them, and KITTI's evaluation ignores detections there.
  bool dont_care_outside_view = false;
};

struct KittiExportResult {
  std::filesystem::path target;
  int samples = 0;
  int labels = 0;  // label_2 rows without DontCare
  int outside_view = 0;           // boxes written as DontCare by dont_care_outside_view
  int refined = 0;                // samples exported with a refined calibration
  int calibration_fallbacks = 0;  // samples that asked for a refined calibration but got the file's
  int train = 0, val = 0;
  int linked = 0, copied = 0, written = 0;  // payload files hard-linked / copied; files generated
};

// Writes samples of a catalog as a KITTI object split (image_2, velodyne, calib, label_2, ImageSets, manifest.json).
// Everything is staged in `.NAME.partial-XXXXXX` beside the target and renamed into place at the end, so a failed
// or cancelled export leaves no folder under the final name. Output names are NNNNNN only: nothing from the
// catalog (drive, tag or collection names) becomes a path.
class KittiObjectExporter {
public:
  explicit KittiObjectExporter(const Catalog& catalog) : catalog_(catalog) {}

  // Throws std::invalid_argument for an existing non-empty target, an unknown sample or source, or a sample without
  // payload or calibration; Cancelled when progress.cancelled() became true. The staging folder is removed then.
  KittiExportResult run(const std::vector<SampleRef>& samples, const std::filesystem::path& target,
                        const KittiExportOptions& options, const Progress& progress = {}) const;

private:
  const Catalog& catalog_;
};

}  // namespace dc::core
