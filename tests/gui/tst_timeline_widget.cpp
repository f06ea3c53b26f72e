#include "dc/core/data/drive_session.h"
#include "dc/widgets/playback_controller.h"
#include "dc/widgets/timeline_widget.h"
#include "test_support.h"

#include <QElapsedTimer>
#include <QImage>
#include <QSignalSpy>
#include <QWheelEvent>
#include <QtTest>
#include <filesystem>

using namespace dc::widgets;
using dc::core::TimestampNs;
namespace fs = std::filesystem;

class TstTimelineWidget : public QObject {
  Q_OBJECT
  fs::path work_, catalog_;
  std::shared_ptr<const dc::core::DriveSession> session_;

  // A point inside the plot of the first lane at time t.
  static QPoint at(const TimelineWidget& w, TimestampNs t) {
    return QPoint(static_cast<int>(std::lround(w.x_for_time(t))), w.lane_rect(0).center().y());
  }

private slots:
  void initTestCase() {
    work_ = dc::test::fresh_work_dir("tst_timeline_widget");
    catalog_ = work_ / "catalog.sqlite";
    auto gen =
        dc::test::run_cli({"--quiet", "generate", "--out", (work_ / "drive").string(), "--frames", "30", "--width",
                           "320", "--height", "96", "--columns", "500", "--seed", "5", "--threads", "2"});
    QVERIFY2(gen.exit_code == 0, gen.err.c_str());
    auto ingest = dc::test::run_cli({"--quiet", "--catalog", catalog_.string(), "ingest", (work_ / "drive").string()});
    QVERIFY2(ingest.exit_code == 0, ingest.err.c_str());
    session_ = dc::core::DriveSession::open(catalog_, "2030_01_01_drive_0001_sync");
    QCOMPARE(session_->sample_count(), 30);
  }

  void lanes_from_a_drive() {
    TimelineWidget w;
    w.set_session(*session_);
    const auto& sensors = session_->sensor_names();
    QCOMPARE(sensors.size(), std::size_t{4});
    QCOMPARE(w.lane_count(), 5);  // one per sensor + labels
    for (std::size_t i = 0; i < sensors.size(); ++i) {
      const auto& lane = w.lane(static_cast<int>(i));
      QCOMPARE(lane.name, QString::fromStdString(sensors[i]));
      QCOMPARE(lane.kind, TimelineLane::Kind::Ticks);
      QCOMPARE(lane.items.size(), session_->frames(sensors[i]).size());
      QCOMPARE(lane.items.size(), std::size_t{30});
      // Ticks sit at the frame timestamps.
      QCOMPARE(lane.items.front().start_ns, session_->frames(sensors[i]).front().timestamp_ns);
      QVERIFY(w.lane_gaps(static_cast<int>(i)).empty());  // the generator drops nothing
    }
    QCOMPARE(w.lane(0).name, QString("velodyne_points"));
    const int labels = w.lane_index("labels");
    QCOMPARE(labels, 4);
    QCOMPARE(w.lane(labels).kind, TimelineLane::Kind::Bars);
    QCOMPARE(w.lane(labels).items.size(), std::size_t{30});
    int total = 0;
    for (int i = 0; i < 30; ++i) {
      QCOMPARE(w.lane(labels).items[static_cast<std::size_t>(i)].value, double(session_->label_count(i)));
      total += session_->label_count(i);
    }
    QVERIFY(total > 0);
    QCOMPARE(w.sample_times(), session_->sample_times());
    QVERIFY(w.data_start_ns() < session_->start_ns());
    QVERIFY(w.data_end_ns() > session_->end_ns());
  }

  void gaps_are_found() {
    const TimestampNs ms = 1'000'000;
    auto lane = TimelineLane::ticks("cam", {0, 100 * ms, 200 * ms, 300 * ms, 500 * ms, 600 * ms, 640 * ms, 740 * ms});
    QCOMPARE(lane.median_period_ns(), 100.0 * ms);
    const auto gaps = lane.find_gaps(1.5);
    QCOMPARE(gaps.size(), std::size_t{1});
    QCOMPARE(gaps[0].start_ns, 300 * ms);
    QCOMPARE(gaps[0].end_ns, 500 * ms);
    QVERIFY(lane.find_gaps(2.5).empty());

    // A drop in a real lane shows up as a gap in the widget.
    TimelineWidget w;
    w.set_session(*session_);
    auto times = session_->sample_times();
    times.erase(times.begin() + 10);
    const int index = w.add_lane(TimelineLane::ticks("dropped", times));
    QCOMPARE(w.lane_gaps(index).size(), std::size_t{1});
    QCOMPARE(w.lane_gaps(index)[0].start_ns, session_->sample_times()[9]);
    QCOMPARE(w.lane_gaps(index)[0].end_ns, session_->sample_times()[11]);
  }

  void click_jumps_to_nearest_sample() {
    TimelineWidget w;
    w.set_session(*session_);
    w.resize(1200, w.sizeHint().height());
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    QSignalSpy spy(&w, &TimelineWidget::sample_requested);
    const auto& t = session_->sample_times();
    // A little after sample 7: nearest is 7. Just before sample 8 (closer to it): 8.
    QTest::mouseClick(&w, Qt::LeftButton, {}, at(w, t[7] + (t[8] - t[7]) / 4));
    QCOMPARE(spy.count(), 1);
    QCOMPARE(spy.takeFirst().at(0).toInt(), 7);
    QTest::mouseClick(&w, Qt::LeftButton, {}, at(w, t[8] - (t[8] - t[7]) / 4));
    QCOMPARE(spy.takeFirst().at(0).toInt(), 8);
    // Any lane, not only the first: the labels lane too.
    const QPoint on_labels(static_cast<int>(w.x_for_time(t[20])), w.lane_rect(w.lane_index("labels")).center().y());
    QTest::mouseClick(&w, Qt::LeftButton, {}, on_labels);
    QCOMPARE(spy.takeFirst().at(0).toInt(), 20);
    // Before the first and after the last sample clamp to the ends.
    QTest::mouseClick(&w, Qt::LeftButton, {}, QPoint(TimelineWidget::kGutterWidth + 1, w.lane_rect(0).center().y()));
    QCOMPARE(spy.takeFirst().at(0).toInt(), 0);
    QTest::mouseClick(&w, Qt::LeftButton, {}, QPoint(w.width() - 2, w.lane_rect(0).center().y()));
    QCOMPARE(spy.takeFirst().at(0).toInt(), 29);
    // The gutter (lane names) is not a click target.
    QTest::mouseClick(&w, Qt::LeftButton, {}, QPoint(10, w.lane_rect(0).center().y()));
    QCOMPARE(spy.count(), 0);

    // Dragging scrubs through the samples on the way, once each.
    QTest::mousePress(&w, Qt::LeftButton, {}, at(w, t[3]));
    for (int s = 4; s <= 12; ++s) {
      QMouseEvent move(QEvent::MouseMove, QPointF(at(w, t[static_cast<std::size_t>(s)])),
                       w.mapToGlobal(QPointF(at(w, t[static_cast<std::size_t>(s)]))), Qt::NoButton, Qt::LeftButton,
                       Qt::NoModifier);
      QApplication::sendEvent(&w, &move);
    }
    QTest::mouseRelease(&w, Qt::LeftButton, {}, at(w, t[12]));
    QCOMPARE(spy.count(), 10);
    QCOMPARE(spy.first().at(0).toInt(), 3);
    QCOMPARE(spy.last().at(0).toInt(), 12);
  }

  void zoom_keeps_clicks_on_time() {
    TimelineWidget w;
    w.set_session(*session_);
    w.resize(1000, w.sizeHint().height());
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    const auto& t = session_->sample_times();
    const TimestampNs full = w.view_end_ns() - w.view_start_ns();
    const QPointF pos(w.x_for_time(t[15]), w.lane_rect(0).center().y());
    for (int i = 0; i < 5; ++i) {
      QWheelEvent wheel(pos, w.mapToGlobal(pos), QPoint(), QPoint(0, 120), Qt::NoButton, Qt::NoModifier,
                        Qt::NoScrollPhase, false);
      QApplication::sendEvent(&w, &wheel);
    }
    const TimestampNs zoomed = w.view_end_ns() - w.view_start_ns();
    QVERIFY(zoomed < full / 2);
    // The time under the pointer stays put while zooming.
    QVERIFY(std::abs(w.x_for_time(t[15]) - pos.x()) < 1.5);
    QSignalSpy spy(&w, &TimelineWidget::sample_requested);
    QTest::mouseClick(&w, Qt::LeftButton, {}, at(w, t[16] - (t[16] - t[15]) / 3));
    QCOMPARE(spy.takeFirst().at(0).toInt(), 16);
    // The playhead pulls the view along when it leaves it.
    w.set_current_sample(29);
    QVERIFY(w.view_start_ns() <= t[29] && t[29] <= w.view_end_ns());
    QCOMPARE(w.view_end_ns() - w.view_start_ns(), zoomed);
    w.reset_view();
    QCOMPARE(w.view_end_ns() - w.view_start_ns(), full);
  }

  void playhead_is_painted() {
    TimelineWidget w;
    w.set_session(*session_);
    w.resize(900, w.sizeHint().height());
    w.set_current_sample(12);
    QCOMPARE(w.current_sample(), 12);
    const QImage image = w.grab().toImage();
    const int x = static_cast<int>(w.x_for_time(session_->sample_times()[12]));
    const int y = w.lane_rect(0).center().y();
    bool yellow = false;
    for (int dx = -1; dx <= 1; ++dx) {
      const QColor c = image.pixelColor(x + dx, y);
      yellow = yellow || (c.red() > 200 && c.green() > 170 && c.blue() < 140);
    }
    QVERIFY2(yellow, "no playhead where sample 12 is");
  }

  void extra_lanes() {
    TimelineWidget w;
    w.set_session(*session_);
    w.resize(1000, 300);
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    const auto& t = session_->sample_times();
    TimelineLane findings;
    findings.name = "findings";
    findings.kind = TimelineLane::Kind::Spans;
    findings.items.push_back({t[5], t[9], 2.0, 101, "sync skew", QColor(Qt::red)});
    findings.items.push_back({t[20], t[20], 1.0, 102, "blurry image", {}});
    const int before = w.lane_count();
    const int index = w.add_lane(findings);
    QCOMPARE(index, before);
    QCOMPARE(w.lane_count(), before + 1);
    QVERIFY(w.sizeHint().height() >= w.lane_rect(index).bottom());
    QCOMPARE(w.lane(index).items.size(), std::size_t{2});

    QSignalSpy items(&w, &TimelineWidget::item_clicked);
    QSignalSpy samples(&w, &TimelineWidget::sample_requested);
    QTest::mouseClick(&w, Qt::LeftButton, {},
                      QPoint(static_cast<int>(w.x_for_time(t[7])), w.lane_rect(index).center().y()));
    QCOMPARE(items.count(), 1);
    QCOMPARE(items.at(0).at(0).toInt(), index);
    QCOMPARE(w.lane(index).items[static_cast<std::size_t>(items.at(0).at(1).toInt())].id, 101);
    QCOMPARE(samples.takeFirst().at(0).toInt(), 7);

    // Same name replaces; tags lane appends; remove by name.
    findings.items.pop_back();
    QCOMPARE(w.add_lane(findings), index);
    QCOMPARE(w.lane(index).items.size(), std::size_t{1});
    TimelineLane tags;
    tags.name = "tags";
    tags.kind = TimelineLane::Kind::Spans;
    tags.items.push_back({t[1], t[2], 1.0, 1, "night", {}});
    QCOMPARE(w.add_lane(tags), before + 1);
    QVERIFY(w.remove_lane("findings"));
    QVERIFY(!w.remove_lane("findings"));
    QCOMPARE(w.lane_index("tags"), before);
    w.grab();  // paints every kind of lane
  }

  void playback_steps_jumps_and_speed() {
    PlaybackController pc;
    QSignalSpy changed(&pc, &PlaybackController::current_changed);
    pc.set_sample_times(session_->sample_times());
    QCOMPARE(pc.current(), 0);
    QCOMPARE(pc.sample_count(), 30);
    changed.clear();

    pc.step_forward();
    QCOMPARE(pc.current(), 1);
    QCOMPARE(changed.takeFirst().at(0).toInt(), 1);
    pc.step(5);
    QCOMPARE(pc.current(), 6);
    pc.step_backward();
    QCOMPARE(pc.current(), 5);
    pc.jump_end();
    QCOMPARE(pc.current(), 29);
    pc.step_forward();  // clamped, no signal
    QCOMPARE(pc.current(), 29);
    pc.jump_start();
    QCOMPARE(pc.current(), 0);
    pc.step_backward();
    QCOMPARE(pc.current(), 0);
    QCOMPARE(changed.count(), 4);  // 6, 5, 29, 0 (the first was taken above)

    // Speeds snap to x0.25 .. x4; the step interval follows the recorded time between samples.
    const auto& t = session_->sample_times();
    const double dt_ms = static_cast<double>(t[1] - t[0]) * 1e-6;
    QVERIFY(std::abs(pc.step_interval_ms() - dt_ms) <= 1.0);
    pc.set_speed(2.0);
    QCOMPARE(pc.speed(), 2.0);
    QVERIFY(std::abs(pc.step_interval_ms() - dt_ms / 2) <= 1.0);
    pc.set_speed(0.25);
    QVERIFY(std::abs(pc.step_interval_ms() - dt_ms * 4) <= 1.0);
    pc.set_speed(3.0);
    QCOMPARE(pc.speed(), 4.0);
    pc.faster();
    QCOMPARE(pc.speed(), 4.0);
    pc.slower();
    QCOMPARE(pc.speed(), 2.0);
    pc.set_speed(0.1);
    QCOMPARE(pc.speed(), 0.25);
    pc.slower();
    QCOMPARE(pc.speed(), 0.25);
    pc.set_speed(1.0);

    // Play at x4 runs through the drive in about a quarter of its recorded duration, then stops at the end.
    QSignalSpy playing(&pc, &PlaybackController::playing_changed);
    pc.set_speed(4.0);
    pc.jump_start();
    QElapsedTimer timer;
    timer.start();
    pc.play();
    QVERIFY(pc.is_playing());
    QTRY_VERIFY_WITH_TIMEOUT(!pc.is_playing(), 10000);
    const double recorded_ms = static_cast<double>(t.back() - t.front()) * 1e-6;
    QCOMPARE(pc.current(), 29);
    QVERIFY2(timer.elapsed() >= recorded_ms / 4 - 20, qPrintable(QString::number(timer.elapsed())));
    QCOMPARE(playing.count(), 2);
    QCOMPARE(playing.at(0).at(0).toBool(), true);
    QCOMPARE(playing.at(1).at(0).toBool(), false);

    // Play from the end restarts at the beginning; pause stops the timer; toggle flips.
    pc.play();
    QCOMPARE(pc.current(), 0);
    pc.toggle_play();
    QVERIFY(!pc.is_playing());
    const int parked = pc.current();
    QTest::qWait(100);
    QCOMPARE(pc.current(), parked);
  }

  void timeline_and_playback_together() {
    TimelineWidget w;
    PlaybackController pc;
    w.set_session(*session_);
    pc.set_sample_times(session_->sample_times());
    connect(&w, &TimelineWidget::sample_requested, &pc, &PlaybackController::set_current);
    connect(&pc, &PlaybackController::current_changed, &w, &TimelineWidget::set_current_sample);
    w.resize(1000, w.sizeHint().height());
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    QTest::mouseClick(&w, Qt::LeftButton, {}, at(w, session_->sample_times()[17]));
    QCOMPARE(pc.current(), 17);
    QCOMPARE(w.current_sample(), 17);
    pc.step_forward();
    QCOMPARE(w.current_sample(), 18);
  }
};

QTEST_MAIN(TstTimelineWidget)
#include "tst_timeline_widget.moc"
