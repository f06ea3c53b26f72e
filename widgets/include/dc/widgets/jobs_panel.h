#pragma once
#include "dc/core/model/job.h"

#include <QWidget>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <vector>

class QProgressBar;
class QTableWidget;
class QTimer;
class QToolButton;

namespace dc::core {
class Catalog;
}

namespace dc::widgets {

class RunLogView;

// Jobs panel: one row per pass run in the catalog, newest first (pass, drive, state, progress bar, elapsed time,
// device) with two actions, view the run's log file and cancel it. A Slurm array job's tasks follow it as indented
// child rows (node, exit code, samples, log tail as tooltip); a double-click on the array row folds them, on a task
// row opens its log. "Cancel selected" cancels the selected row: a whole array job or one task. Polls the catalog
// (twice a second while a run is queued or running, every few seconds otherwise, so runs started from the command
// line show up too); the scheduler itself is asked by whoever owns the panel (it only reads the catalog).
class JobsPanel : public QWidget {
  Q_OBJECT
public:
  enum Column { RunColumn, PassColumn, DriveColumn, StateColumn, ProgressColumn, ElapsedColumn, DeviceColumn,
                NodeColumn, ExitColumn, SamplesColumn, ActionsColumn, ColumnCount };
  static constexpr int kActivePollMs = 500;
  static constexpr int kIdlePollMs = 3000;

  explicit JobsPanel(QWidget* parent = nullptr);

  // The catalog to list (owned by the caller; null empties the panel). Reads its runs at once.
  void set_catalog(dc::core::Catalog* catalog);

  QTableWidget* table() const { return table_; }
  int row_of(std::int64_t run) const;  // -1 when not listed (a task row is listed while its array is unfolded)
  std::vector<std::int64_t> task_ids(std::int64_t array_job) const;  // as last read, by task index
  void set_expanded(std::int64_t array_job, bool expanded);
  bool expanded(std::int64_t array_job) const { return !folded_.count(array_job); }
  std::optional<std::int64_t> selected_run() const;
  bool select_run(std::int64_t run);
  QToolButton* cancel_selected_button() const { return cancel_selected_; }
  QString text(std::int64_t run, Column column) const;
  QProgressBar* progress_bar(std::int64_t run) const;
  QToolButton* log_button(std::int64_t run) const;
  QToolButton* cancel_button(std::int64_t run) const;
  std::optional<dc::core::Job> job(std::int64_t run) const;  // as last read (runs, array jobs and their tasks)
  bool has_active_runs() const;
  RunLogView* log_view() const { return log_view_; }  // null until a log was opened

public slots:
  void refresh();  // re-reads the runs; emits run_finished for runs that ended since the last read
  // Progress reported by the executor between two polls (the catalog's copy is written every half second).
  void set_live_progress(std::int64_t run, double fraction, const QString& message);
  void show_log(std::int64_t run);

signals:
  void cancel_requested(std::int64_t run);       // a run, an array job or one of its tasks
  void run_finished(const dc::core::Job& run);  // done, failed, cancelled or interrupted (tasks too)

private:
  void add_row(int row, const dc::core::Job& job);
  void update_row(int row, const dc::core::Job& job);
  void request_cancel(std::int64_t run);
  void update_cancel_selected();

  dc::core::Catalog* catalog_ = nullptr;
  QTableWidget* table_ = nullptr;
  QTimer* timer_ = nullptr;
  QToolButton* cancel_selected_ = nullptr;
  RunLogView* log_view_ = nullptr;
  std::map<std::int64_t, dc::core::Job> jobs_;  // runs, array jobs and tasks
  std::map<std::int64_t, std::vector<std::int64_t>> tasks_;  // array job -> its tasks by index
  std::set<std::int64_t> folded_;                           // array jobs whose task rows are hidden
  std::map<std::int64_t, std::string> drive_names_;
  std::map<std::int64_t, std::pair<double, QString>> live_;  // run -> latest reported fraction and message
  std::set<std::int64_t> cancelling_;                         // cancel asked, run not ended yet
  bool loaded_ = false;  // runs already finished at the first read are history, not news
};

}  // namespace dc::widgets
