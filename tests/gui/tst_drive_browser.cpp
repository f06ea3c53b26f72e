#include "dc/core/catalog/catalog.h"
#include "dc/widgets/drive_browser.h"
#include "dc/core/data/drive_session.h"
#include "dc/widgets/drive_table_model.h"
#include "dc/widgets/ingest_runner.h"
#include "test_support.h"

#include <QHeaderView>
#include <QLineEdit>
#include <QPointer>
#include <QProgressDialog>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QtTest>
#include <filesystem>

using namespace dc::widgets;
namespace fs = std::filesystem;

namespace {
dc::core::DriveSummary summary(std::int64_t id, std::string name, std::string format, dc::core::TimestampNs start,
                               std::int64_t samples, std::vector<std::string> sensors) {
  dc::core::DriveSummary d;
  d.id = id;
  d.name = std::move(name);
  d.format = std::move(format);
  d.root = "/data/" + d.name;
  d.start_ns = start;
  d.end_ns = start + samples * 100'000'000;
  d.samples = samples;
  for (const auto& s : sensors) d.frames_per_sensor[s] = samples;
  return d;
}

// 2011-09-26, 2011-09-28, 2012-05-01 (UTC, nanoseconds)
constexpr dc::core::TimestampNs kSep26 = 1317038400LL * 1'000'000'000;
constexpr dc::core::TimestampNs kSep28 = 1317211200LL * 1'000'000'000;
constexpr dc::core::TimestampNs kMay01 = 1335873600LL * 1'000'000'000;

std::vector<dc::core::DriveSummary> three_drives() {
  return {summary(1, "2011_09_26_drive_0001_sync", "kitti-raw", kSep26, 108,
                  {"image_00", "image_01", "image_02", "image_03", "oxts", "velodyne_points"}),
          summary(2, "2011_09_28_drive_0016_sync", "kitti-raw", kSep28, 30, {"image_02", "oxts", "velodyne_points"}),
          summary(3, "kitti-object/training", "kitti-object", kMay01, 7481, {"image_2", "velodyne"})};
}

QStringList names_in_view(const DriveBrowser& b) {
  QStringList out;
  for (int r = 0; r < b.proxy()->rowCount(); ++r) out << b.proxy()->index(r, DriveTableModel::Name).data().toString();
  return out;
}
}  // namespace

class TstDriveBrowser : public QObject {
  Q_OBJECT
  fs::path work_;

private slots:
  void initTestCase() { work_ = dc::test::fresh_work_dir("tst_drive_browser"); }

  void model_has_sensors_and_filter_text() {
    DriveTableModel model;
    model.set_drives(three_drives());
    QCOMPARE(model.rowCount(), 3);
    QCOMPARE(model.headerData(DriveTableModel::Sensors, Qt::Horizontal).toString(), QString("Sensors"));
    QCOMPARE(model.index(1, DriveTableModel::Sensors).data().toString(), QString("image_02, oxts, velodyne_points"));
    const QString filter = model.index(1, DriveTableModel::Frames).data(DriveTableModel::FilterRole).toString();
    for (const char* part : {"2011_09_28_drive_0016_sync", "kitti-raw", "2011-09-28", "2011_09_28", "velodyne_points"})
      QVERIFY2(filter.contains(part), qPrintable(filter));
    QCOMPARE(model.row_of("kitti-object/training"), 2);
    QCOMPARE(model.row_of("nope"), -1);
  }

  void filter_narrows_rows() {
    DriveBrowser b;
    b.set_drives(three_drives());
    QCOMPARE(b.visible_drive_count(), 3);
    QTest::keyClicks(b.filter_edit(), "object");  // typing filters as you go
    QCOMPARE(names_in_view(b), QStringList{"kitti-object/training"});
    b.set_filter("kitti-raw");  // format
    QCOMPARE(b.visible_drive_count(), 2);
    b.set_filter("2011-09-28");  // date
    QCOMPARE(names_in_view(b), QStringList{"2011_09_28_drive_0016_sync"});
    b.set_filter("IMAGE_01");  // sensor, any case
    QCOMPARE(names_in_view(b), QStringList{"2011_09_26_drive_0001_sync"});
    b.set_filter("raw oxts image_03");  // every word must match
    QCOMPARE(names_in_view(b), QStringList{"2011_09_26_drive_0001_sync"});
    b.set_filter("velodyne (");  // regex characters are plain text
    QCOMPARE(b.visible_drive_count(), 0);
    QCOMPARE(b.filter_edit()->text(), QString("velodyne ("));
    b.filter_edit()->clear();
    QCOMPARE(b.visible_drive_count(), 3);
  }

  void sorting_by_columns() {
    DriveBrowser b;
    b.set_drives(three_drives());
    b.drives_view()->sortByColumn(DriveTableModel::Samples, Qt::DescendingOrder);
    // Numbers sort as numbers (7481 > 108 > 30), not as text.
    QCOMPARE(names_in_view(b),
             (QStringList{"kitti-object/training", "2011_09_26_drive_0001_sync", "2011_09_28_drive_0016_sync"}));
    b.drives_view()->sortByColumn(DriveTableModel::Start, Qt::AscendingOrder);
    QCOMPARE(names_in_view(b),
             (QStringList{"2011_09_26_drive_0001_sync", "2011_09_28_drive_0016_sync", "kitti-object/training"}));
    b.drives_view()->sortByColumn(DriveTableModel::Format, Qt::DescendingOrder);
    QCOMPARE(b.proxy()->index(0, DriveTableModel::Format).data().toString(), QString("kitti-raw"));
    QCOMPARE(b.proxy()->index(2, DriveTableModel::Format).data().toString(), QString("kitti-object"));
    // Clicking a header sorts too.
    b.resize(1200, 600);
    b.show();
    QVERIFY(QTest::qWaitForWindowExposed(&b));
    auto* header = b.drives_view()->horizontalHeader();
    const int x =
        header->sectionViewportPosition(DriveTableModel::Name) + header->sectionSize(DriveTableModel::Name) / 2;
    QTest::mouseClick(header->viewport(), Qt::LeftButton, {}, QPoint(x, header->height() / 2));
    const QString first = names_in_view(b).front();
    QTest::mouseClick(header->viewport(), Qt::LeftButton, {}, QPoint(x, header->height() / 2));
    QCOMPARE(names_in_view(b).back(), first);  // the second click reverses
  }

  void double_click_activates_a_drive() {
    DriveBrowser b;
    b.set_drives(three_drives());
    b.resize(1200, 600);
    b.show();
    QVERIFY(QTest::qWaitForWindowExposed(&b));
    b.set_filter("2011");
    QSignalSpy activated(&b, &DriveBrowser::drive_activated);
    QSignalSpy selected(&b, &DriveBrowser::drive_selected);
    const int row = names_in_view(b).indexOf("2011_09_28_drive_0016_sync");
    QVERIFY(row >= 0);
    const QRect cell = b.drives_view()->visualRect(b.proxy()->index(row, DriveTableModel::Format));
    QTest::mouseClick(b.drives_view()->viewport(), Qt::LeftButton, {}, cell.center());
    QCOMPARE(b.selected_drive(), QString("2011_09_28_drive_0016_sync"));
    QVERIFY(!selected.isEmpty());
    QCOMPARE(selected.last().at(0).toString(), QString("2011_09_28_drive_0016_sync"));
    QTest::mouseDClick(b.drives_view()->viewport(), Qt::LeftButton, {}, cell.center());
    QCOMPARE(activated.count(), 1);
    QCOMPARE(activated.at(0).at(0).toString(), QString("2011_09_28_drive_0016_sync"));
    // Enter activates the current drive as well.
    QTest::keyClick(b.drives_view(), Qt::Key_Return);
    QCOMPARE(activated.count(), 2);
    // A reload keeps the selection.
    b.set_drives(three_drives());
    QCOMPARE(b.selected_drive(), QString("2011_09_28_drive_0016_sync"));
  }

  void ingest_in_background_updates_the_table() {
    const fs::path catalog = work_ / "catalog.sqlite";
    const fs::path first = work_ / "first", second = work_ / "second";
    for (const auto& [dir, date, drive, cameras] :
         {std::tuple{first, "2030_01_01", "1", "2"}, std::tuple{second, "2030_02_03", "7", "1"}}) {
      auto gen =
          dc::test::run_cli({"--quiet",  "generate", "--out",     dir.string(), "--frames",  "30", "--width", "320",
                             "--height", "96",       "--columns", "500",        "--seed",    "5",  "--date",  date,
                             "--drive",  drive,      "--cameras", cameras,      "--threads", "2"});
      QVERIFY2(gen.exit_code == 0, gen.err.c_str());
    }
    auto ingest = dc::test::run_cli({"--quiet", "--catalog", catalog.string(), "ingest", first.string()});
    QVERIFY2(ingest.exit_code == 0, ingest.err.c_str());

    DriveBrowser b;
    dc::core::Catalog gui_catalog(catalog);
    b.reload(gui_catalog);
    QCOMPARE(b.model()->rowCount(), 1);
    b.resize(1200, 700);
    b.show();
    QVERIFY(QTest::qWaitForWindowExposed(&b));

    IngestRunner runner(catalog);
    connect(&runner, &IngestRunner::finished, &b, [&] { b.reload(gui_catalog); });
    QSignalSpy progress(&runner, &IngestRunner::progress);
    QSignalSpy finished(&runner, &IngestRunner::finished);
    QPointer<QProgressDialog> dialog = runner.show_progress_dialog(&b);
    QVERIFY(dialog);
    QVERIFY(runner.start({QString::fromStdString(second.string())}));
    QVERIFY(runner.is_running());
    QVERIFY(!runner.start({QString::fromStdString(second.string())}));  // one run at a time
    QVERIFY(finished.wait(60000));
    QVERIFY(!runner.is_running());
    QCOMPARE(finished.at(0).at(1).toInt(), 0);
    QVERIFY2(finished.at(0).at(0).toString().contains("1 drive"), qPrintable(finished.at(0).at(0).toString()));
    QVERIFY(!progress.isEmpty());
    QCOMPARE(progress.last().at(0).toInt(), 100);
    QCOMPARE(runner.report().drives, std::vector<std::string>{"2030_02_03_drive_0007_sync"});
    QCOMPARE(runner.report().stats.drives_added, 1);
    // The table shows the new drive, with its single camera.
    QCOMPARE(b.model()->rowCount(), 2);
    const int row = b.model()->row_of("2030_02_03_drive_0007_sync");
    QVERIFY(row >= 0);
    QCOMPARE(b.model()->index(row, DriveTableModel::Sensors).data().toString(),
             QString("image_02, oxts, velodyne_points"));
    QTRY_VERIFY(dialog.isNull());  // closed and deleted itself

    // Opening it fills the samples list; a click there asks for that sample.
    auto session = dc::core::DriveSession::open(gui_catalog, "2030_02_03_drive_0007_sync");
    b.set_session(session);
    QCOMPARE(b.samples_view()->model()->rowCount(), 30);
    QSignalSpy sample(&b, &DriveBrowser::sample_activated);
    const QRect cell = b.samples_view()->visualRect(b.samples_view()->model()->index(4, 1));
    QTest::mouseClick(b.samples_view()->viewport(), Qt::LeftButton, {}, cell.center());
    QVERIFY(!sample.isEmpty());
    QCOMPARE(sample.last().at(0).toInt(), 4);
    b.select_sample(9);
    QCOMPARE(b.samples_view()->selectionModel()->currentIndex().row(), 9);
    b.set_session(nullptr);
    QCOMPARE(b.samples_view()->model()->rowCount(), 0);

    // A path that is not there: finished with one error, the catalog untouched.
    finished.clear();
    QVERIFY(runner.start({QString::fromStdString((work_ / "missing").string())}));
    QVERIFY(finished.wait(60000));
    QCOMPARE(finished.at(0).at(1).toInt(), 1);
    QCOMPARE(runner.report().errors.size(), std::size_t{1});
    QCOMPARE(b.model()->rowCount(), 2);
  }

  void ingest_can_be_cancelled() {
    const fs::path catalog = work_ / "cancel.sqlite";
    IngestRunner runner(catalog);
    QSignalSpy finished(&runner, &IngestRunner::finished);
    QVERIFY(runner.start(
        {QString::fromStdString((work_ / "first").string()), QString::fromStdString((work_ / "second").string())}));
    runner.cancel();
    QVERIFY(finished.wait(60000));
    // Cancel lands between drives; the worker has hardly started by now, so nothing was stored.
    qInfo("cancel %s", runner.was_cancelled() ? "landed before the first drive" : "came after the work was done");
    if (runner.was_cancelled()) {
      QCOMPARE(finished.at(0).at(0).toString(), QString("Ingest cancelled"));
      QVERIFY(dc::core::Catalog(catalog).drives().size() < 2);
    } else {
      QCOMPARE(dc::core::Catalog(catalog).drives().size(), std::size_t{2});
    }
    // The runner is reusable after a cancel.
    finished.clear();
    QVERIFY(runner.start({QString::fromStdString((work_ / "second").string())}));
    QVERIFY(finished.wait(60000));
    QVERIFY(!runner.was_cancelled());
    QCOMPARE(finished.at(0).at(1).toInt(), 0);
  }
};

QTEST_MAIN(TstDriveBrowser)
#include "tst_drive_browser.moc"
