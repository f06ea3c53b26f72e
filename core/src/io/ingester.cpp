#include "dc/core/io/ingester.h"

#include "dc/core/catalog/catalog_error.h"
#include "dc/core/io/parse_error.h"
#include "dc/core/io/reader_registry.h"
#include "dc/core/util/logging.h"

#include <algorithm>
#include <set>

namespace dc::core {

namespace fs = std::filesystem;

namespace {
constexpr int kMaxDepth = 8;  // deep enough for <root>/<copies>/<date>/<drive>/..., bounded against loops
}

bool Ingester::collect(const fs::path& path, std::vector<FoundDrive>& found, std::set<fs::path>& visited, int depth,
                       std::vector<IngestError>& errors) {
  std::error_code ec;
  // Symbolic links are followed; the canonical path guards against loops and against one drive seen twice.
  const fs::path real = fs::canonical(path, ec);
  if (ec) {
    errors.push_back({path.string(), 0, "cannot resolve path: " + ec.message(), ""});
    return false;
  }
  if (!visited.insert(real).second) {
    if (fs::is_symlink(path, ec)) log_info(path.string() + ": link to a folder already visited, skipped");
    return std::any_of(found.begin(), found.end(), [&](const FoundDrive& f) {
      std::error_code e;
      return fs::canonical(f.path, e) == real;
    });
  }
  if (const DriveReader* reader = detect_reader(path)) {
    found.push_back({path, reader});
    return true;  // a drive's own subfolders are the reader's business
  }
  if (depth == 0 && !fs::is_directory(real, ec)) {
    // A file given by name that is no drive by itself (a KITTI timestamps.txt, tracklet_labels.xml, a .bin): the
    // drive that holds it, a few folders up.
    fs::path up = path.parent_path();
    for (int level = 0; level < 4 && !up.empty() && up != up.root_path(); ++level, up = up.parent_path()) {
      if (const DriveReader* reader = detect_reader(up)) {
        if (visited.insert(fs::canonical(up, ec)).second) found.push_back({up, reader});
        log_info(path.string() + ": part of the drive " + up.string() + ", which is ingested");
        return true;
      }
    }
    return false;
  }
  if (depth >= kMaxDepth || !fs::is_directory(real, ec)) return false;
  std::vector<fs::path> children;
  for (const auto& entry : fs::directory_iterator(path, fs::directory_options::skip_permission_denied, ec)) {
    if (entry.path().filename().string().rfind('.', 0) == 0) continue;
    if (entry.is_directory(ec) || detect_reader(entry.path())) children.push_back(entry.path());
  }
  std::sort(children.begin(), children.end());
  bool any = false;
  for (const auto& child : children) any = collect(child, found, visited, depth + 1, errors) || any;
  return any;
}

IngestReport Ingester::ingest(const std::vector<fs::path>& paths, const Progress& progress) {
  IngestReport report;
  std::vector<FoundDrive> found;
  std::set<fs::path> visited, given;
  for (const auto& p : paths) {
    std::error_code ec;
    const fs::path abs = fs::absolute(p, ec).lexically_normal();
    if (!fs::exists(abs, ec)) {
      report.errors.push_back({abs.string(), 0, "no such file or folder", ""});
      continue;
    }
    const fs::path real = fs::canonical(abs, ec);
    if (!given.insert(real).second) continue;  // the same path given twice counts once
    if (!collect(abs, found, visited, 0, report.errors)) {
      const bool folder = fs::is_directory(abs, ec);
      const bool empty = folder && fs::directory_iterator(abs, ec) == fs::directory_iterator();
      std::string known;
      for (const auto& r : reader_registry()) known += (known.empty() ? "" : ", ") + r->format();
      report.errors.push_back({abs.string(), 0,
                               empty ? "empty folder: no drive found"
                                     : std::string(folder ? "no known drive layout found" : "not a known drive file") +
                                           " (formats: " + known +
                                           "; KITTI raw: '*_drive_*_sync' folders, KITTI object: 'training'/'testing' "
                                           "folders with calib/ and velodyne/ or image_2/)",
                               ""});
    }
  }

  for (std::size_t i = 0; i < found.size(); ++i) {
    if (progress.cancelled()) throw Cancelled();
    const auto& [path, reader] = found[i];
    const double total = static_cast<double>(found.size());
    progress(static_cast<double>(i), total, "reading " + path.string());
    try {
      // Cancel is checked between files inside the reader too.
      Progress reading{[&](double done, double of, const std::string& message) {
                         progress(static_cast<double>(i) + 0.5 * (of > 0 ? done / of : 0), total, message);
                       },
                       progress.cancel};
      for (Drive& drive : reader->read(path, reading)) {
        progress(static_cast<double>(i) + 0.5, total, "storing " + drive.name);
        report.stats += catalog_.store_drive(drive);
        report.drives.push_back(drive.name);
        for (auto e : drive.errors) {
          if (e.drive.empty()) e.drive = drive.name;
          report.errors.push_back(std::move(e));
        }
        log_info("ingested " + drive.name + " (" + drive.format + ") from " + drive.root + ": " +
                 std::to_string(drive.frames.size()) + " frames, " + std::to_string(drive.labels.size()) +
                 " labels, " + std::to_string(drive.errors.size()) + " problems");
      }
    } catch (const Cancelled&) {
      throw;
    } catch (const ParseError& e) {
      report.errors.push_back({e.file().string(), e.line(), e.message(), path.filename().string()});
    } catch (const CatalogError&) {
      throw;  // the catalog itself failed: nothing more can be stored
    } catch (const std::exception& e) {
      report.errors.push_back({path.string(), 0, e.what(), path.filename().string()});
    }
  }
  // Errors that belong to no stored drive (bad paths, unreadable drives) are recorded too.
  std::vector<IngestError> unattached;
  for (const auto& e : report.errors)
    if (std::find(report.drives.begin(), report.drives.end(), e.drive) == report.drives.end()) unattached.push_back(e);
  report.stats.errors_added += catalog_.record_errors(unattached);
  for (const auto& e : report.errors)
    log_warning(e.path + (e.line ? ":" + std::to_string(e.line) : std::string()) + ": " + e.message);
  progress(static_cast<double>(found.size()), static_cast<double>(found.size()), "done");
  return report;
}

}  // namespace dc::core
