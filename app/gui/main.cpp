#include "main_window.h"

#include "dc/core/catalog.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QSurfaceFormat>
#include <QTimer>

int main(int argc, char** argv) {
  // VTK needs a 3.2+ core profile with depth; it must be the default before QApplication exists.
  QSurfaceFormat format;
  format.setVersion(3, 2);
  format.setProfile(QSurfaceFormat::CoreProfile);
  format.setDepthBufferSize(24);
  format.setStencilBufferSize(8);
  QSurfaceFormat::setDefaultFormat(format);

  QApplication app(argc, argv);
  QApplication::setApplicationName("drivecurator");
  QApplication::setOrganizationName("DriveCurator");

  QCommandLineParser parser;
  parser.setApplicationDescription("DriveCurator workstation");
  parser.addHelpOption();
  QCommandLineOption catalog_option("catalog", "Catalog file.", "path",
                                    QString::fromStdString(dc::core::Catalog::default_path().string()));
  parser.addOption(catalog_option);
  QCommandLineOption screenshot_option("screenshot", "Save the window to a PNG after it has loaded, then quit.",
                                       "file");
  parser.addOption(screenshot_option);
  parser.process(app);

  dc::app::MainWindow window(parser.value(catalog_option));
  window.show();
  if (parser.isSet(screenshot_option)) {
    const QString file = parser.value(screenshot_option);
    QTimer::singleShot(3000, &window, [&window, file] {
      window.grab().save(file);
      QApplication::quit();
    });
  }
  return QApplication::exec();
}
