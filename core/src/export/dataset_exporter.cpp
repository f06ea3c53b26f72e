#include "dc/core/export/dataset_exporter.h"

#include "dc/core/catalog/catalog.h"
#include "dc/core/export/kitti_object_exporter.h"
#include "dc/core/export/kitti_raw_exporter.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <stdexcept>

namespace dc::core {

const char* to_string(ExportFormat format) {
  return format == ExportFormat::KittiRaw ? "kitti-raw" : "kitti-object";
}

ExportFormat export_format_from_string(const std::string& text) {
  if (text == "kitti-object") return ExportFormat::KittiObject;
  if (text == "kitti-raw") return ExportFormat::KittiRaw;
  throw std::invalid_argument("unknown export format '" + text + "' (use kitti-object or kitti-raw)");
}

ExportResult DatasetExporter::run(const std::string& collection, ExportFormat format,
                                  const std::filesystem::path& target, const ExportOptions& options,
                                  const Progress& progress) {
  if (!catalog_.tag_repository().find_collection(collection))
    throw std::invalid_argument("no collection '" + collection + "' (see 'drivecurator-cli collection list')");
  const auto samples = catalog_.tag_repository().collection(collection);
  if (samples.empty()) throw std::invalid_argument("collection '" + collection + "' has no samples");
  const ExportResult r = format == ExportFormat::KittiRaw
                             ? KittiRawExporter(catalog_).run(samples, target, options, progress)
                             : KittiObjectExporter(catalog_).run(samples, target, options, progress);
  const nlohmann::json summary = {{"drives", r.drives},
                                  {"samples", r.samples},
                                  {"labels", r.labels},
                                  {"excluded_by_review", r.excluded_by_review},
                                  {"train", r.train},
                                  {"val", r.val},
                                  {"sources", options.sources},
                                  {"review", options.review},
                                  {"train_fraction", options.train_fraction},
                                  {"seed", options.seed},
                                  {"linked", r.linked},
                                  {"copied", r.copied},
                                  {"written", r.written},
                                  {"payload_bytes", r.payload_bytes}};
  const auto now = std::chrono::duration_cast<std::chrono::nanoseconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  catalog_.export_repository().record(collection, to_string(format), r.target.string(), now,
                                      summary.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  return r;
}

}  // namespace dc::core
