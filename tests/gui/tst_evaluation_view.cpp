// The evaluation view in the real main window under Xvfb: two autolabel runs evaluated against the generator's
// ground truth give two stored evaluations; the view's PR lines and AP trend are the stored numbers (read from the
// catalog here), a double-click on a worst sample moves the viewer to it with both label sources shown, and the
// View → Label sources menu hides and shows a source's boxes.
#include "gui_test_support.h"
#include "test_support.h"

#include "main_window.h"

#include "dc/core/catalog/catalog.h"
#include "dc/core/exec/pass_runner.h"
#include "dc/core/io/ingester.h"
#include "dc/synth/drive_generator.h"
#include "dc/widgets/evaluation_view.h"
#include "dc/widgets/point_cloud_view.h"

#include <QAction>
#include <QComboBox>
#include <QDockWidget>
#include <QHeaderView>
#include <QTableWidget>
#include <QTest>

#include <nlohmann/json.hpp>

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

void run_pass(const fs::path& catalog, const std::string& pass, const std::string& drive,
              std::map<std::string, std::string> parameters) {
  std::int64_t run = 0;
  {
    dc::core::Catalog c(catalog);
    run = dc::core::queue_pass_run(c, {pass, drive, parameters});
  }
  const auto ended = dc::core::execute_pass_run(catalog, run, {}, 2);
  if (ended.state != dc::core::JobState::Done) throw std::runtime_error(pass + " failed: " + ended.error);
}

}  // namespace

class TestEvaluationView : public QObject {
  Q_OBJECT
  fs::path work_;
  fs::path catalog_;
  std::string drive_;

 private slots:
  void initTestCase() {
    work_ = dc::test::fresh_work_dir("gui_evaluation_view");
    qputenv("XDG_CONFIG_HOME", QByteArray::fromStdString((work_ / "config").string()));
    qputenv("XDG_STATE_HOME", QByteArray::fromStdString((work_ / "state").string()));
    dc::core::GeneratorOptions o;
    o.out = work_ / "gen";
    o.frames = 12;
    o.seed = 7;
    o.cameras = 1;
    o.image_width = 414;
    o.image_height = 125;
    o.threads = 2;
    drive_ = dc::core::generate_drive(o).drive_dir.filename().string();
    catalog_ = work_ / "catalog.sqlite";
    {
      dc::core::Catalog c(catalog_);
      dc::core::Ingester(c).ingest({o.out});
    }
    run_pass(catalog_, "autolabel", drive_, {{"min_score", "0.5"}});
    run_pass(catalog_, "eval", drive_, {{"car_iou", "0.5"}});
    run_pass(catalog_, "autolabel", drive_, {});
    run_pass(catalog_, "eval", drive_, {{"car_iou", "0.5"}});
  }

  void chartsShowTheStoredNumbers() {
    dc::core::Catalog c(catalog_);
    const auto stored = c.run_results().evaluations();
    QCOMPARE(stored.size(), std::size_t{2});
    QVERIFY(stored[0].predicted != stored[1].predicted);  // auto:RUN of each autolabel run

    dc::app::MainWindow window(QString::fromStdString(catalog_.string()));
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QVERIFY(window.open_single_drive());
    QVERIFY(QTest::qWaitFor([&] { return window.shown_sample() == 0; }, 30000));
    auto* view = window.evaluation_view();
    QVERIFY(QTest::qWaitFor([&] { return view->evaluation_count() == 2; }, 10000));
    QCOMPARE(view->evaluation_choice()->currentIndex(), 1);  // the newest

    // PR lines: one per class with reference boxes, the stored curve's points after a start at recall 0.
    const json curves = json::parse(stored[1].curves_json)["bands"];
    int lines = 0;
    for (const auto& [cls, bands] : curves.items()) {
      const auto& points = bands["all"]["bev"];
      const QList<QPointF> shown = view->pr_points(QString::fromStdString(cls));
      QCOMPARE(shown.size(), static_cast<qsizetype>(points.size() + (points.empty() ? 0 : 1)));
      for (std::size_t i = 0; i < points.size(); ++i) {
        QCOMPARE(shown[static_cast<qsizetype>(i + 1)].x(), points[i][0].get<double>());
        QCOMPARE(shown[static_cast<qsizetype>(i + 1)].y(), points[i][1].get<double>());
      }
      ++lines;
    }
    QCOMPARE(view->pr_classes().size(), lines);

    // Trend: the Car AP of both evaluations, oldest first.
    const QList<QPointF> trend = view->trend_points("Car");
    QCOMPARE(trend.size(), 2);
    for (int i = 0; i < 2; ++i) {
      const double ap = json::parse(stored[static_cast<std::size_t>(i)].summary_json)["bands"]["Car"]["all"]["bev_ap"];
      QCOMPARE(trend[i], QPointF(i, ap));
    }

    // Switching to 3D boxes redraws with the 3D curve.
    view->metric_choice()->setCurrentIndex(1);
    const auto car3d = curves["Car"]["all"]["3d"];
    QCOMPARE(view->pr_points("Car").size(), static_cast<qsizetype>(car3d.size() + 1));

    // Choosing the older evaluation shows its curves.
    view->evaluation_choice()->setCurrentIndex(0);
    const json older = json::parse(stored[0].curves_json)["bands"]["Car"]["all"]["3d"];
    QCOMPARE(view->pr_points("Car").size(), static_cast<qsizetype>(older.size() + 1));
  }

  void worstSampleOpensWithBothSources() {
    dc::app::MainWindow window(QString::fromStdString(catalog_.string()));
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QVERIFY(window.open_single_drive());
    QVERIFY(QTest::qWaitFor([&] { return window.shown_sample() == 0; }, 30000));
    auto* dock = window.findChild<QDockWidget*>("evaluationDock");
    dock->show();
    dock->raise();
    auto* view = window.evaluation_view();
    QVERIFY(QTest::qWaitFor([&] { return view->evaluation_count() == 2; }, 10000));

    // Hide the auto boxes through the menu, as a person would.
    auto* hide_auto = window.findChild<QAction*>("showSource_auto");
    QVERIFY(hide_auto && hide_auto->isChecked());
    hide_auto->trigger();
    QVERIFY(!window.point_view()->options().show_source[1]);

    // The worst sample by false positives + misses, from the catalog.
    dc::core::Catalog c(catalog_);
    const auto e = c.run_results().evaluations().back();
    std::map<std::int64_t, double> errors;
    for (const auto& m : c.run_results().metrics_of_run(*e.run_id)) errors[m.sample_key] += m.value;
    std::int64_t worst = -1;
    double most = 0;
    for (const auto& [key, n] : errors)
      if (n > most) most = n, worst = key;
    QVERIFY(worst >= 0);
    auto* table = view->worst_samples();
    QVERIFY(table->rowCount() > 0);
    QCOMPARE(table->item(0, 0)->text().toLongLong(), worst);
    QCOMPARE(table->item(0, 3)->text().toDouble(), most);

    QVERIFY(QTest::qWaitForWindowExposed(table));
    const QRect cell = table->visualItemRect(table->item(0, 0));
    QTest::mouseClick(table->viewport(), Qt::LeftButton, {}, cell.center());
    QTest::mouseDClick(table->viewport(), Qt::LeftButton, {}, cell.center());
    QVERIFY(QTest::qWaitFor([&] { return window.shown_sample() == static_cast<int>(worst); }, 30000));
    QVERIFY(window.point_view()->options().show_source[1]);  // auto shown again, gt too
    QVERIFY(window.point_view()->options().show_source[0]);
    QVERIFY(hide_auto->isChecked());
  }
};

QTEST_MAIN(TestEvaluationView)
#include "tst_evaluation_view.moc"
