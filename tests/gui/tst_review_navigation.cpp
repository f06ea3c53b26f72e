// Review in the real main window on a generated drive with auto labels and a finding: N / Shift+N move to the
// next / previous sample with something unreviewed, A / X store the state with the reviewer typed in the panel, a
// clicked box's whole track is accepted with Shift+A, and a new window takes up the review where it stopped.
#include "test_support.h"

#include "main_window.h"

#include "dc/core/catalog/catalog.h"
#include "dc/widgets/color_map.h"
#include "dc/widgets/finding_table_model.h"
#include "dc/widgets/findings_panel.h"
#include "dc/widgets/point_cloud_view.h"
#include "dc/widgets/review_panel.h"
#include "dc/widgets/surface_format.h"

#include <QApplication>
#include <QLineEdit>
#include <QTableWidget>
#include <QImage>
#include <QTest>

#include <nlohmann/json.hpp>

namespace fs = std::filesystem;
using namespace dc::core;

namespace {
bool wait_shown(dc::app::MainWindow& w, int sample) {
  return QTest::qWaitFor([&] { return w.shown_sample() == sample && w.current_sample() == sample; }, 20000);
}

BoxLabel auto_box(std::int64_t key, const std::string& track, double y) {
  BoxLabel b;
  b.frame_index = key;
  b.center = {7, y, -1};
  b.length = 4, b.width = 1.8, b.height = 1.5;
  b.category = "Car";
  b.track_id = track;
  b.source = LabelSource::Auto;
  b.score = 0.7;
  return b;
}
// Pixels of exactly this color.
int count_pixels(const QImage& image, QRgb color) {
  int n = 0;
  for (int y = 0; y < image.height(); ++y)
    for (int x = 0; x < image.width(); ++x) n += (image.pixel(x, y) & 0xffffff) == (color & 0xffffff);
  return n;
}

}  // namespace

class TestReviewNavigation : public QObject {
  Q_OBJECT
  fs::path work_;
  std::string catalog_;
  std::vector<std::int64_t> keys_;
  std::vector<std::int64_t> track5_;  // auto labels at positions 3, 4, 5
  std::int64_t track6_ = 0;           // auto label at position 4
  std::int64_t track7_ = 0;           // auto label at position 4, rejected with X in the 3D view
  std::int64_t finding_ = 0;          // at position 8

  ReviewRecord label_review(std::int64_t id) {
    Catalog c(catalog_);  // a connection of its own: what was committed
    return c.review_repository().label_review(id);
  }

 private slots:
  void initTestCase() {
    work_ = dc::test::fresh_work_dir("gui_review_navigation");
    qputenv("XDG_CONFIG_HOME", QByteArray::fromStdString((work_ / "config").string()));  // no user settings
    auto r = dc::test::run_cli({"--quiet", "generate", "--out", (work_ / "gen").string(), "--frames", "12", "--cameras",
                                "1", "--width", "320", "--height", "96", "--columns", "600", "--seed", "21"});
    QVERIFY2(r.exit_code == 0, r.err.c_str());
    catalog_ = (work_ / "review.sqlite").string();
    r = dc::test::run_cli({"--quiet", "--catalog", catalog_, "ingest", (work_ / "gen").string()});
    QVERIFY2(r.exit_code == 0, r.err.c_str());
    Catalog c(catalog_);
    const auto drive = c.drives().at(0).id;
    for (const auto& s : c.samples(drive)) keys_.push_back(s.key());
    QCOMPARE(keys_.size(), std::size_t(12));
    // Unreviewed: auto track 5 at positions 3, 4, 5 and track 6 at 4 (9 m to the left, away from track 5),
    // a finding at 8.
    for (int p : {3, 4, 5}) track5_.push_back(c.label_repository().insert(drive, auto_box(keys_[p], "5", 0)));
    track6_ = c.label_repository().insert(drive, auto_box(keys_[4], "6", 9));
    track7_ = c.label_repository().insert(drive, auto_box(keys_[4], "7", -9));
    Finding f;
    f.check = "lidar-health";
    f.sample_key = keys_[8];
    f.message = "few points";
    finding_ = c.finding_repository().add(drive, f);
  }

  void reviewWithTheKeyboard() {
    dc::app::MainWindow window(QString::fromStdString(catalog_));
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QVERIFY(window.open_single_drive());
    QVERIFY(wait_shown(window, 0));
    auto* panel = window.review_panel();
    QVERIFY(panel);
    QVERIFY(!panel->session());  // nothing reviewed on this drive yet

    // The reviewer types a name into the panel.
    auto* name = panel->findChild<QLineEdit*>("reviewerEdit");
    QVERIFY(name);
    name->setFocus();
    name->selectAll();
    QTest::keyClicks(name, "gui-reviewer");
    QTest::keyClick(name, Qt::Key_Return);
    QCOMPARE(panel->reviewer(), QString("gui-reviewer"));
    window.activateWindow();
    window.point_view()->setFocus();
    QVERIFY(QTest::qWaitForWindowActive(&window));

    QTest::keyClick(&window, Qt::Key_N);
    QVERIFY(wait_shown(window, 3));
    QCOMPARE(panel->table()->rowCount(), 1);
    QTest::keyClick(&window, Qt::Key_N);
    QVERIFY(wait_shown(window, 4));
    QCOMPARE(panel->table()->rowCount(), 3);
    QTest::keyClick(&window, Qt::Key_N, Qt::ShiftModifier);
    QVERIFY(wait_shown(window, 3));

    // A with nothing selected: every unreviewed item of the sample (track 5's box at 3).
    QTest::keyClick(&window, Qt::Key_A);
    auto r = label_review(track5_[0]);
    QCOMPARE(r.state, ReviewState::Accepted);
    QCOMPARE(r.reviewer, std::string("gui-reviewer"));
    QVERIFY(r.reviewed_ns > 0);
    QCOMPARE(label_review(track5_[1]).state, ReviewState::Unreviewed);

    // At 4, click track 5's box in the 3D view (ground truth hidden, as View → Label sources does), then accept the
    // whole track with Shift+A: its boxes at 4 and 5 too, not track 6.
    QTest::keyClick(&window, Qt::Key_N);
    QVERIFY(wait_shown(window, 4));
    auto o = window.view_options();
    o.show_source[static_cast<std::size_t>(LabelSource::GroundTruth)] = false;
    window.set_view_options(o);
    window.point_view()->bird_eye_view();
    QApplication::processEvents();
    const auto& boxes = window.point_view()->boxes();
    int index = -1;
    for (std::size_t i = 0; i < boxes.size(); ++i)
      if (boxes[i].id == track5_[1]) index = static_cast<int>(i);
    QVERIFY(index >= 0);
    const auto at = window.point_view()->project_to_widget(boxes[static_cast<std::size_t>(index)].center);
    QVERIFY(at);
    QCOMPARE(window.point_view()->box_at(at->toPoint()), index);
    QTest::mouseClick(window.point_view(), Qt::LeftButton, {}, at->toPoint());
    QTRY_COMPARE(window.point_view()->selected_box(), index);
    QTest::keyClick(&window, Qt::Key_A, Qt::ShiftModifier);
    for (auto id : track5_) {
      r = label_review(id);
      QCOMPARE(r.state, ReviewState::Accepted);
      QCOMPARE(r.reviewer, std::string("gui-reviewer"));
    }
    QCOMPARE(label_review(track6_).state, ReviewState::Unreviewed);
    QCOMPARE(label_review(track7_).state, ReviewState::Unreviewed);

    // X on the selected box of track 7 rejects it, and the 3D view draws it faded towards gray from then on.
    auto index_of = [&](std::int64_t id) {
      const auto& shown = window.point_view()->boxes();
      for (std::size_t i = 0; i < shown.size(); ++i)
        if (shown[i].id == id) return static_cast<int>(i);
      return -1;
    };
    BoxLabel rejected = auto_box(keys_[4], "7", -9);
    rejected.review = ReviewState::Rejected;
    const auto c = dc::widgets::box_color(rejected);
    const QRgb faded = qRgb(c.r, c.g, c.b);
    QVERIFY(faded != qRgb(0, 200, 255));  // not the Car color
    QCOMPARE(count_pixels(window.point_view()->render_to_image(), faded), 0);
    const int index7 = index_of(track7_);
    QVERIFY(index7 >= 0);
    const auto at7 = window.point_view()->project_to_widget(boxes[static_cast<std::size_t>(index7)].center);
    QVERIFY(at7);
    QTest::mouseClick(window.point_view(), Qt::LeftButton, {}, at7->toPoint());
    QTRY_COMPARE(window.point_view()->selected_box(), index7);
    QTest::keyClick(&window, Qt::Key_X);
    QCOMPARE(label_review(track7_).state, ReviewState::Rejected);
    QTRY_VERIFY(index_of(track7_) >= 0 &&
                window.point_view()->boxes()[static_cast<std::size_t>(index_of(track7_))].review ==
                    ReviewState::Rejected);
    window.point_view()->select_box(-1);  // the selection is drawn white
    QApplication::processEvents();
    QVERIFY2(count_pixels(window.point_view()->render_to_image(), faded) > 20, "the rejected box is not drawn faded");

    // Next: track 6 at 4 is still open but behind; 5 is done; the finding at 8 is next. X rejects it.
    QTest::keyClick(&window, Qt::Key_N);
    QVERIFY(wait_shown(window, 8));
    QTest::keyClick(&window, Qt::Key_X);
    {
      Catalog c(catalog_);
      const auto f = c.review_repository().finding_review(finding_);
      QCOMPARE(f.state, ReviewState::Rejected);
      QCOMPARE(f.reviewer, std::string("gui-reviewer"));
    }
    // The findings panel shows the state and the reviewer.
    auto* findings = window.findings_panel();
    const int row = findings->visible_row_of(finding_);
    QVERIFY(row >= 0);
    const auto* model = findings->table()->model();
    QCOMPARE(model->index(row, dc::widgets::FindingTableModel::ReviewColumn).data().toString(), QString("rejected"));
    QCOMPARE(model->index(row, dc::widgets::FindingTableModel::ReviewerColumn).data().toString(),
             QString("gui-reviewer"));
    QVERIFY(panel->session());
    QCOMPARE(panel->session()->counts.accepted, std::int64_t(1 + 3));
    QCOMPARE(panel->session()->counts.rejected, std::int64_t(2));
    window.close();
  }

  void reopenedWindowResumes() {
    {
      Catalog c(catalog_);
      const auto s = c.review_repository().last_session(c.drives().at(0).id);
      QVERIFY(s);
      QCOMPARE(s->current_sample_key, std::optional<std::int64_t>(keys_[8]));
      QCOMPARE(s->reviewer, std::string("gui-reviewer"));
      QCOMPARE(s->counts.remaining, std::int64_t(1));  // track 6's box
    }
    dc::app::MainWindow window(QString::fromStdString(catalog_));
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QVERIFY(window.open_single_drive());
    QVERIFY(wait_shown(window, 8));  // where the review stopped, not the first sample
    QCOMPARE(window.review_panel()->reviewer(), QString("gui-reviewer"));  // remembered too
    window.activateWindow();
    window.point_view()->setFocus();
    QVERIFY(QTest::qWaitForWindowActive(&window));
    // What is left is behind: N goes around to track 6's box at 4; F marks it fixed.
    QTest::keyClick(&window, Qt::Key_N);
    QVERIFY(wait_shown(window, 4));
    QCOMPARE(window.review_panel()->table()->rowCount(), 3);
    QTest::keyClick(&window, Qt::Key_F);
    QCOMPARE(label_review(track6_).state, ReviewState::Fixed);
    QCOMPARE(label_review(track5_[1]).state, ReviewState::Accepted);  // only the unreviewed one was taken
    // Nothing is left: N stays.
    QTest::keyClick(&window, Qt::Key_N);
    QCOMPARE(window.current_sample(), 4);
    Catalog c(catalog_);
    QCOMPARE(c.review_repository().count_unreviewed(c.drives().at(0).id, ReviewScope{}), std::int64_t(0));
  }
};

int main(int argc, char** argv) {
  dc::widgets::use_vtk_surface_format();
  QApplication app(argc, argv);
  QApplication::setOrganizationName("DriveCurator");
  QApplication::setApplicationName("drivecurator-tests");
  TestReviewNavigation t;
  return QTest::qExec(&t, argc, argv);
}
#include "tst_review_navigation.moc"
