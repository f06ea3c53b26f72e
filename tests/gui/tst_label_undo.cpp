// Label edits through the undo stack against a real catalog (a generated drive): after every undo the `labels` and
// `label_revisions` rows (read with plain SQL) are exactly those before the edit, redo gives back the edited rows,
// and a propagated box matches a hand computation from the drive's poses.
#include "sql_table_snapshot.h"
#include "test_support.h"

#include "dc/core/catalog/catalog.h"
#include "dc/core/data/drive_session.h"
#include "dc/core/io/ingester.h"
#include "dc/synth/drive_generator.h"
#include "dc/widgets/label_editor.h"

#include <Eigen/Geometry>
#include <QSignalSpy>
#include <QTest>
#include <QUndoStack>

#include <cmath>
#include <numbers>

namespace fs = std::filesystem;
using dc::core::BoxLabel;
using dc::core::LabelSource;
using dc::test::LabelTables;

namespace {

// The ego pose at time t from the drive's GNSS/IMU fixes, by hand: the two fixes around t, translation linear,
// rotation by quaternion slerp; the nearest fix outside their span.
Eigen::Isometry3d world_from_imu_by_hand(const std::vector<dc::core::Pose>& poses, dc::core::TimestampNs t) {
  if (t <= poses.front().timestamp_ns) return poses.front().T_world_from_imu;
  if (t >= poses.back().timestamp_ns) return poses.back().T_world_from_imu;
  std::size_t i = 1;
  while (poses[i].timestamp_ns < t) ++i;
  const auto& a = poses[i - 1];
  const auto& b = poses[i];
  const double s = static_cast<double>(t - a.timestamp_ns) / static_cast<double>(b.timestamp_ns - a.timestamp_ns);
  const Eigen::Quaterniond qa(a.T_world_from_imu.linear()), qb(b.T_world_from_imu.linear());
  Eigen::Isometry3d out = Eigen::Isometry3d::Identity();
  out.linear() = qa.slerp(s, qb).toRotationMatrix();
  out.translation() = (1 - s) * a.T_world_from_imu.translation() + s * b.T_world_from_imu.translation();
  return out;
}

}  // namespace

class TestLabelUndo : public QObject {
  Q_OBJECT
  fs::path work_, catalog_file_;
  std::unique_ptr<dc::core::Catalog> catalog_;
  std::shared_ptr<const dc::core::DriveSession> session_;
  std::int64_t drive_id_ = 0;
  dc::widgets::LabelEditor* editor_ = nullptr;

  LabelTables tables() const { return dc::test::label_tables(catalog_file_); }
  QUndoStack& stack() const { return *editor_->undo_stack(); }
  BoxLabel current(std::int64_t id) const { return *catalog_->label_repository().find(id); }

  // One edit through the stack: the rows change, undo gives back `before` exactly, redo gives back `after`.
  template <typename Edit>
  LabelTables edit_undo_redo(Edit&& edit) {
    const LabelTables before = tables();
    const int index = stack().index();
    const bool ok = edit();
    if (!ok) qWarning("%s", qPrintable(editor_->last_error()));
    [&] { QVERIFY(ok); }();
    const LabelTables after = tables();
    [&] {
      QCOMPARE(stack().index(), index + 1);
      QVERIFY(after != before);
      stack().undo();
      const LabelTables undone = tables();
      QCOMPARE(undone.labels, before.labels);
      QCOMPARE(undone.revisions, before.revisions);
      stack().redo();
      const LabelTables redone = tables();
      QCOMPARE(redone.labels, after.labels);
      QCOMPARE(redone.revisions, after.revisions);
    }();
    return after;
  }

 private slots:
  void initTestCase() {
    work_ = dc::test::fresh_work_dir("gui_label_undo");
    dc::core::GeneratorOptions g;
    g.out = work_ / "gen";
    g.frames = 12;
    g.seed = 5;
    g.cameras = 1;
    g.image_width = 320;
    g.image_height = 96;
    g.lidar_beams = 32;
    g.lidar_columns = 400;
    g.threads = 2;
    dc::core::generate_drive(g);
    catalog_file_ = work_ / "catalog.sqlite";
    catalog_ = std::make_unique<dc::core::Catalog>(catalog_file_);
    dc::core::Ingester(*catalog_).ingest({work_ / "gen"});
    const auto drives = catalog_->drives();
    QCOMPARE(drives.size(), std::size_t(1));
    drive_id_ = drives.front().id;
    session_ = dc::core::DriveSession::open(*catalog_, drives.front().name);
    QCOMPARE(session_->sample_count(), 12);
    QVERIFY(!session_->labels(0).empty());
    editor_ = new dc::widgets::LabelEditor(this);
    editor_->set_target(catalog_.get(), session_, drive_id_);
  }

  void moveRotateResizeClassUndoRedo() {
    const BoxLabel original = session_->labels(2).front();
    QVERIFY(original.source == LabelSource::GroundTruth);
    const LabelTables start = tables();
    const int base = stack().index();

    BoxLabel moved = current(original.id);
    moved.center += Eigen::Vector3d(0.75, -0.5, 0);
    edit_undo_redo([&] { return editor_->edit_box(moved, "Move"); });
    const BoxLabel after_move = current(original.id);
    QCOMPARE(after_move.revision, original.revision + 1);
    QVERIFY(after_move.source == LabelSource::Manual);
    QCOMPARE(after_move.center.x(), original.center.x() + 0.75);
    QCOMPARE(after_move.center.y(), original.center.y() - 0.5);
    // The previous revision is kept as it was.
    const auto history = catalog_->label_repository().history(original.id);
    QCOMPARE(history.size(), std::size_t(2));
    QVERIFY(history.front().source == LabelSource::GroundTruth);
    QCOMPARE(history.front().center.x(), original.center.x());

    BoxLabel rotated = current(original.id);
    rotated.yaw = 0.4;
    edit_undo_redo([&] { return editor_->edit_box(rotated, "Rotate"); });
    BoxLabel resized = current(original.id);
    resized.length += 1.0;
    resized.width = 1.25;
    resized.height = 2.0;
    edit_undo_redo([&] { return editor_->edit_box(resized, "Resize"); });
    BoxLabel reclassed = current(original.id);
    reclassed.category = "Van";
    reclassed.track_id = "edited-7";
    const LabelTables final_rows = edit_undo_redo([&] { return editor_->edit_box(reclassed, "Class"); });
    const BoxLabel last = current(original.id);
    QCOMPARE(last.revision, original.revision + 4);
    QCOMPARE(last.category, std::string("Van"));
    QCOMPARE(last.track_id, std::string("edited-7"));
    QCOMPARE(last.yaw, 0.4);
    QCOMPARE(last.width, 1.25);
    QCOMPARE(catalog_->label_repository().history(original.id).size(), std::size_t(5));

    // All four undone: the catalog is back to the rows before the first edit.
    for (int i = 0; i < 4; ++i) stack().undo();
    QCOMPARE(stack().index(), base);
    QCOMPARE(tables().labels, start.labels);
    QCOMPARE(tables().revisions, start.revisions);
    for (int i = 0; i < 4; ++i) stack().redo();
    QCOMPARE(tables().labels, final_rows.labels);
    QCOMPARE(tables().revisions, final_rows.revisions);
  }

  void deleteAndCreateUndoRedo() {
    const BoxLabel victim = session_->labels(4).back();
    const LabelTables deleted = edit_undo_redo([&] { return editor_->delete_box(victim.id); });
    QVERIFY(current(victim.id).deleted);
    QCOMPARE(current(victim.id).revision, victim.revision + 1);

    BoxLabel fresh;
    fresh.frame_index = session_->sample(4).key();
    fresh.timestamp_ns = session_->sample(4).timestamp_ns;
    fresh.center = {8, 3, -0.9};
    fresh.length = 4, fresh.width = 1.8, fresh.height = 1.5, fresh.yaw = 0.2;
    fresh.category = "Car";
    std::optional<std::int64_t> id;
    const LabelTables created = edit_undo_redo([&] {
      id = editor_->create_box(fresh);
      return id.has_value();
    });
    QVERIFY(id);
    QCOMPARE(created.labels.size(), deleted.labels.size() + 1);
    const BoxLabel stored = current(*id);  // after the redo: the same id again
    QVERIFY(stored.source == LabelSource::Manual);
    QCOMPARE(stored.revision, 1);
    QCOMPARE(stored.center, fresh.center);
  }

  void propagationFollowsThePoses() {
    // A manual box with its own track at sample 3, copied to the next 4 samples; sample 5 already has that track.
    const int k = 3;
    BoxLabel box;
    box.frame_index = session_->sample(k).key();
    box.timestamp_ns = session_->sample(k).timestamp_ns;
    box.center = {11.0, -2.5, -0.8};
    box.length = 4.2, box.width = 1.7, box.height = 1.5, box.yaw = 0.3;
    box.category = "Car";
    box.track_id = "prop";
    const auto id = editor_->create_box(box);
    QVERIFY(id);
    BoxLabel blocker = box;
    blocker.frame_index = session_->sample(5).key();
    blocker.timestamp_ns = session_->sample(5).timestamp_ns;
    QVERIFY(editor_->create_box(blocker));
    const BoxLabel source_box = current(*id);

    const LabelTables before = tables();
    dc::widgets::PropagationReport report;
    const LabelTables after = edit_undo_redo([&] {
      report = editor_->propagate(source_box, k, 4);
      return !report.created_keys.empty();
    });
    QCOMPARE(report.created_keys, (std::vector<std::int64_t>{session_->sample(4).key(), session_->sample(6).key(),
                                                             session_->sample(7).key()}));
    QCOMPARE(report.skipped_keys, std::vector<std::int64_t>{session_->sample(5).key()});
    QVERIFY(report.message.contains("skipped"));
    QCOMPARE(after.labels.size(), before.labels.size() + 3);

    const auto poses = catalog_->poses(drive_id_);
    QVERIFY(poses.size() >= 2);
    auto world_from_lidar = [&](int sample) {
      return world_from_imu_by_hand(poses, session_->sample(sample).timestamp_ns) *
             session_->T_lidar_from_imu(sample).inverse();
    };
    for (int j : {4, 6, 7}) {
      const auto labels = catalog_->labels(drive_id_, session_->sample(j).key());
      const BoxLabel* copy = nullptr;
      for (const auto& l : labels)
        if (l.track_id == "prop") copy = &l;
      QVERIFY(copy);
      const Eigen::Isometry3d T = world_from_lidar(j).inverse() * world_from_lidar(k);
      const Eigen::Vector3d expected = T * box.center;
      // The world heading of the box, expressed in sample j's lidar frame.
      const Eigen::Vector3d heading = T.linear() * Eigen::Vector3d(std::cos(box.yaw), std::sin(box.yaw), 0);
      QVERIFY2((copy->center - expected).norm() < 1e-9, qPrintable(QString("sample %1").arg(j)));
      QVERIFY(std::abs(copy->yaw - std::atan2(heading.y(), heading.x())) < 1e-9);
      QCOMPARE(copy->length, box.length);
      QCOMPARE(copy->height, box.height);
      QVERIFY(copy->source == LabelSource::Manual);
      QCOMPARE(copy->timestamp_ns, session_->sample(j).timestamp_ns);
      // The ego moves between samples: the copy really is carried, not duplicated in place.
      QVERIFY((copy->center - box.center).norm() > 0.05);
    }
  }

  void mixedUndoRedoSequence() {
    // Rows at every stack position, then a walk over the stack that must land on them each time.
    std::vector<LabelTables> at_index(static_cast<std::size_t>(stack().count() + 1));
    while (stack().canUndo()) stack().undo();
    at_index[0] = tables();
    for (int i = 1; i <= stack().count(); ++i) {
      stack().redo();
      at_index[static_cast<std::size_t>(i)] = tables();
    }
    const int top = stack().count();
    for (int step : {-3, 1, -2, 2, -5, 3, 1, 2, 3})
      for (int n = 0; n < std::abs(step); ++n) {
        if (step < 0 && stack().canUndo()) stack().undo();
        if (step > 0 && stack().canRedo()) stack().redo();
        QVERIFY(tables() == at_index[static_cast<std::size_t>(stack().index())]);
      }
    QCOMPARE(stack().index(), top);
    QVERIFY(tables() == at_index[static_cast<std::size_t>(top)]);
  }

  void editKeepsWhatWasStoredInPlace() {
    // The box as a view holds it, then its review state changes in place (no new revision), then it is moved.
    const BoxLabel shown = catalog_->labels(drive_id_, session_->sample(9).key()).front();
    {
      // What an in-place review write does: the row changes, the revision does not.
      auto rows = catalog_->label_repository().stored_rows(shown.id);
      auto target = rows;
      for (std::size_t c = 0; c < target.label->columns.size(); ++c)
        if (target.label->columns[c] == "review") target.label->values[c] = std::string("accepted");
      catalog_->label_repository().put_back({target}, {rows});
    }
    BoxLabel moved = shown;
    moved.center.x() += 0.5;
    QVERIFY(editor_->edit_box(moved, "Move"));
    const BoxLabel stored = current(shown.id);
    QCOMPARE(stored.center.x(), shown.center.x() + 0.5);
    QCOMPARE(stored.revision, shown.revision + 1);
    QVERIFY(stored.review == dc::core::ReviewState::Accepted);
  }

  void undoRefusesWhenTheLabelChangedMeanwhile() {
    const BoxLabel box = catalog_->labels(drive_id_, session_->sample(8).key()).front();
    BoxLabel moved = box;
    moved.center.x() += 1;
    QVERIFY(editor_->edit_box(moved, "Move"));
    // Another program edits the same label: undoing now would throw that edit away.
    BoxLabel other = current(box.id);
    other.center.y() += 2;
    catalog_->label_repository().update(other);
    const LabelTables changed = tables();
    QSignalSpy failed(editor_, &dc::widgets::LabelEditor::edit_failed);
    stack().undo();
    QCOMPARE(failed.count(), 1);
    QVERIFY(failed.front().front().toString().contains("changed meanwhile"));
    QVERIFY(tables() == changed);
  }

  void cleanupTestCase() {
    editor_->set_target(nullptr, nullptr, std::nullopt);
    catalog_.reset();
  }
};

QTEST_MAIN(TestLabelUndo)
#include "tst_label_undo.moc"
