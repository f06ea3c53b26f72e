#include "export_commands.h"

#include "progress_printer.h"

#include "dc/core/export/kitti_object_exporter.h"

namespace dc::app::cli {

ExportCommands::ExportCommands(CLI::App& app) {
  auto* exp = app.add_subcommand("export", "write curated samples as a training dataset");
  exp->require_subcommand(1);
  kitti_object_ = exp->add_subcommand(
      "kitti-object", "a collection as a KITTI object split (image_2, velodyne, calib, label_2, ImageSets, "
                      "manifest.json); whole drives go to train or val");
  kitti_object_->add_option("--collection", collection_, "collection to export")->required();
  kitti_object_->add_option("--out", out_, "new or empty target folder")->required();
  kitti_object_->add_option("--sources", sources_, "label sources: gt, auto, model, model:NAME, manual (default gt)")
      ->delimiter(',');
  kitti_object_->add_option("--val-fraction", val_fraction_, "share of samples for val.txt (default 0.2)")
      ->check(CLI::Range(0.0, 1.0));
  kitti_object_->add_option("--seed", seed_, "seed of the drive shuffle for the split (default 1)");
  kitti_object_->add_option("--camera", camera_, "camera sensor for image_2 (default: the first color camera)");
  kitti_object_
      ->add_option("--calibration", calibration_,
                   "file (default) or refined: the newest calib-check refinement covering each sample, the file's "
                   "where none does")
      ->check(CLI::IsMember({"file", "refined"}));
  kitti_object_->add_flag("--dontcare-outside-view", dont_care_outside_view_,
                          "write boxes outside the camera's image (or behind it) as DontCare rows");
}

std::optional<int> ExportCommands::dispatch(const Options& o) const {
  if (*kitti_object_) return kitti_object(o);
  return std::nullopt;
}

int ExportCommands::kitti_object(const Options& o) const {
  core::Catalog catalog(catalog_path(o));
  if (!catalog.tag_repository().find_collection(collection_))
    throw std::invalid_argument("no collection '" + collection_ + "' (see 'drivecurator-cli collection list')");
  core::KittiExportOptions options;
  options.sources = sources_;
  options.val_fraction = val_fraction_;
  options.seed = seed_;
  options.camera = camera_;
  options.calibration = calibration_ == "refined" ? core::KittiCalibrationChoice::Refined
                                                  : core::KittiCalibrationChoice::File;
  options.dont_care_outside_view = dont_care_outside_view_;
  dc::app::install_interrupt_handler();  // Ctrl-C: the staging folder is removed, the target never appears
  ProgressPrinter printer("export", o.quiet);
  const auto r = core::KittiObjectExporter(catalog).run(catalog.tag_repository().collection(collection_), out_,
                                                        options, printer.progress());
  printer.finish();
  if (o.json)
    print_json(json{{"out", r.target.string()}, {"samples", r.samples}, {"labels", r.labels}, {"train", r.train},
                    {"val", r.val}, {"linked", r.linked}, {"copied", r.copied}, {"written", r.written},
                    {"outside_view", r.outside_view}, {"refined", r.refined},
                    {"calibration_fallbacks", r.calibration_fallbacks}});
  else
    std::cout << "exported " << r.samples << " samples (" << r.train << " train, " << r.val << " val), " << r.labels
              << " labels to " << printable(r.target.string()) << " (" << r.linked << " files hard-linked, "
              << r.copied << " copied)\n";
  if (!o.json && options.calibration == core::KittiCalibrationChoice::Refined)
    std::cout << r.refined << " samples with a refined calibration, " << r.calibration_fallbacks
              << " with the file's (no refinement covers them)\n";
  if (!o.json && options.dont_care_outside_view)
    std::cout << r.outside_view << " boxes outside the camera's view written as DontCare\n";
  return kOk;
}

}  // namespace dc::app::cli
