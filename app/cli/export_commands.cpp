#include "export_commands.h"

#include "progress_printer.h"

#include "dc/core/export/dataset_exporter.h"
#include "dc/core/model/time_stamp.h"

namespace dc::app::cli {

ExportCommands::ExportCommands(CLI::App& app) {
  export_ = app.add_subcommand("export", "write a collection as a training dataset (KITTI object or raw layout)");
  export_->require_subcommand(0, 1);
  export_->add_option("collection", collection_, "collection to export");
  export_
      ->add_option("--format", format_,
                   "kitti-object (one NNNNNN frame per sample, ImageSets split) or kitti-raw (whole drives, "
                   "DATE/DATE_drive_NNNN_sync with tracklets)")
      ->check(CLI::IsMember({"kitti-object", "kitti-raw"}));
  export_->add_option("--out", out_, "new or empty target folder");
  export_->add_option("--split", split_, "train fraction (default 0.8); whole drives go to train or val")
      ->check(CLI::Range(0.0, 1.0));
  export_->add_option("--seed", seed_, "seed of the drive shuffle for the split (default 1)");
  export_->add_option("--sources", sources_, "label sources: gt, auto, model, model:NAME, manual (default gt)")
      ->delimiter(',');
  export_
      ->add_option("--review", review_,
                   "review states of the labels written: unreviewed, accepted, fixed, rejected (default "
                   "unreviewed,accepted,fixed)")
      ->delimiter(',');
  export_->add_option("--camera", camera_,
                      "kitti-object: camera sensor for image_2; kitti-raw: the camera whose refinement "
                      "--calibration refined applies (default: the first color camera)");
  export_
      ->add_option("--calibration", calibration_,
                   "file (default) or refined: kitti-object: the newest calib-check refinement covering each "
                   "sample, the file's where none does; kitti-raw: per drive the refinement covering most samples")
      ->check(CLI::IsMember({"file", "refined"}));
  export_->add_flag("--dontcare-outside-view", dont_care_outside_view_,
                    "kitti-object: write boxes outside the camera's image (or behind it) as DontCare rows");
  export_->add_flag("--copy", copy_, "copy payload files (reflink where possible) instead of hard-linking them");
  list_ = export_->add_subcommand("list", "exports made from this catalog, newest first");
}

std::optional<int> ExportCommands::dispatch(const Options& o) const {
  if (!*export_) return std::nullopt;
  if (*list_) return list(o);
  return export_collection(o);
}

int ExportCommands::export_collection(const Options& o) const {
  if (collection_.empty() || format_.empty() || out_.empty())
    throw std::invalid_argument("usage: export COLLECTION --format kitti-object|kitti-raw --out DIR (or: export list)");
  core::Catalog catalog(catalog_path(o));
  core::ExportOptions options;
  options.sources = sources_;
  options.review = review_;
  options.train_fraction = split_;
  options.seed = seed_;
  options.camera = camera_;
  options.calibration = calibration_ == "refined" ? core::KittiCalibrationChoice::Refined
                                                  : core::KittiCalibrationChoice::File;
  options.dont_care_outside_view = dont_care_outside_view_;
  options.copy_payloads = copy_;
  dc::app::install_interrupt_handler();  // Ctrl-C: the staging folder is removed, the target never appears
  ProgressPrinter printer("export", o.quiet, o.verbose);  // -v: a line per file written
  const auto format = core::export_format_from_string(format_);
  const auto r = core::DatasetExporter(catalog).run(collection_, format, out_, options, printer.progress());
  printer.finish();
  if (o.json) {
    print_json(json{{"out", r.target.string()}, {"format", format_}, {"drives", r.drives}, {"samples", r.samples},
                    {"labels", r.labels}, {"excluded_by_review", r.excluded_by_review}, {"train", r.train},
                    {"val", r.val}, {"linked", r.linked}, {"copied", r.copied}, {"written", r.written},
                    {"payload_bytes", r.payload_bytes}, {"outside_view", r.outside_view}, {"refined", r.refined},
                    {"calibration_fallbacks", r.calibration_fallbacks}});
    return kOk;
  }
  std::cout << "exported " << r.samples << " samples of " << r.drives << " drives as " << format_ << " (" << r.train
            << " train, " << r.val << " val), " << r.labels << " labels to " << printable(r.target.string()) << " ("
            << r.linked << " files hard-linked, " << r.copied << " copied)\n";
  if (r.excluded_by_review > 0)
    std::cout << r.excluded_by_review << " labels left out by their review state\n";
  if (options.calibration == core::KittiCalibrationChoice::Refined)
    std::cout << r.refined << " samples with a refined calibration, " << r.calibration_fallbacks
              << " with the file's (no refinement covers them)\n";
  if (options.dont_care_outside_view)
    std::cout << r.outside_view << " boxes outside the camera's view written as DontCare\n";
  return kOk;
}

int ExportCommands::list(const Options& o) const {
  core::Catalog catalog(catalog_path(o));
  const auto records = catalog.export_repository().list();
  if (o.json) {
    json out = json::array();
    for (const auto& r : records) {
      json summary = json::parse(r.manifest, nullptr, false);
      out.push_back({{"id", r.id},
                     {"collection", r.collection_id ? json(r.collection) : json()},
                     {"format", r.format},
                     {"path", r.path},
                     {"created_ns", r.created_ns},
                     {"created", core::format_iso8601(r.created_ns)},
                     {"summary", summary.is_discarded() ? json(r.manifest) : summary}});
    }
    print_json(out);
    return kOk;
  }
  if (records.empty()) std::cout << "no exports\n";
  for (const auto& r : records) {
    const json summary = json::parse(r.manifest, nullptr, false);
    auto number = [&](const char* key) {
      return summary.is_object() && summary.contains(key) ? summary[key].dump() : std::string("?");
    };
    std::cout << r.id << "  " << core::format_iso8601(r.created_ns) << "  " << r.format << "  "
              << (r.collection_id ? printable(r.collection) : std::string("(deleted collection)")) << "  "
              << number("samples") << " samples  " << number("labels") << " labels  " << printable(r.path) << "\n";
  }
  return kOk;
}

}  // namespace dc::app::cli
