#include "dc/widgets/jobs_panel.h"

#include "dc/core/catalog/catalog.h"
#include "dc/widgets/run_log_view.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QHeaderView>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProgressBar>
#include <QStyle>
#include <QTableWidget>
#include <QTimer>
#include <QToolButton>
#include <QVBoxLayout>

#include <chrono>

namespace dc::widgets {

using dc::core::Job;
using dc::core::JobState;

namespace {

std::int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

QString duration_text(std::int64_t ns) {
  const double s = static_cast<double>(std::max<std::int64_t>(ns, 0)) * 1e-9;
  if (s < 60) return QString::number(s, 'f', 1) + " s";
  const int total = static_cast<int>(s);
  if (total < 3600) return QString("%1:%2").arg(total / 60).arg(total % 60, 2, 10, QChar('0'));
  return QString("%1:%2:%3").arg(total / 3600).arg(total / 60 % 60, 2, 10, QChar('0')).arg(total % 60, 2, 10, QChar('0'));
}

QColor state_color(JobState state) {
  switch (state) {
    case JobState::Queued:
      return QColor(0x90, 0xa4, 0xae);
    case JobState::Running:
      return QColor(0x4f, 0xc3, 0xf7);
    case JobState::Done:
      return QColor(0x81, 0xc7, 0x84);
    case JobState::Failed:
    case JobState::Interrupted:
      return QColor(0xef, 0x53, 0x50);
    case JobState::Cancelled:
      return QColor(0xff, 0xa7, 0x26);
  }
  return {};
}

// Counts as "3 findings, 40 metrics", from the stored {"findings": 3, ...}.
QString counts_text(const std::string& json) {
  QStringList parts;
  const QJsonObject counts = QJsonDocument::fromJson(QByteArray::fromStdString(json)).object();
  for (auto it = counts.begin(); it != counts.end(); ++it)
    if (it.value().isDouble()) parts << QString("%1 %2").arg(it.value().toInteger()).arg(it.key());
  return parts.join(", ");
}

// Slurm's elapsed seconds as the local runs' durations are written.
QString seconds_text(double s) {
  return duration_text(static_cast<std::int64_t>(s * 1e9));
}

QString samples_text(const Job& job) {
  if (job.first_sample == 0 && job.end_sample < 0) return QObject::tr("all");
  return QString("%1–%2").arg(job.first_sample).arg(job.end_sample < 0 ? QObject::tr("end") : QString::number(job.end_sample));
}

bool is_task(const Job& job) {
  return job.parent_id != 0;
}

}  // namespace

JobsPanel::JobsPanel(QWidget* parent) : QWidget(parent) {
  table_ = new QTableWidget(0, ColumnCount, this);
  table_->setObjectName("jobsTable");
  table_->setHorizontalHeaderLabels({tr("Run"), tr("Pass"), tr("Drive"), tr("State"), tr("Progress"), tr("Elapsed"),
                                     tr("Device"), tr("Node"), tr("Exit"), tr("Samples"), tr("Actions")});
  table_->verticalHeader()->hide();
  table_->setTextElideMode(Qt::ElideMiddle);  // drive names differ at their end (..._drive_0001_sync)
  table_->setSelectionBehavior(QAbstractItemView::SelectRows);
  table_->setSelectionMode(QAbstractItemView::SingleSelection);
  table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  table_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
  table_->horizontalHeader()->setSectionResizeMode(DriveColumn, QHeaderView::Stretch);
  table_->horizontalHeader()->setSectionResizeMode(ProgressColumn, QHeaderView::Interactive);
  table_->setColumnWidth(ProgressColumn, 130);
  cancel_selected_ = new QToolButton(this);
  cancel_selected_->setObjectName("cancelSelectedButton");
  cancel_selected_->setText(tr("Cancel selected"));
  cancel_selected_->setToolTip(tr("Cancel the selected run; on a cluster, the whole array job or the selected task"));
  cancel_selected_->setEnabled(false);
  auto* bar = new QHBoxLayout;
  bar->setContentsMargins(0, 0, 0, 0);
  bar->addWidget(cancel_selected_);
  bar->addStretch(1);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(2, 2, 2, 2);
  layout->addLayout(bar);
  layout->addWidget(table_);
  connect(cancel_selected_, &QToolButton::clicked, this, [this] {
    if (const auto run = selected_run()) request_cancel(*run);
  });
  connect(table_, &QTableWidget::itemSelectionChanged, this, &JobsPanel::update_cancel_selected);
  connect(table_, &QTableWidget::itemDoubleClicked, this, [this](QTableWidgetItem* item) {
    const auto it = jobs_.find(table_->item(item->row(), RunColumn)->data(Qt::UserRole).toLongLong());
    if (it == jobs_.end()) return;
    if (it->second.cluster_array())
      set_expanded(it->first, !expanded(it->first));
    else if (!it->second.log_path.empty())
      show_log(it->first);
  });
  timer_ = new QTimer(this);
  timer_->setInterval(kIdlePollMs);
  connect(timer_, &QTimer::timeout, this, &JobsPanel::refresh);
}

void JobsPanel::set_catalog(dc::core::Catalog* catalog) {
  catalog_ = catalog;
  table_->setRowCount(0);
  jobs_.clear();
  tasks_.clear();
  folded_.clear();
  live_.clear();
  cancelling_.clear();
  loaded_ = false;
  if (log_view_) log_view_->hide();
  if (!catalog_) {
    timer_->stop();
    return;
  }
  refresh();
  timer_->start();
}

int JobsPanel::row_of(std::int64_t run) const {
  for (int r = 0; r < table_->rowCount(); ++r)
    if (table_->item(r, RunColumn)->data(Qt::UserRole).toLongLong() == run) return r;
  return -1;
}

QString JobsPanel::text(std::int64_t run, Column column) const {
  const int r = row_of(run);
  if (r < 0) return {};
  if (column == ProgressColumn) return QString::number(progress_bar(run)->value()) + "%";
  const auto* item = table_->item(r, column);
  return item ? item->text() : QString();
}

QProgressBar* JobsPanel::progress_bar(std::int64_t run) const {
  const int r = row_of(run);
  return r < 0 ? nullptr : qobject_cast<QProgressBar*>(table_->cellWidget(r, ProgressColumn));
}

QToolButton* JobsPanel::log_button(std::int64_t run) const {
  const int r = row_of(run);
  auto* cell = r < 0 ? nullptr : table_->cellWidget(r, ActionsColumn);
  return cell ? cell->findChild<QToolButton*>("logButton") : nullptr;
}

QToolButton* JobsPanel::cancel_button(std::int64_t run) const {
  const int r = row_of(run);
  auto* cell = r < 0 ? nullptr : table_->cellWidget(r, ActionsColumn);
  return cell ? cell->findChild<QToolButton*>("cancelButton") : nullptr;
}

std::optional<Job> JobsPanel::job(std::int64_t run) const {
  const auto it = jobs_.find(run);
  return it == jobs_.end() ? std::nullopt : std::optional<Job>(it->second);
}

bool JobsPanel::has_active_runs() const {
  for (const auto& [id, j] : jobs_)
    if (!j.finished()) return true;
  return false;
}

std::vector<std::int64_t> JobsPanel::task_ids(std::int64_t array_job) const {
  const auto it = tasks_.find(array_job);
  return it == tasks_.end() ? std::vector<std::int64_t>{} : it->second;
}

void JobsPanel::set_expanded(std::int64_t array_job, bool expanded) {
  if (expanded)
    folded_.erase(array_job);
  else
    folded_.insert(array_job);
  refresh();
}

std::optional<std::int64_t> JobsPanel::selected_run() const {
  const auto rows = table_->selectionModel()->selectedRows();
  if (rows.isEmpty()) return std::nullopt;
  return table_->item(rows.first().row(), RunColumn)->data(Qt::UserRole).toLongLong();
}

bool JobsPanel::select_run(std::int64_t run) {
  const int r = row_of(run);
  if (r < 0) return false;
  table_->selectRow(r);
  return true;
}

void JobsPanel::update_cancel_selected() {
  const auto run = selected_run();
  const auto it = run ? jobs_.find(*run) : jobs_.end();
  cancel_selected_->setEnabled(it != jobs_.end() && !it->second.finished() && !cancelling_.count(it->first));
}

void JobsPanel::request_cancel(std::int64_t run) {
  cancelling_.insert(run);
  if (auto it = jobs_.find(run); it != jobs_.end()) update_row(row_of(run), it->second);
  update_cancel_selected();
  emit cancel_requested(run);
}

void JobsPanel::refresh() {
  if (!catalog_) return;
  std::vector<Job> jobs;
  std::map<std::int64_t, std::vector<Job>> tasks;
  try {
    jobs = catalog_->job_repository().list();
    for (const auto& j : jobs)
      if (j.cluster_array()) tasks[j.id] = catalog_->job_repository().tasks(j.id);
    drive_names_.clear();
    for (const auto& d : catalog_->drives()) drive_names_[d.id] = d.name;
  } catch (const std::exception&) {
    return;  // a busy or vanished catalog: try again at the next tick
  }
  // Rows in order: every run, each array job followed by its tasks unless folded. Every job read (tasks of folded
  // arrays too) is tracked, so a task that ends is news whether or not its row shows.
  std::vector<const Job*> all, shown;
  for (const auto& j : jobs) {
    all.push_back(&j);
    shown.push_back(&j);
    for (const auto& t : tasks[j.id]) {
      all.push_back(&t);
      if (!folded_.count(j.id)) shown.push_back(&t);
    }
  }
  std::set<std::int64_t> listed, read;
  for (const Job* j : shown) listed.insert(j->id);
  for (const Job* j : all) read.insert(j->id);
  for (int r = table_->rowCount() - 1; r >= 0; --r)
    if (!listed.count(table_->item(r, RunColumn)->data(Qt::UserRole).toLongLong())) table_->removeRow(r);

  std::vector<Job> ended;
  for (const Job* j : all) {
    const auto before = jobs_.find(j->id);
    if (j->finished() && ((before != jobs_.end() && !before->second.finished()) || (before == jobs_.end() && loaded_)))
      ended.push_back(*j);
    jobs_[j->id] = *j;
    if (j->finished()) cancelling_.erase(j->id);
  }
  tasks_.clear();
  for (const auto& [array, list] : tasks)
    for (const auto& t : list) tasks_[array].push_back(t.id);
  for (std::size_t i = 0; i < shown.size(); ++i) {
    const Job& j = *shown[i];
    int row = row_of(j.id);
    if (row < 0) {
      row = static_cast<int>(i);  // the rows left are a subsequence of `shown`, in its order
      add_row(row, j);
    }
    update_row(row, j);
  }
  for (auto it = jobs_.begin(); it != jobs_.end();) it = read.count(it->first) ? std::next(it) : jobs_.erase(it);
  loaded_ = true;
  timer_->setInterval(has_active_runs() ? kActivePollMs : kIdlePollMs);
  update_cancel_selected();
  for (const auto& j : ended) emit run_finished(j);
}

void JobsPanel::add_row(int row, const Job& job) {
  table_->insertRow(row);
  for (int c = 0; c < ColumnCount; ++c) table_->setItem(row, c, new QTableWidgetItem);
  table_->item(row, RunColumn)->setData(Qt::UserRole, QVariant::fromValue<qlonglong>(job.id));
  auto* bar = new QProgressBar(table_);
  bar->setRange(0, 100);
  bar->setTextVisible(true);
  table_->setCellWidget(row, ProgressColumn, bar);

  auto* actions = new QWidget(table_);
  auto* box = new QHBoxLayout(actions);
  box->setContentsMargins(2, 0, 2, 0);
  box->setSpacing(2);
  auto* log = new QToolButton(actions);
  log->setObjectName("logButton");
  log->setText(tr("Log"));
  log->setToolTip(tr("Show the run's log file"));
  auto* cancel = new QToolButton(actions);
  cancel->setObjectName("cancelButton");
  cancel->setText(tr("Cancel"));
  cancel->setToolTip(tr("Stop the run; it stores nothing"));
  box->addWidget(log);
  box->addWidget(cancel);
  table_->setCellWidget(row, ActionsColumn, actions);
  const std::int64_t run = job.id;
  connect(log, &QToolButton::clicked, this, [this, run] { show_log(run); });
  connect(cancel, &QToolButton::clicked, this, [this, run] { request_cancel(run); });
}

void JobsPanel::update_row(int row, const Job& job) {
  if (row < 0) return;
  auto set = [&](Column c, const QString& text) { table_->item(row, c)->setText(text); };
  const bool task = is_task(job), array = job.cluster_array();
  if (task)
    set(RunColumn, QString("   ↳ %1 #%2").arg(job.id).arg(job.task_index));
  else if (array)
    set(RunColumn, QString("%1 %2").arg(expanded(job.id) ? "▾" : "▸").arg(job.id));
  else
    set(RunColumn, QString::number(job.id));
  set(PassColumn, task ? QString() : QString::fromStdString(job.pass) + (array ? tr(" (Slurm)") : QString()));
  const auto drive = drive_names_.find(job.drive_id);
  const auto task_count = array ? task_ids(job.id).size() : 0;
  set(DriveColumn, drive != drive_names_.end() ? QString::fromStdString(drive->second)
                   : array && job.drive_id == 0 ? tr("%n task(s), several drives", "", static_cast<int>(task_count))
                                                : tr("drive %1").arg(job.drive_id));
  const bool cancelling = cancelling_.count(job.id) && !job.finished();
  QString state = cancelling ? tr("cancelling") : QString(dc::core::to_string(job.state));
  if (!job.scheduler_state.empty() && !cancelling && task)
    state += QString(" (%1)").arg(QString::fromStdString(job.scheduler_state));
  set(StateColumn, state);
  table_->item(row, StateColumn)->setForeground(state_color(job.state));
  set(NodeColumn, job.node.empty() ? QString(task ? "—" : "") : QString::fromStdString(job.node));
  set(ExitColumn, job.exit_code.empty() ? QString(task ? "—" : "") : QString::fromStdString(job.exit_code));
  set(SamplesColumn, task ? samples_text(job) : QString());

  // A cancelled or failed run keeps the bar where it stopped (the catalog's copy lags by up to half a second).
  double fraction = job.state == JobState::Done ? 1.0 : job.progress;
  QString message;
  if (auto it = live_.find(job.id); it != live_.end() && job.state != JobState::Done) {
    fraction = std::max(fraction, it->second.first);
    if (!job.finished()) message = it->second.second;
  }
  auto* bar = qobject_cast<QProgressBar*>(table_->cellWidget(row, ProgressColumn));
  bar->setValue(static_cast<int>(std::lround(std::clamp(fraction, 0.0, 1.0) * 100)));
  bar->setToolTip(message);

  std::int64_t elapsed = -1;
  if (job.started_ns > 0) elapsed = (job.finished() && job.finished_ns > 0 ? job.finished_ns : now_ns()) - job.started_ns;
  if (task && job.elapsed_s > 0)
    set(ElapsedColumn, seconds_text(job.elapsed_s));  // as the scheduler measured it on the node
  else
    set(ElapsedColumn, elapsed >= 0 ? duration_text(elapsed) : QString("—"));
  set(DeviceColumn, job.device.empty() ? QString("—") : QString::fromStdString(job.device));

  QString tip = tr("run %1: %2 %3 on %4\nparameters %5")
                    .arg(job.id)
                    .arg(QString::fromStdString(job.pass), QString::fromStdString(job.pass_version),
                         table_->item(row, DriveColumn)->text(), QString::fromStdString(job.parameters_json));
  if (array)
    tip += tr("\nSlurm job %1, folder %2").arg(QString::fromStdString(job.external_id),
                                               QString::fromStdString(job.result_path));
  if (task)
    tip += tr("\ntask %1 of array job %2, samples %3").arg(job.task_index).arg(job.parent_id).arg(samples_text(job));
  if (!job.host.empty()) tip += tr("\nhost %1, pid %2").arg(QString::fromStdString(job.host)).arg(job.pid);
  if (job.state == JobState::Done) tip += tr("\nstored: %1").arg(counts_text(job.counts_json));
  if (!job.error.empty()) tip += tr("\nerror: %1").arg(QString::fromStdString(job.error));
  if (!job.log_tail.empty()) tip += tr("\n\nlog tail:\n%1").arg(QString::fromStdString(job.log_tail));
  for (int c = 0; c < ColumnCount; ++c)
    if (c != ProgressColumn && c != ActionsColumn) table_->item(row, c)->setToolTip(tip);

  // An array job's log_path is its folder of task logs: the task rows open those.
  if (auto* b = log_button(job.id)) b->setEnabled(!job.log_path.empty() && !array);
  if (auto* b = cancel_button(job.id)) b->setEnabled(!job.finished() && !cancelling);
}

void JobsPanel::set_live_progress(std::int64_t run, double fraction, const QString& message) {
  auto& live = live_[run];
  if (fraction > live.first) live.first = fraction;  // a pass's phases without a total report 0: keep the bar
  live.second = message;
  const auto it = jobs_.find(run);
  if (it != jobs_.end()) update_row(row_of(run), it->second);
}

void JobsPanel::show_log(std::int64_t run) {
  const auto it = jobs_.find(run);
  if (it == jobs_.end()) return;
  if (!log_view_) log_view_ = new RunLogView(this);
  log_view_->show_run(run, QString::fromStdString(it->second.log_path));
  log_view_->show();
  log_view_->raise();
}

}  // namespace dc::widgets
