// Tags and queries in the main window: the Query dock (filter bar), the Tags menu with its shortcuts, and the
// timeline's tag lanes.
#include "main_window.h"

#include "dc/core/catalog/catalog.h"
#include "dc/core/data/drive_session.h"
#include "dc/core/util/logging.h"
#include "dc/widgets/filter_bar.h"
#include "dc/widgets/playback_controller.h"
#include "dc/widgets/query_line_edit.h"
#include "dc/widgets/tag_lanes.h"
#include "dc/widgets/timeline_widget.h"
#include "dc/widgets/validation_lanes.h"

#include <QAction>
#include <QComboBox>
#include <QDockWidget>
#include <QInputDialog>
#include <QMenuBar>
#include <QSettings>
#include <QStatusBar>

#include <algorithm>

namespace dc::app {

namespace {
// Common conditions an engineer marks while scrubbing; QSettings tags/shortcuts replaces the list (up to nine).
const QStringList kDefaultShortcutTags = {"night", "rain", "occluded", "interesting", "bad-calibration"};
constexpr int kMaxShortcutTags = 9;
}  // namespace

void MainWindow::build_tagging() {
  filter_bar_ = new widgets::FilterBar(this);
  filter_bar_->setObjectName("filterBar");
  auto* dock = new QDockWidget(tr("Query"), this);
  dock->setObjectName("queryDock");
  dock->setWidget(filter_bar_);
  addDockWidget(Qt::LeftDockWidgetArea, dock);
  if (auto* catalog = findChild<QDockWidget*>("catalogDock")) {
    tabifyDockWidget(catalog, dock);
    catalog->raise();
  }
  connect(filter_bar_, &widgets::FilterBar::sample_activated, this, &MainWindow::show_sample_key);

  QSettings settings;
  shortcut_tags_ = settings.value("tags/shortcuts", kDefaultShortcutTags).toStringList();
  shortcut_tags_.removeAll(QString());
  while (shortcut_tags_.size() > kMaxShortcutTags) shortcut_tags_.removeLast();

  tags_menu_ = new QMenu(tr("&Tags"), this);
  tags_menu_->setObjectName("tagsMenu");
  // Before Help, so the menu bar reads File View ... Tags Help.
  const auto bar_actions = menuBar()->actions();
  menuBar()->insertMenu(bar_actions.isEmpty() ? nullptr : bar_actions.back(), tags_menu_);
  auto* query = tags_menu_->addAction(tr("&Query…"), QKeySequence(tr("Ctrl+L")), this, [this, dock] {
    dock->show();
    dock->raise();
    filter_bar_->line_edit()->setFocus(Qt::ShortcutFocusReason);
    filter_bar_->line_edit()->selectAll();
  });
  query->setObjectName("queryAction");
  tags_menu_->addSeparator();
  for (int i = 0; i < shortcut_tags_.size(); ++i) {
    const QString tag = shortcut_tags_[i];
    auto* a = tags_menu_->addAction(tr("Tag '%1'").arg(tag), this, [this, tag] { tag_samples(tag); });
    a->setObjectName("tagAction_" + tag);
    a->setShortcut(QKeySequence(Qt::CTRL | static_cast<Qt::Key>(Qt::Key_1 + i)));
    a->setShortcutContext(Qt::WindowShortcut);
  }
  tags_menu_->addSeparator();
  auto* any = tags_menu_->addAction(tr("Tag…"), QKeySequence(tr("Ctrl+T")), this, [this] { ask_tag_name(); });
  any->setObjectName("tagDialogAction");
  auto* remove =
      tags_menu_->addAction(tr("Remove tag…"), QKeySequence(tr("Ctrl+Shift+T")), this, [this] { ask_tag_to_remove(); });
  remove->setObjectName("untagDialogAction");
  auto* clear = tags_menu_->addAction(tr("Clear timeline range"), this, [this] { timeline_->clear_selection(); });
  clear->setObjectName("clearRangeAction");
  connect(timeline_, &widgets::TimelineWidget::selection_changed, this, [this] {
    const auto range = timeline_->selected_samples();
    if (range)
      statusBar()->showMessage(tr("range: samples %1–%2 (%3); tag them with Ctrl+1..%4 or Ctrl+T")
                                   .arg(range->first)
                                   .arg(range->second)
                                   .arg(range->second - range->first + 1)
                                   .arg(shortcut_tags_.size()),
                               10000);
  });
}

std::vector<int> MainWindow::tag_targets() const {
  std::vector<int> out;
  if (!session_) return out;
  if (const auto range = timeline_->selected_samples()) {
    for (int i = range->first; i <= range->second; ++i) out.push_back(i);
    return out;
  }
  if (current_sample_ >= 0 && current_sample_ < session_->sample_count()) out.push_back(current_sample_);
  return out;
}

int MainWindow::tag_samples(const QString& tag) {
  const QString name = tag.trimmed();
  const auto targets = tag_targets();
  if (!catalog_ || !drive_id_ || name.isEmpty() || targets.empty()) return 0;
  std::vector<core::SampleRef> samples;
  for (int i : targets) samples.push_back({*drive_id_, session_->sample(i).key()});
  std::int64_t added = 0;
  try {
    added = catalog_->tag_repository().tag_all(samples, name.toStdString());
  } catch (const std::exception& e) {
    report_error(tr("cannot tag: %1").arg(QString::fromUtf8(e.what())));
    return 0;
  }
  core::log_info("tagged " + std::to_string(added) + " sample(s) of " + session_->name() + " '" + name.toStdString() +
                 "'");
  statusBar()->showMessage(
      tr("'%1' on %n sample(s)", "", static_cast<int>(samples.size())).arg(name) +
          (added < static_cast<std::int64_t>(samples.size()) ? tr(" (%1 new)").arg(added) : QString()),
      5000);
  refresh_tag_lanes();
  filter_bar_->reload_vocabulary();
  return static_cast<int>(added);
}

int MainWindow::untag_samples(const QString& tag) {
  const auto targets = tag_targets();
  if (!catalog_ || !drive_id_ || tag.isEmpty() || targets.empty()) return 0;
  std::vector<core::SampleRef> samples;
  for (int i : targets) samples.push_back({*drive_id_, session_->sample(i).key()});
  std::int64_t removed = 0;
  try {
    removed = catalog_->tag_repository().untag_all(samples, tag.toStdString());
  } catch (const std::exception& e) {
    report_error(tr("cannot remove tag: %1").arg(QString::fromUtf8(e.what())));
    return 0;
  }
  statusBar()->showMessage(tr("'%1' removed from %n sample(s)", "", static_cast<int>(removed)).arg(tag), 5000);
  refresh_tag_lanes();
  filter_bar_->reload_vocabulary();
  return static_cast<int>(removed);
}

void MainWindow::ask_tag_name() {
  if (tag_targets().empty()) {
    statusBar()->showMessage(tr("open a drive to tag its samples"), 5000);
    return;
  }
  QStringList names = shortcut_tags_;
  for (const auto& t : filter_bar_->line_edit()->vocabulary().tags)
    if (!names.contains(QString::fromStdString(t))) names << QString::fromStdString(t);
  auto* dialog = new QInputDialog(this);
  dialog->setObjectName("tagNameDialog");
  dialog->setAttribute(Qt::WA_DeleteOnClose);
  dialog->setWindowTitle(tr("Tag samples"));
  const int n = static_cast<int>(tag_targets().size());
  dialog->setLabelText(tr("Tag for %n sample(s):", "", n));
  dialog->setComboBoxItems(names);
  dialog->setComboBoxEditable(true);
  dialog->setTextValue(QString());
  connect(dialog, &QInputDialog::textValueSelected, this, [this](const QString& name) { tag_samples(name); });
  dialog->open();
}

void MainWindow::ask_tag_to_remove() {
  const auto targets = tag_targets();
  if (!catalog_ || !drive_id_ || targets.empty()) return;
  QStringList carried;
  try {
    for (int i : targets)
      for (const auto& t : catalog_->tag_repository().tags_of({*drive_id_, session_->sample(i).key()}))
        if (!carried.contains(QString::fromStdString(t))) carried << QString::fromStdString(t);
  } catch (const std::exception& e) {
    report_error(tr("cannot read tags: %1").arg(QString::fromUtf8(e.what())));
    return;
  }
  if (carried.isEmpty()) {
    statusBar()->showMessage(tr("no tags on the %n sample(s)", "", static_cast<int>(targets.size())), 5000);
    return;
  }
  carried.sort();
  auto* dialog = new QInputDialog(this);
  dialog->setObjectName("untagDialog");
  dialog->setAttribute(Qt::WA_DeleteOnClose);
  dialog->setWindowTitle(tr("Remove tag"));
  dialog->setLabelText(tr("Remove from %n sample(s):", "", static_cast<int>(targets.size())));
  dialog->setComboBoxItems(carried);
  dialog->setComboBoxEditable(false);
  connect(dialog, &QInputDialog::textValueSelected, this, [this](const QString& name) { untag_samples(name); });
  dialog->open();
}

void MainWindow::refresh_tag_lanes() {
  for (int i = timeline_->lane_count() - 1; i >= 0; --i)
    if (timeline_->lane(i).name.startsWith(widgets::kTagLanePrefix)) timeline_->remove_lane(timeline_->lane(i).name);
  if (!session_ || !catalog_ || !drive_id_) return;
  std::vector<widgets::TaggedSamples> tags;
  try {
    auto& repo = catalog_->tag_repository();
    for (const auto& count : repo.tag_counts(*drive_id_)) {
      widgets::TaggedSamples t{count.name, {}};
      for (const auto& s : repo.tagged(count.name))
        if (s.drive_id == *drive_id_) t.positions.push_back(widgets::sample_position(*session_, s.key));
      tags.push_back(std::move(t));
    }
  } catch (const std::exception& e) {
    report_error(tr("cannot read the drive's tags: %1").arg(QString::fromUtf8(e.what())));
    return;
  }
  for (auto& lane : widgets::tag_lanes(tags, *session_, *timeline_)) timeline_->add_lane(std::move(lane));
}

void MainWindow::show_sample_key(const QString& drive, std::int64_t sample_key) {
  if (session_ && QString::fromStdString(session_->name()) == drive) {
    const int position = widgets::sample_position(*session_, sample_key);
    if (position < 0) {
      report_error(tr("drive %1 has no sample with key %2").arg(drive).arg(sample_key));
      return;
    }
    playback_->set_current(position);
    if (current_sample_ != position) on_current_changed(position);
    return;
  }
  pending_sample_key_ = std::pair{drive, sample_key};
  if (!open_drive(drive)) pending_sample_key_.reset();
}

}  // namespace dc::app
