// The real main window under Xvfb on a catalog with real KITTI drives.
#include "test_support.h"

#include "main_window.h"

#include "dc/core/catalog.h"
#include "dc/core/ingester.h"

#include <QAbstractItemModel>
#include <QApplication>
#include <QSurfaceFormat>
#include <QTableView>
#include <QTest>

class TestMainWindow : public QObject {
  Q_OBJECT
private slots:
  void listsCatalogDrives() {
    auto dir = dc::test::fresh_work_dir("gui_main_window");
    auto catalog = dir / "c.sqlite";
    {
      dc::core::Catalog c(catalog);
      dc::core::Ingester(c).ingest({dc::test::shared_data_dir()});
    }
    dc::app::MainWindow window(QString::fromStdString(catalog.string()));
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    auto* table = window.findChild<QTableView*>("drivesTable");
    QVERIFY(table);
    QCOMPARE(table->model()->rowCount(), 2);
    QStringList names;
    for (int r = 0; r < 2; ++r) names << table->model()->index(r, 0).data().toString();
    QVERIFY(names.contains("2011_09_26_drive_0001_sync"));
    QVERIFY(names.contains("kitti-object/training"));
    QImage shot = window.grab().toImage();
    QVERIFY(!shot.isNull());
    shot.save(QString::fromStdString((dir / "main_window.png").string()));
  }
};

int main(int argc, char** argv) {
  QSurfaceFormat format;
  format.setVersion(3, 2);
  format.setProfile(QSurfaceFormat::CoreProfile);
  format.setDepthBufferSize(24);
  QSurfaceFormat::setDefaultFormat(format);
  QApplication app(argc, argv);
  TestMainWindow t;
  return QTest::qExec(&t, argc, argv);
}
#include "tst_main_window.moc"
