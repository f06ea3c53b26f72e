#pragma once
#include "dc/core/catalog/tag_repository.h"
#include "dc/core/export/export_options.h"
#include "dc/core/util/progress.h"

#include <filesystem>
#include <vector>

namespace dc::core {

class Catalog;

// Writes samples of a catalog as a KITTI object split (image_2, velodyne, calib, label_2, ImageSets, manifest.json).
// Everything is staged in `.NAME.partial-XXXXXX` beside the target and renamed into place at the end, so a failed
// or cancelled export leaves no folder under the final name. Output names are NNNNNN only: nothing from the
// catalog (drive, tag or collection names) becomes a path.
class KittiObjectExporter {
public:
  explicit KittiObjectExporter(const Catalog& catalog) : catalog_(catalog) {}

  // Throws std::invalid_argument for an existing non-empty target, an unknown sample, source or review state, or a
  // sample without payload or calibration; Cancelled when progress.cancelled() became true. The staging folder is
  // removed then.
  ExportResult run(const std::vector<SampleRef>& samples, const std::filesystem::path& target,
                   const ExportOptions& options, const Progress& progress = {}) const;

private:
  const Catalog& catalog_;
};

}  // namespace dc::core
