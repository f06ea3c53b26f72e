// Review in the main window: the Review dock and menu (next / previous unreviewed, accept, reject, fixed, per-track
// accept / reject), the reviewer's name, and taking up a drive's last review session when it opens.
#include "main_window.h"

#include "dc/core/data/drive_session.h"
#include "dc/core/data/loaded_sample.h"
#include "dc/widgets/findings_panel.h"
#include "dc/widgets/playback_controller.h"
#include "dc/widgets/review_panel.h"
#include "dc/widgets/sample_cache.h"
#include "dc/widgets/validation_lanes.h"

#include <QDockWidget>
#include <QMenuBar>
#include <QSettings>
#include <QStatusBar>

#include <set>

namespace dc::app {

void MainWindow::build_review() {
  review_ = new widgets::ReviewPanel(this);
  review_->setObjectName("reviewPanel");
  auto* dock = new QDockWidget(tr("Review"), this);
  dock->setObjectName("reviewDock");
  dock->setWidget(review_);
  addDockWidget(Qt::BottomDockWidgetArea, dock);
  if (auto* findings = findChild<QDockWidget*>("findingsDock")) {
    tabifyDockWidget(findings, dock);
    findings->raise();
  }

  auto* menu = new QMenu(tr("Re&view"), this);
  menu->setObjectName("reviewMenu");
  const auto bar_actions = menuBar()->actions();  // before Help
  menuBar()->insertMenu(bar_actions.isEmpty() ? nullptr : bar_actions.back(), menu);
  const auto actions = review_->review_actions();
  menu->addActions(actions.mid(0, 2));
  menu->addSeparator();
  menu->addActions(actions.mid(2, 3));
  menu->addSeparator();
  menu->addActions(actions.mid(5));
  menu->addSeparator();
  menu->addAction(tr("Review panel"), this, [dock] {
    dock->show();
    dock->raise();
  });

  connect(review_, &widgets::ReviewPanel::sample_requested, this, &MainWindow::show_review_sample);
  connect(review_, &widgets::ReviewPanel::reviewed, findings_, &widgets::FindingsPanel::reload);
  connect(review_, &widgets::ReviewPanel::reviewed, this, &MainWindow::on_reviewed);
  connect(review_, &widgets::ReviewPanel::message, this,
          [this](const QString& text) { statusBar()->showMessage(text, 8000); });
  connect(review_, &widgets::ReviewPanel::reviewer_changed, this, [this](const QString& name) {
    findings_->set_reviewer(name);
    QSettings().setValue("review/reviewer", name);
  });
  // The name last typed, else the OS user.
  const QString stored = QSettings().value("review/reviewer").toString();
  if (!stored.isEmpty()) review_->set_reviewer(stored);
  findings_->set_reviewer(review_->reviewer());
}

int MainWindow::resume_review() {
  if (!review_) return -1;
  const auto key = review_->set_drive(drive_id_);
  if (!key || !session_) return -1;
  const int position = widgets::sample_position(*session_, *key);
  if (position >= 0)
    statusBar()->showMessage(
        tr("review session %1: back at sample key %2").arg(QString::fromStdString(review_->session()->name)).arg(*key),
        8000);
  return position;
}

void MainWindow::show_review_sample(qint64 sample_key) {
  if (!session_) return;
  const int position = widgets::sample_position(*session_, sample_key);
  if (position < 0) return;
  playback_->set_current(position);
  if (current_sample_ != position) on_current_changed(position);
}

void MainWindow::on_reviewed() {
  // The views show review states (a rejected box fades): the shown sample's labels, and those of other samples
  // kept after edits, are read again; cached samples (a bulk track review reaches them too) are loaded anew.
  if (!session_ || current_sample_ < 0 || current_sample_ >= session_->sample_count()) return;
  std::set<std::int64_t> keys{session_->sample(current_sample_).key()};
  for (const auto& entry : edited_labels_) keys.insert(entry.first);
  cache_->clear();
  on_labels_edited(keys, 0);
}

void MainWindow::review_box_selected(int index) {
  if (!review_) return;
  if (shown_data_ && index >= 0 && index < static_cast<int>(shown_data_->labels.size()))
    review_->set_selected_label(shown_data_->labels[static_cast<std::size_t>(index)]);
  else
    review_->set_selected_label(std::nullopt);
}

}  // namespace dc::app
