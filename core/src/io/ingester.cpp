#include "dc/core/io/ingester.h"

#include "dc/core/catalog/catalog_error.h"
#include "dc/core/io/parse_error.h"
#include "dc/core/io/reader_registry.h"

#include <algorithm>

namespace dc::core {

namespace fs = std::filesystem;

namespace {
constexpr int kMaxDepth = 8;  // deep enough for <root>/<copies>/<date>/<drive>/..., bounded against loops
}

void Ingester::collect(const fs::path& folder, std::vector<FoundDrive>& drives, int depth) {
  if (const DriveReader* reader = detect_reader(folder)) {
    drives.push_back({folder, reader});
    return;  // a drive's own subfolders are the reader's business
  }
  if (depth >= kMaxDepth) return;
  std::vector<fs::path> children;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(folder, fs::directory_options::skip_permission_denied, ec)) {
    if (entry.is_directory(ec) && !entry.is_symlink(ec) && entry.path().filename().string().rfind('.', 0) != 0)
      children.push_back(entry.path());
  }
  std::sort(children.begin(), children.end());
  for (const auto& child : children) collect(child, drives, depth + 1);
}

IngestReport Ingester::ingest(const std::vector<fs::path>& paths, const Progress& progress) {
  IngestReport report;
  std::vector<FoundDrive> drives;
  for (const auto& p : paths) {
    std::error_code ec;
    fs::path abs = fs::weakly_canonical(fs::absolute(p), ec);
    if (ec) abs = fs::absolute(p);
    if (!fs::exists(abs)) {
      report.errors.push_back({abs.string(), 0, "no such file or folder", ""});
      continue;
    }
    if (!fs::is_directory(abs)) {
      report.errors.push_back({abs.string(), 0, "not a folder: give a drive folder or a folder that contains drives", ""});
      continue;
    }
    std::size_t before = drives.size();
    collect(abs, drives, 0);
    if (drives.size() == before) {
      bool empty = fs::directory_iterator(abs, ec) == fs::directory_iterator();
      report.errors.push_back(
          {abs.string(), 0,
           empty ? "empty folder: no drive found"
                 : "no known drive layout found (looked for KITTI raw '*_drive_*_sync' folders and KITTI object "
                   "'training'/'testing' folders with calib/ and velodyne/ or image_2/)",
           ""});
    }
  }

  for (std::size_t i = 0; i < drives.size(); ++i) {
    if (progress.cancelled()) throw Cancelled();
    const auto& [folder, reader] = drives[i];
    progress(static_cast<double>(i), static_cast<double>(drives.size()), "reading " + folder.string());
    try {
      Drive drive = reader->read_single(folder, progress);
      progress(static_cast<double>(i) + 0.5, static_cast<double>(drives.size()), "storing " + drive.name);
      report.stats += catalog_.store_drive(drive);
      report.drives.push_back(drive.name);
      for (auto e : drive.errors) {
        if (e.drive.empty()) e.drive = drive.name;
        report.errors.push_back(std::move(e));
      }
    } catch (const ParseError& e) {
      report.errors.push_back({e.file().string(), e.line(), e.message(), folder.filename().string()});
    } catch (const CatalogError&) {
      throw;  // the catalog itself failed: nothing more can be stored
    } catch (const std::exception& e) {
      report.errors.push_back({folder.string(), 0, e.what(), folder.filename().string()});
    }
  }
  // Errors that belong to no stored drive (bad paths, unreadable drives) are recorded too.
  std::vector<IngestError> unattached;
  for (const auto& e : report.errors)
    if (std::find(report.drives.begin(), report.drives.end(), e.drive) == report.drives.end()) unattached.push_back(e);
  report.stats.errors_added += catalog_.record_errors(unattached);
  progress(static_cast<double>(drives.size()), static_cast<double>(drives.size()), "done");
  return report;
}

}  // namespace dc::core
