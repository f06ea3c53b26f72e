// The Export dialog used like a person would: pick a collection and the KITTI raw format, type the folder, the
// train fraction and seed, untick a review state, run it, and find the dataset in the folder (labels checked against
// direct SQL); then a second run to another folder, cancelled while the progress bar moves, leaves nothing under
// that folder's name.
#include "dc/widgets/export_dialog.h"
#include "gui_test_support.h"
#include "test_support.h"

#include <QAbstractItemView>

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QtTest>

#include <nlohmann/json.hpp>

#include <filesystem>

using nlohmann::json;
namespace fs = std::filesystem;
using dc::test::run_cli;

namespace {

std::string sql(const std::string& catalog, const std::string& statement) {
  const auto r = dc::test::run_program("sqlite3", {catalog, statement});
  if (r.exit_code != 0) qFatal("sqlite3 failed: %s", r.err.c_str());
  return r.out;
}

template <typename T>
T* child(QWidget& parent, const char* name) {
  T* w = parent.findChild<T*>(name);
  if (!w) qFatal("no widget %s", name);
  return w;
}

void type_into(QWidget* w, const QString& text) {
  QTest::mouseClick(w, Qt::LeftButton);
  QTest::keyClick(w, Qt::Key_A, Qt::ControlModifier);  // select what is there, then type over it
  QTest::keyClicks(w, text);
}

// Clicks a check box on its box (its widget may be wider than the box and its text).
void tick(QCheckBox* box) { QTest::mouseClick(box, Qt::LeftButton, {}, QPoint(8, box->height() / 2)); }

}  // namespace

class TestExportDialog : public QObject {
  Q_OBJECT
  fs::path work_;
  std::string catalog_;

private slots:
  void initTestCase() {
    work_ = dc::test::fresh_work_dir("export_dialog");
    catalog_ = (work_ / "catalog.sqlite").string();
    auto r = run_cli({"generate", "--out", (work_ / "gen").string(), "--frames", "60", "--seed", "6", "--quiet"});
    QVERIFY2(r.exit_code == 0, r.err.c_str());
    r = run_cli({"--catalog", catalog_, "ingest", (work_ / "gen").string(), "--quiet"});
    QVERIFY2(r.exit_code == 0, r.err.c_str());
    r = run_cli({"--catalog", catalog_, "collection", "create", "all", "--query", "sample>=0"});
    QVERIFY2(r.exit_code == 0, r.err.c_str());
    r = run_cli({"--catalog", catalog_, "collection", "create", "first-half", "--query", "sample<30"});
    QVERIFY2(r.exit_code == 0, r.err.c_str());
    sql(catalog_, "UPDATE labels SET review = CASE id % 3 WHEN 0 THEN 'rejected' WHEN 1 THEN 'fixed' "
                  "ELSE 'unreviewed' END");
  }

  void exportFilledInByHand() {
    dc::widgets::ExportDialog dialog(catalog_);
    dialog.resize(700, 500);
    dialog.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dialog));
    auto* collection = child<QComboBox>(dialog, "collection");
    QCOMPARE(collection->count(), 2);
    QTest::mouseClick(collection, Qt::LeftButton);  // opens the list; typing picks the entry, Enter takes it
    QTest::qWait(200);
    QTest::keyClicks(collection->view(), "first");
    QTest::keyClick(collection->view(), Qt::Key_Return);
    QTRY_COMPARE(collection->currentData().toString(), QString("first-half"));
    auto* format = child<QComboBox>(dialog, "format");
    format->setFocus();
    QTest::keyClick(format, Qt::Key_Down);
    QCOMPARE(format->currentData().toString(), QString("kitti-raw"));
    QVERIFY(child<QComboBox>(dialog, "calibration")->isEnabled());  // file or refined, per drive
    QVERIFY(!child<QCheckBox>(dialog, "dont_care")->isEnabled());   // DontCare rows are kitti-object's
    const fs::path target = work_ / "out" / "raw";
    type_into(child<QLineEdit>(dialog, "folder"), QString::fromStdString(target.string()));
    type_into(child<QDoubleSpinBox>(dialog, "split"), "0.5");
    type_into(child<QSpinBox>(dialog, "seed"), "7");
    QCOMPARE(child<QDoubleSpinBox>(dialog, "split")->value(), 0.5);
    QCOMPARE(child<QSpinBox>(dialog, "seed")->value(), 7);
    QVERIFY(!child<QCheckBox>(dialog, "review_rejected")->isChecked());
    tick(child<QCheckBox>(dialog, "review_fixed"));
    QVERIFY(!child<QCheckBox>(dialog, "review_fixed")->isChecked());

    QSignalSpy finished(&dialog, &dc::widgets::ExportDialog::export_finished);
    QTest::mouseClick(child<QPushButton>(dialog, "export_button"), Qt::LeftButton);
    QVERIFY(dialog.is_running());
    QVERIFY(!child<QPushButton>(dialog, "close_button")->isEnabled());
    QTRY_VERIFY_WITH_TIMEOUT(!dialog.is_running(), 300000);
    QCOMPARE(finished.count(), 1);
    QVERIFY2(finished[0][0].toBool(), qPrintable(finished[0][1].toString()));
    QCOMPARE(child<QProgressBar>(dialog, "progress")->value(), child<QProgressBar>(dialog, "progress")->maximum());

    // The folder holds the whole drive (all 60 sweeps, not only the collection's 30) and exactly the unreviewed
    // ground truth.
    const fs::path drive = target / "2030_01_01" / "2030_01_01_drive_0001_sync";
    int sweeps = 0;
    for (const auto& e : fs::directory_iterator(drive / "velodyne_points" / "data")) sweeps += e.is_regular_file();
    QCOMPARE(sweeps, 60);
    for (const char* f : {"calib_cam_to_cam.txt", "calib_velo_to_cam.txt", "calib_imu_to_velo.txt"})
      QVERIFY(fs::exists(target / "2030_01_01" / f));
    const std::string xml = dc::test::read_text(drive / "tracklet_labels.xml");
    std::size_t poses = 0;
    for (std::size_t p = 0; (p = xml.find("<tx>", p)) != std::string::npos; ++p) ++poses;
    const auto expected = std::stoul(sql(catalog_, "SELECT count(*) FROM labels WHERE deleted = 0 AND source = 'gt' "
                                                   "AND review = 'unreviewed'"));
    QVERIFY(expected > 0);
    QCOMPARE(poses, expected);
    const json m = json::parse(dc::test::read_text(target / "manifest.json"));
    QCOMPARE(m["split"]["seed"].get<int>(), 7);
    QCOMPARE(m["split"]["train_fraction"].get<double>(), 0.5);
    QCOMPARE(m["drives"][0]["collection_samples"].size(), std::size_t(30));
    QCOMPARE(sql(catalog_, "SELECT format || ' ' || path FROM exports"), "kitti-raw " + target.string() + "\n");
    dc::test::save_screenshot(dialog.grab().toImage(), "export_dialog.png", work_);
  }

  void cancelledRunLeavesNothing() {
    dc::widgets::ExportDialog dialog(catalog_);
    dialog.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dialog));
    // The default collection is the first by name: "all", all 60 samples; object format; copies (slower: a real
    // copy of each payload), so the run is still going when Cancel is pressed.
    QCOMPARE(child<QComboBox>(dialog, "collection")->currentData().toString(), QString("all"));
    tick(child<QCheckBox>(dialog, "copy"));
    QVERIFY(child<QCheckBox>(dialog, "copy")->isChecked());
    const fs::path target = work_ / "out" / "cancelled";
    type_into(child<QLineEdit>(dialog, "folder"), QString::fromStdString(target.string()));
    QSignalSpy finished(&dialog, &dc::widgets::ExportDialog::export_finished);
    QTest::mouseClick(child<QPushButton>(dialog, "export_button"), Qt::LeftButton);
    auto* progress = child<QProgressBar>(dialog, "progress");
    while (dialog.is_running() && progress->value() == 0) QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
    QVERIFY2(dialog.is_running(), "the export ended before Cancel could be pressed");
    QTest::mouseClick(child<QPushButton>(dialog, "cancel_button"), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(!dialog.is_running(), 120000);
    QCOMPARE(finished.count(), 1);
    QVERIFY(!finished[0][0].toBool());
    QVERIFY2(child<QLabel>(dialog, "status")->text().startsWith("Cancelled"),
             qPrintable(child<QLabel>(dialog, "status")->text()));
    QVERIFY(!fs::exists(target));
    for (const auto& e : fs::directory_iterator(target.parent_path()))
      QVERIFY2(e.path().filename().string().find(".partial-") == std::string::npos, e.path().c_str());
    QCOMPARE(sql(catalog_, "SELECT count(*) FROM exports"), std::string("1\n"));  // only the finished one
    QVERIFY(child<QPushButton>(dialog, "export_button")->isEnabled());
  }
};

QTEST_MAIN(TestExportDialog)
#include "tst_export_dialog.moc"
