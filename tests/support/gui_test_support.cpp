#include "gui_test_support.h"

#include "test_support.h"

#include <QTest>

#include <algorithm>
#include <cstdlib>

namespace dc::test {

std::size_t count_differing(const QImage& a, const QImage& b, int threshold) {
  std::size_t n = 0;
  for (int y = 0; y < a.height(); ++y)
    for (int x = 0; x < a.width(); ++x) {
      const QRgb p = a.pixel(x, y), q = b.pixel(x, y);
      n += std::abs(qRed(p) - qRed(q)) > threshold || std::abs(qGreen(p) - qGreen(q)) > threshold ||
           std::abs(qBlue(p) - qBlue(q)) > threshold;
    }
  return n;
}

// Baseline comparison. Set DC_UPDATE_BASELINES=1 to (re)write resources/baselines/<name> from this run instead
// of comparing, e.g. after an intended rendering change:
//   DC_UPDATE_BASELINES=1 xvfb-run -a -s "-screen 0 1600x1000x24" ctest -L gui
// Tolerance: mean absolute difference per channel below 3 levels and under 2% of pixels differing by more than
// 24 levels in any channel (absorbs rasterizer rounding, catches real changes).
void compare_with_baseline(const QImage& actual, const QString& name, const std::filesystem::path& work) {
  const QString path = QString::fromStdString((dc::test::resources_dir() / "baselines").string()) + "/" + name;
  actual.save(QString::fromStdString((work / ("actual_" + name.toStdString())).string()));
  if (qEnvironmentVariableIntValue("DC_UPDATE_BASELINES") == 1) {
    std::filesystem::create_directories(dc::test::resources_dir() / "baselines");
    QVERIFY2(actual.save(path), qPrintable("cannot write " + path));
    qInfo("baseline written: %s", qPrintable(path));
    return;
  }
  const QImage expected = QImage(path).convertToFormat(QImage::Format_RGB32);
  QVERIFY2(!expected.isNull(), qPrintable("missing baseline " + path + " (run with DC_UPDATE_BASELINES=1)"));
  QCOMPARE(actual.size(), expected.size());
  double sum[3] = {0, 0, 0};
  std::size_t differing = 0;
  QImage diff(actual.size(), QImage::Format_RGB32);
  for (int y = 0; y < actual.height(); ++y)
    for (int x = 0; x < actual.width(); ++x) {
      const QRgb p = actual.pixel(x, y), q = expected.pixel(x, y);
      const int d[3] = {std::abs(qRed(p) - qRed(q)), std::abs(qGreen(p) - qGreen(q)), std::abs(qBlue(p) - qBlue(q))};
      for (int c = 0; c < 3; ++c) sum[c] += d[c];
      const bool differs = std::max({d[0], d[1], d[2]}) > 24;
      differing += differs;
      diff.setPixel(x, y, differs ? qRgb(255, 0, 0) : qRgb(d[0] * 4 > 255 ? 255 : d[0] * 4, 0, 0));
    }
  diff.save(QString::fromStdString((work / ("diff_" + name.toStdString())).string()));
  const double pixels = static_cast<double>(actual.width()) * actual.height();
  const double fraction = differing / pixels;
  for (int c = 0; c < 3; ++c)
    QVERIFY2(sum[c] / pixels < 3.0,
             qPrintable(QString("%1: channel %2 mean abs diff %3").arg(name).arg(c).arg(sum[c] / pixels)));
  QVERIFY2(fraction < 0.02, qPrintable(QString("%1: %2% pixels differ").arg(name).arg(100 * fraction)));
}

void save_screenshot(const QImage& image, const QString& file_name, const std::filesystem::path& work) {
  image.save(QString::fromStdString((work / file_name.toStdString()).string()));
  // DC_SCREENSHOT_DIR: an extra copy for looking at the views by eye.
  const QString dir = qEnvironmentVariable("DC_SCREENSHOT_DIR");
  if (!dir.isEmpty()) image.save(dir + "/" + file_name);
}

}  // namespace dc::test
