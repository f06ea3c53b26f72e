// Tagging in the real main window: a tag shortcut on the current sample, a Shift+dragged range of the timeline
// tagged at once, any name through the Tag… dialog and removal through Remove tag…; each checked in the catalog
// with plain SQL and on the timeline's tag lanes.
#include "test_support.h"

#include "main_window.h"

#include "dc/core/catalog/catalog.h"
#include "dc/core/data/drive_session.h"
#include "dc/widgets/surface_format.h"
#include "dc/widgets/tag_lanes.h"
#include "dc/widgets/timeline_widget.h"

#include <QApplication>
#include <QComboBox>
#include <QInputDialog>
#include <QLineEdit>
#include <QTest>

#include <sqlite3.h>

namespace fs = std::filesystem;

namespace {

// Sample keys carrying `tag`, read with plain SQL, in key order.
std::vector<std::int64_t> tagged_keys(const fs::path& file, const std::string& tag) {
  std::vector<std::int64_t> out;
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(file.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) return {-1};
  sqlite3_stmt* stmt = nullptr;
  sqlite3_prepare_v2(db,
                     "SELECT f.idx FROM sample_tags st JOIN tags t ON t.id = st.tag_id "
                     "JOIN samples sa ON sa.id = st.sample_id JOIN frames f ON f.id = sa.lidar_frame_id "
                     "WHERE t.name = ?1 ORDER BY f.idx",
                     -1, &stmt, nullptr);
  sqlite3_bind_text(stmt, 1, tag.c_str(), -1, SQLITE_TRANSIENT);
  while (sqlite3_step(stmt) == SQLITE_ROW) out.push_back(sqlite3_column_int64(stmt, 0));
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return out;
}

// Keys of sample positions first..last of the session.
std::vector<std::int64_t> keys_of(const dc::core::DriveSession& s, int first, int last) {
  std::vector<std::int64_t> out;
  for (int i = first; i <= last; ++i) out.push_back(s.sample(i).key());
  return out;
}

// The lane's color drawn at 190/255 over the lane background (the timeline's spans), per channel.
bool pixel_shows(const QImage& image, QPoint p, QColor tag, QColor background) {
  const QColor got = image.pixelColor(p);
  auto blend = [](int c, int b) { return (c * 190 + b * 65) / 255; };
  return std::abs(got.red() - blend(tag.red(), background.red())) <= 12 &&
         std::abs(got.green() - blend(tag.green(), background.green())) <= 12 &&
         std::abs(got.blue() - blend(tag.blue(), background.blue())) <= 12;
}

}  // namespace

class TestTagsLane : public QObject {
  Q_OBJECT
  fs::path work_;
  fs::path catalog_;

  bool open(dc::app::MainWindow& window) {
    window.show();
    if (!QTest::qWaitForWindowExposed(&window)) return false;
    if (!window.open_single_drive()) return false;
    if (!QTest::qWaitFor([&] { return window.session() && window.shown_sample() == 0; }, 20000)) return false;
    window.activateWindow();
    return QTest::qWaitForWindowActive(&window);
  }

 private slots:
  void initTestCase() {
    work_ = dc::test::fresh_work_dir("gui_tags_lane");
    qputenv("XDG_CONFIG_HOME", QByteArray::fromStdString((work_ / "config").string()));  // default shortcut tags
    auto r = dc::test::run_cli({"--quiet", "generate", "--out", (work_ / "gen").string(), "--frames", "20", "--width",
                                "160", "--height", "48", "--columns", "200", "--seed", "7"});
    QVERIFY2(r.exit_code == 0, r.err.c_str());
    catalog_ = work_ / "catalog.sqlite";
    r = dc::test::run_cli({"--quiet", "--catalog", catalog_.string(), "ingest", (work_ / "gen").string()});
    QVERIFY2(r.exit_code == 0, r.err.c_str());
  }

  void shortcutTagsCurrentSample() {
    dc::app::MainWindow window(QString::fromStdString(catalog_.string()));
    QVERIFY(open(window));
    QCOMPARE(window.shortcut_tags().value(0), QString("night"));  // Ctrl+1
    auto* timeline = window.timeline();
    QCOMPARE(timeline->lane_index("tag night"), -1);
    for (int i = 0; i < 3; ++i) QTest::keyClick(&window, Qt::Key_Right);  // step to sample 3
    QTRY_COMPARE_WITH_TIMEOUT(window.current_sample(), 3, 10000);

    QTest::keyClick(&window, Qt::Key_1, Qt::ControlModifier);
    const auto session = window.session();
    QCOMPARE(tagged_keys(catalog_, "night"), keys_of(*session, 3, 3));

    // The lane appears at once with one span on sample 3.
    const int lane = timeline->lane_index("tag night");
    QVERIFY(lane >= 0);
    QCOMPARE(timeline->lane(lane).items.size(), std::size_t(1));
    const auto& item = timeline->lane(lane).items.front();
    QCOMPARE(item.start_ns, session->sample_times()[3]);
    QCOMPARE(item.end_ns, session->sample_times()[3]);
    // Drawn there in the tag's color: a span of one sample is 3 px wide from the sample's x.
    const QImage image = timeline->grab().toImage();
    const QRect r = timeline->lane_rect(lane);
    const int x = static_cast<int>(timeline->x_for_time(session->sample_times()[3])) + 1;
    const QColor background = lane % 2 ? QColor(0x28, 0x2b, 0x31) : QColor(0x23, 0x26, 0x2b);
    QVERIFY2(pixel_shows(image, {x, r.center().y()}, dc::widgets::tag_color("night"), background),
             qPrintable(image.pixelColor(x, r.center().y()).name()));
    QVERIFY(!pixel_shows(image, {static_cast<int>(timeline->x_for_time(session->sample_times()[10])), r.center().y()},
                         dc::widgets::tag_color("night"), background));

    // Again on the same sample: nothing new.
    QTest::keyClick(&window, Qt::Key_1, Qt::ControlModifier);
    QCOMPARE(tagged_keys(catalog_, "night"), keys_of(*session, 3, 3));
  }

  void draggedRangeIsTagged() {
    dc::app::MainWindow window(QString::fromStdString(catalog_.string()));
    QVERIFY(open(window));
    const auto session = window.session();
    auto* timeline = window.timeline();
    const auto& times = session->sample_times();
    QCOMPARE(times.size(), std::size_t(20));
    // From halfway between samples 5 and 6 to halfway between 11 and 12: exactly samples 6..11 lie inside.
    auto between = [&](int a) {
      return QPoint(static_cast<int>((timeline->x_for_time(times[a]) + timeline->x_for_time(times[a + 1])) / 2),
                    timeline->lane_rect(0).center().y());
    };
    const QPoint from = between(5), to = between(11);
    QVERIFY(to.x() - from.x() > 30);  // the samples are pixels apart
    QTest::mousePress(timeline, Qt::LeftButton, Qt::ShiftModifier, from);
    for (int k = 1; k <= 6; ++k) QTest::mouseMove(timeline, from + (to - from) * k / 6);
    QTest::mouseRelease(timeline, Qt::LeftButton, Qt::ShiftModifier, to);
    QCOMPARE(window.current_sample(), 0);  // selecting does not move the playhead
    QVERIFY(timeline->selected_samples().has_value());

    QTest::keyClick(&window, Qt::Key_2, Qt::ControlModifier);  // Ctrl+2: rain
    QCOMPARE(tagged_keys(catalog_, "rain"), keys_of(*session, 6, 11));
    const int lane = timeline->lane_index("tag rain");
    QVERIFY(lane >= 0);
    QCOMPARE(timeline->lane(lane).items.size(), std::size_t(1));
    QCOMPARE(timeline->lane(lane).items.front().start_ns, times[6]);
    QCOMPARE(timeline->lane(lane).items.front().end_ns, times[11]);
    // The night tag of the first test is still listed: lanes show every tag of the drive.
    QVERIFY(timeline->lane_index("tag night") >= 0);

    // Any name through Tag… (Ctrl+T), on the same range.
    QTest::keyClick(&window, Qt::Key_T, Qt::ControlModifier);
    QInputDialog* dialog = nullptr;
    QTRY_VERIFY_WITH_TIMEOUT((dialog = window.findChild<QInputDialog*>("tagNameDialog")) && dialog->isVisible(), 5000);
    auto* name = dialog->findChild<QComboBox*>();
    QVERIFY(name && name->lineEdit());
    name->lineEdit()->clear();
    QTest::keyClicks(name->lineEdit(), "check-me");
    QTest::keyClick(name->lineEdit(), Qt::Key_Return);
    QTRY_COMPARE_WITH_TIMEOUT(tagged_keys(catalog_, "check-me"), keys_of(*session, 6, 11), 5000);
    QVERIFY(timeline->lane_index("tag check-me") >= 0);

    // A plain click clears the range; Remove tag… (Ctrl+Shift+T) then acts on the current sample only.
    const QPoint at8(static_cast<int>(timeline->x_for_time(times[8])), timeline->lane_rect(0).center().y());
    QTest::mouseClick(timeline, Qt::LeftButton, {}, at8);
    QVERIFY(!timeline->selected_samples().has_value());
    QTRY_COMPARE_WITH_TIMEOUT(window.current_sample(), 8, 10000);
    QTest::keyClick(&window, Qt::Key_T, Qt::ControlModifier | Qt::ShiftModifier);
    QInputDialog* remove = nullptr;
    QTRY_VERIFY_WITH_TIMEOUT((remove = window.findChild<QInputDialog*>("untagDialog")) && remove->isVisible(), 5000);
    auto* choice = remove->findChild<QComboBox*>();
    QVERIFY(choice);
    QCOMPARE(choice->count(), 2);  // the tags sample 8 carries: check-me, rain
    choice->setCurrentText("check-me");
    QTest::keyClick(choice, Qt::Key_Return);
    std::vector<std::int64_t> expected = keys_of(*session, 6, 7);
    for (auto k : keys_of(*session, 9, 11)) expected.push_back(k);
    QTRY_COMPARE_WITH_TIMEOUT(tagged_keys(catalog_, "check-me"), expected, 5000);
    // The lane now has two spans, around the hole at sample 8.
    const int lane2 = timeline->lane_index("tag check-me");
    QVERIFY(lane2 >= 0);
    QCOMPARE(timeline->lane(lane2).items.size(), std::size_t(2));
    QCOMPARE(timeline->lane(lane2).items[0].end_ns, times[7]);
    QCOMPARE(timeline->lane(lane2).items[1].start_ns, times[9]);
  }
};

int main(int argc, char** argv) {
  dc::widgets::use_vtk_surface_format();
  QApplication app(argc, argv);
  QApplication::setOrganizationName("DriveCurator");
  QApplication::setApplicationName("drivecurator-tests");
  TestTagsLane t;
  return QTest::qExec(&t, argc, argv);
}
#include "tst_tags_lane.moc"
