#include "passes/data_qc/image_checks.h"

#include "passes/data_qc/frame_runs.h"

namespace dc::core::data_qc {

namespace {
std::string verb(const std::vector<Flag>& run, const char* one, const char* many) {
  return run.size() == 1 ? one : many;
}
}  // namespace

void check_images(const std::string& sensor, const std::vector<FrameRecord>& records, const QcSettings& settings,
                  FindingWriter& out) {
  std::vector<Flag> black, bright, blurred, frozen;
  std::vector<double> sharpness;
  for (std::size_t p = 0; p < records.size(); ++p) {
    const auto& img = records[p].image;
    if (!img) continue;
    const Frame* f = records[p].frame;
    if (img->mean < settings.image_black_mean) {
      black.push_back({p, f, img->mean});
      continue;  // a black frame is also flat and may repeat a black one: one finding explains it
    }
    if (img->saturated_fraction > settings.image_overexposed_fraction)
      bright.push_back({p, f, img->saturated_fraction});
    else
      sharpness.push_back(img->laplacian_variance);  // saturated areas are flat: no measure of focus
    if (img->diff_to_previous >= 0 && img->diff_to_previous < settings.image_frozen_mad)
      frozen.push_back({p, f, img->diff_to_previous});
  }

  // Sharpness is only comparable within one camera and needs enough frames for a typical value.
  const double median_sharpness = median_of(sharpness);
  if (static_cast<int>(sharpness.size()) >= settings.min_frames_for_stats) {
    for (std::size_t p = 0; p < records.size(); ++p) {
      const auto& img = records[p].image;
      if (img && img->mean >= settings.image_black_mean &&
          img->saturated_fraction <= settings.image_overexposed_fraction &&
          img->laplacian_variance < settings.image_blur_ratio * median_sharpness)
        blurred.push_back({p, records[p].frame, img->laplacian_variance});
    }
  }

  for (const auto& run : consecutive_runs(black)) {
    const auto frames = frames_of(run);
    std::string message =
        sensor + ": " + out.frames_label(frames) + verb(run, " is", " are") + " black (mean gray level ";
    message += run.size() == 1 ? fixed(run[0].value.get<double>(), 1) : "below " + fixed(settings.image_black_mean, 1);
    message += ", limit " + fixed(settings.image_black_mean, 1) + ")";
    out.add_run("image-black", Severity::Warning, sensor, frames, message,
                {{"mean", values_of(run)}, {"black_mean", settings.image_black_mean}});
  }
  for (const auto& run : consecutive_runs(bright)) {
    const auto frames = frames_of(run);
    std::string message = sensor + ": " + out.frames_label(frames) + verb(run, " is", " are") + " overexposed (";
    message += run.size() == 1 ? fixed(100 * run[0].value.get<double>(), 0) + "%"
                               : "over " + fixed(100 * settings.image_overexposed_fraction, 0) + "%";
    message += " of the pixels saturated)";
    out.add_run("image-overexposed", Severity::Warning, sensor, frames, message,
                {{"saturated_fraction", values_of(run)},
                 {"max_fraction", settings.image_overexposed_fraction},
                 {"saturation_level", settings.image_saturation_level}});
  }
  for (const auto& run : consecutive_runs(blurred)) {
    const auto frames = frames_of(run);
    std::string message =
        sensor + ": " + out.frames_label(frames) + verb(run, " is", " are") + " blurred (Laplacian variance ";
    message += run.size() == 1 ? fixed(run[0].value.get<double>(), 1)
                               : "below " + fixed(settings.image_blur_ratio * median_sharpness, 1);
    message += ", camera median " + fixed(median_sharpness, 1) + ")";
    out.add_run("image-blurred", Severity::Warning, sensor, frames, message,
                {{"laplacian_variance", values_of(run)},
                 {"median_laplacian_variance", median_sharpness},
                 {"blur_ratio", settings.image_blur_ratio}});
  }
  for (const auto& run : consecutive_runs(frozen)) {
    const auto frames = frames_of(run);
    std::string message = sensor + ": " + out.frames_label(frames) +
                          verb(run, " repeats the frame before it", " each repeat the frame before") +
                          " (mean difference " + fixed(run[0].value.get<double>(), 2) + " gray levels; frozen camera?)";
    out.add_run("image-frozen", Severity::Warning, sensor, frames, message,
                {{"mean_abs_difference", values_of(run)}, {"frozen_mad", settings.image_frozen_mad}});
  }
}

}  // namespace dc::core::data_qc
