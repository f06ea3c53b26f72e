// The main window's label editing: the editor and its undo stack, the Edit menu, the edit history dock, and the
// wiring between the views' edit gestures, the inspector's fields and the catalog.
#include "main_window.h"

#include "dc/core/catalog/catalog.h"
#include "dc/core/data/drive_session.h"
#include "dc/core/data/loaded_sample.h"
#include "dc/core/data/point_box_membership.h"
#include "dc/widgets/box_edit_form.h"
#include "dc/core/edit/box_footprint_fit.h"
#include "dc/widgets/camera_view.h"
#include "dc/widgets/inspector_panel.h"
#include "dc/widgets/label_editor.h"
#include "dc/widgets/point_cloud_view.h"
#include "dc/widgets/timeline_widget.h"

#include <QAction>
#include <QActionGroup>
#include <QDockWidget>
#include <QInputDialog>
#include <QMenu>
#include <QMenuBar>
#include <QStatusBar>
#include <QUndoStack>
#include <QUndoView>

#include <algorithm>

namespace dc::app {

namespace {
constexpr double kFallbackBoxHeight = 1.5;  // m, a drawn box over ground without points above it
}

QUndoStack* MainWindow::undo_stack() const {
  return label_editor_->undo_stack();
}

void MainWindow::build_label_editing() {
  label_editor_ = new widgets::LabelEditor(this);
  auto* stack = label_editor_->undo_stack();

  auto* edit = new QMenu(tr("&Edit"), this);
  edit->setObjectName("editMenu");
  const auto menus = menuBar()->actions();
  menuBar()->insertMenu(menus.size() > 1 ? menus[1] : nullptr, edit);  // after File
  auto* undo = stack->createUndoAction(this, tr("&Undo"));
  undo->setObjectName("undoAction");
  undo->setShortcut(QKeySequence::Undo);
  auto* redo = stack->createRedoAction(this, tr("&Redo"));
  redo->setObjectName("redoAction");
  redo->setShortcuts({QKeySequence(tr("Ctrl+Shift+Z")), QKeySequence(tr("Ctrl+Y"))});
  edit->addAction(undo);
  edit->addAction(redo);
  edit->addSeparator();
  auto* remove =
      edit->addAction(tr("&Delete box"), QKeySequence(Qt::Key_Delete), this, [this] { delete_selected_box(); });
  remove->setObjectName("deleteBoxAction");
  auto* propagate = edit->addAction(tr("&Propagate box along track…"), QKeySequence(tr("Ctrl+Shift+P")), this, [this] {
    bool ok = false;
    const int n = QInputDialog::getInt(this, tr("Propagate box"), tr("Copy the selected box to the next samples:"), 10,
                                       1, 1000, 1, &ok);
    if (ok) propagate_selected_box(n);
  });
  propagate->setObjectName("propagateBoxAction");
  auto* classes = edit->addMenu(tr("New box class (Shift+drag in the 3D view)"));
  auto* class_group = new QActionGroup(this);
  for (const auto& c : widgets::BoxEditForm::classes()) {
    auto* a = classes->addAction(c);
    a->setCheckable(true);
    a->setChecked(c == new_box_class_);
    a->setObjectName("newBoxClass_" + c);
    class_group->addAction(a);
    connect(a, &QAction::triggered, this, [this, c] { set_new_box_class(c); });
  }
  for (auto* a : {undo, redo, remove, propagate}) addAction(a);  // shortcuts work with the menu bar hidden too

  auto* history = new QUndoView(stack, this);
  history->setObjectName("editHistory");
  history->setEmptyLabel(tr("<drive as opened>"));
  auto* dock = new QDockWidget(tr("Edit history"), this);
  dock->setObjectName("editHistoryDock");
  dock->setWidget(history);
  addDockWidget(Qt::LeftDockWidgetArea, dock);
  if (auto* inspector = findChild<QDockWidget*>("inspectorDock")) tabifyDockWidget(inspector, dock);
  if (auto* inspector = findChild<QDockWidget*>("inspectorDock")) inspector->raise();
  edit->addSeparator();
  edit->addAction(dock->toggleViewAction());

  connect(label_editor_, &widgets::LabelEditor::labels_changed, this, &MainWindow::on_labels_edited);
  connect(label_editor_, &widgets::LabelEditor::edit_failed, this, [this](const QString& message) {
    report_error(message);
    on_labels_edited({}, selected_label_id_);  // the views go back to what is stored
  });
  connect(point_view_, &widgets::PointCloudView::box_edit_preview, this, &MainWindow::on_box_edit_preview);
  connect(point_view_, &widgets::PointCloudView::box_edit_finished, this, &MainWindow::on_box_edit_finished);
  connect(point_view_, &widgets::PointCloudView::footprint_drawn, this, &MainWindow::on_footprint_drawn);
  connect(inspector_, &widgets::InspectorPanel::box_edited, this, [this](const core::BoxLabel& box) {
    label_editor_->edit_box(box, tr("Edit %1 fields").arg(QString::fromStdString(box.category)));
  });
}

void MainWindow::update_label_editor_target() {
  if (!label_editor_) return;
  const bool editable = catalog_ && session_ && drive_id_;
  label_editor_->set_target(editable ? catalog_.get() : nullptr, editable ? session_ : nullptr,
                            editable ? drive_id_ : std::nullopt);
  point_view_->set_editing_enabled(editable);
  for (auto* v : camera_views_) v->set_editing_enabled(editable);
}

void MainWindow::set_new_box_class(const QString& category) {
  new_box_class_ = category;
  if (auto* a = findChild<QAction*>("newBoxClass_" + category)) a->setChecked(true);
}

std::shared_ptr<const widgets::SampleData> MainWindow::with_edited_labels(
    std::shared_ptr<const widgets::SampleData> data) const {
  if (!data) return data;
  const auto it = edited_labels_.find(data->info.key());
  if (it == edited_labels_.end()) return data;
  auto patched = std::make_shared<core::LoadedSample>(*data);
  patched->labels = it->second;
  patched->point_box = core::first_box_per_point(patched->cloud, patched->labels);
  return patched;
}

int MainWindow::points_inside(const core::BoxLabel& box) const {
  if (!shown_data_) return -1;
  const auto membership = core::first_box_per_point(shown_data_->cloud, {box});
  return static_cast<int>(std::count(membership.begin(), membership.end(), 0));
}

void MainWindow::on_labels_edited(const std::set<std::int64_t>& sample_keys, std::int64_t label_id) {
  if (!catalog_ || !drive_id_ || !session_) return;
  try {
    for (const auto key : sample_keys) edited_labels_[key] = catalog_->labels(*drive_id_, key);
  } catch (const std::exception& e) {
    report_error(tr("cannot read the edited labels: %1").arg(QString::fromUtf8(e.what())));
  }
  // The timeline's box counts.
  const int lane_index = timeline_->lane_index("labels");
  if (lane_index >= 0 && !sample_keys.empty()) {
    widgets::TimelineLane lane = timeline_->lane(lane_index);
    for (auto& item : lane.items) {
      const int sample = static_cast<int>(item.id);
      if (sample < 0 || sample >= session_->sample_count()) continue;
      const auto it = edited_labels_.find(session_->sample(sample).key());
      if (it == edited_labels_.end() || !sample_keys.count(it->first)) continue;
      const int n = static_cast<int>(it->second.size());
      item.value = n;
      item.text = tr("sample %1: %n box(es)", "", n).arg(sample);
    }
    timeline_->add_lane(std::move(lane));
  }
  if (!shown_data_) return;
  const auto data = with_edited_labels(shown_data_);
  shown_data_ = data;
  const std::int64_t keep = label_id ? label_id : selected_label_id_;
  point_view_->set_sample(data->cloud, data->labels, data->point_box);
  for (auto* v : camera_views_) v->set_boxes(data->labels);
  int index = -1;
  for (std::size_t i = 0; i < data->labels.size(); ++i)
    if (data->labels[i].id == keep) index = static_cast<int>(i);
  point_view_->select_box(-1);  // the index may be the same for another box: select anew
  for (auto* v : camera_views_) v->select_box(-1);
  on_box_selected(index);
}

void MainWindow::on_box_edit_preview(int index, const core::BoxLabel& box) {
  if (!shown_data_ || index < 0 || index >= static_cast<int>(shown_data_->labels.size())) return;
  auto boxes = shown_data_->labels;
  boxes[static_cast<std::size_t>(index)] = box;
  for (auto* v : camera_views_) v->set_boxes(boxes);
  // A drag in a camera view is previewed in the 3D view too (the 3D view previews its own drags).
  if (qobject_cast<widgets::CameraView*>(sender())) point_view_->set_box(index, box);
  inspector_->show_box(box, points_inside(box));
}

void MainWindow::on_box_edit_finished(int index, const core::BoxLabel& box) {
  if (!shown_data_ || index < 0 || index >= static_cast<int>(shown_data_->labels.size())) return;
  const auto& before = shown_data_->labels[static_cast<std::size_t>(index)];
  QString what = tr("Resize");
  if (box.yaw != before.yaw)
    what = tr("Rotate");
  else if (box.length == before.length && box.width == before.width)
    what = tr("Move");
  label_editor_->edit_box(box, tr("%1 %2").arg(what, QString::fromStdString(box.category)));
}

void MainWindow::on_footprint_drawn(const core::BoxLabel& footprint) {
  if (!shown_data_ || !session_ || shown_sample_ < 0) return;
  core::BoxLabel box = footprint;
  box.category = new_box_class_.toStdString();
  box.frame_index = session_->sample(shown_sample_).key();
  box.timestamp_ns = session_->sample(shown_sample_).timestamp_ns;
  box.score = 1.0;
  box.track_id = label_editor_->unused_track_id();  // a track of its own, ready to be propagated
  const auto fit = core::fit_box_to_points(box, shown_data_->cloud, options_.ground_z, kFallbackBoxHeight);
  if (const auto id = label_editor_->create_box(box))
    statusBar()->showMessage(tr("new %1: %2 x %3 x %4 m, %n lidar point(s) above the ground", "", fit.object_points)
                                 .arg(new_box_class_)
                                 .arg(box.length, 0, 'f', 2)
                                 .arg(box.width, 0, 'f', 2)
                                 .arg(box.height, 0, 'f', 2),
                             10000);
}

void MainWindow::delete_selected_box() {
  if (!selected_label_id_) {
    statusBar()->showMessage(tr("select a box to delete"), 5000);
    return;
  }
  label_editor_->delete_box(selected_label_id_);
}

void MainWindow::propagate_selected_box(int count) {
  if (!shown_data_ || !selected_label_id_) {
    statusBar()->showMessage(tr("select a box to propagate"), 5000);
    return;
  }
  const auto& labels = shown_data_->labels;
  const auto it = std::find_if(labels.begin(), labels.end(),
                               [this](const core::BoxLabel& l) { return l.id == selected_label_id_; });
  if (it == labels.end()) return;
  const auto report = label_editor_->propagate(*it, shown_sample_, count);
  statusBar()->showMessage(report.message, 15000);
}

}  // namespace dc::app
