#pragma once
#include <QImage>
#include <QString>

#include <cstddef>
#include <filesystem>

namespace dc::test {

// Pixels whose channels differ by more than `threshold` between two images of the same size.
std::size_t count_differing(const QImage& a, const QImage& b, int threshold = 8);

// Compares a rendering with resources/baselines/<name> (records Qt Test failures). With DC_UPDATE_BASELINES=1 the
// baseline is written from this run instead. actual_/diff_ images go to `work` for inspection.
void compare_with_baseline(const QImage& actual, const QString& name, const std::filesystem::path& work);

// Saves a screenshot into `work`, plus a copy into $DC_SCREENSHOT_DIR when set.
void save_screenshot(const QImage& image, const QString& file_name, const std::filesystem::path& work);

}  // namespace dc::test
