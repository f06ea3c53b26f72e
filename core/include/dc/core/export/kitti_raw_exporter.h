#pragma once
#include "dc/core/catalog/tag_repository.h"
#include "dc/core/export/export_options.h"
#include "dc/core/util/progress.h"

#include <filesystem>
#include <vector>

namespace dc::core {

class Catalog;

// Writes the drives of the given samples, whole, in the KITTI raw layout: DATE/DATE_drive_NNNN_sync/ with
// image_0X/, velodyne_points/ and oxts/ (data/ + timestamps), tracklet_labels.xml from the chosen labels, and
// DATE/calib_cam_to_cam.txt, calib_velo_to_cam.txt, calib_imu_to_velo.txt; manifest.json at the top. Staged beside
// the target and renamed into place, so a failed or cancelled export leaves nothing under the final name. Folder
// and file names are made from dates and numbers only: a drive whose name is not DATE_drive_NNNN_sync gets the date
// of its first frame and a free number; sensors other than KITTI's six are not written (the manifest lists them).
class KittiRawExporter {
public:
  explicit KittiRawExporter(const Catalog& catalog) : catalog_(catalog) {}

  // Throws std::invalid_argument for an existing non-empty target, no samples, an unknown source or review state, a
  // drive without timestamps or calibration, or drives of one date with different calibrations; Cancelled when
  // progress.cancelled() became true.
  ExportResult run(const std::vector<SampleRef>& samples, const std::filesystem::path& target,
                   const ExportOptions& options, const Progress& progress = {}) const;

private:
  const Catalog& catalog_;
};

}  // namespace dc::core
