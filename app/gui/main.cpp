#include "dark_theme.h"
#include "main_window.h"

#include "dc/core/catalog/catalog.h"
#include "dc/core/util/logging.h"
#include "dc/widgets/surface_format.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QTimer>

#include <cstdio>

int main(int argc, char** argv) {
  dc::widgets::use_vtk_surface_format();

  QApplication app(argc, argv);
  QApplication::setApplicationName("drivecurator");
  QApplication::setOrganizationName("DriveCurator");
  QApplication::setApplicationVersion("0.1.0");
  dc::app::apply_dark_theme(app);

  QCommandLineParser parser;
  parser.setApplicationDescription("DriveCurator workstation: browse drives, see lidar and cameras fused.");
  parser.addHelpOption();
  parser.addVersionOption();
  QCommandLineOption catalog_option("catalog", "Catalog file.", "path",
                                    QString::fromStdString(dc::core::Catalog::default_path().string()));
  QCommandLineOption drive_option("drive", "Open this drive (name or id).", "name");
  QCommandLineOption sample_option("sample", "Start at this sample (0-based).", "n", "0");
  QCommandLineOption screenshot_option("screenshot", "Save the window to a PNG once the sample shows, then quit.",
                                       "file");
  parser.addOptions({catalog_option, drive_option, sample_option, screenshot_option});
  parser.process(app);
  bool sample_ok = false;
  const int sample = parser.value(sample_option).toInt(&sample_ok);
  if (!sample_ok || sample < 0) {
    std::fprintf(stderr, "drivecurator: --sample must be a non-negative integer, got '%s'\n",
                 qPrintable(parser.value(sample_option)));
    return 2;
  }

  dc::core::init_logging();  // file + the ring Help → Show log reads
  dc::core::log_info("drivecurator " + QApplication::applicationVersion().toStdString() + " started");

  dc::app::MainWindow window(parser.value(catalog_option));
  window.show();
  if (parser.isSet(drive_option)) {
    if (!window.open_drive(parser.value(drive_option), sample))
      std::fprintf(stderr, "drivecurator: no drive '%s' in %s\n", qPrintable(parser.value(drive_option)),
                   qPrintable(window.catalog_path()));
  } else if (!window.open_single_drive(sample) && parser.isSet(sample_option)) {
    std::fprintf(stderr, "drivecurator: --sample needs --drive when %s does not hold exactly one drive\n",
                 qPrintable(window.catalog_path()));
  }

  if (parser.isSet(screenshot_option)) {
    const QString file = parser.value(screenshot_option);
    auto shoot = [&window, file] {
      window.grab().save(file);
      QApplication::quit();
    };
    // After the sample's data is on screen (or after a timeout when there is none).
    QObject::connect(&window, &dc::app::MainWindow::sample_shown, &window,
                     [shoot] { QTimer::singleShot(1500, shoot); });
    QTimer::singleShot(30000, &window, shoot);
  }
  return QApplication::exec();
}
