#pragma once
#include "dc/core/data/sample_loader.h"
#include "dc/core/exec/pass_runner.h"
#include "dc/widgets/finding_table_model.h"
#include "dc/widgets/view_options.h"

#include <QMainWindow>
#include <QThreadPool>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <utility>
#include <vector>

class QAction;
class QActionGroup;
class QLabel;
class QMenu;
class QSplitter;
class QTimer;
class QUndoStack;

namespace dc::core {
class Catalog;
class DriveSession;
class LocalExecutor;
struct LoadedSample;
}  // namespace dc::core
namespace dc::widgets {
class CalibrationScoreChart;
class EvaluationView;
class CameraView;
class DriveBrowser;
class FilterBar;
class FindingsPanel;
class InspectorPanel;
class IngestRunner;
class JobsPanel;
class LabelEditor;
class LogView;
class PassLaunchDialog;
class PlaybackController;
class ReviewPanel;
class PointCloudView;
class SampleCache;
struct SlurmRequest;
using SampleData = core::LoadedSample;
class TimelineWidget;
}  // namespace dc::widgets

namespace dc::app {

// The workstation's main window: 3D view in the middle, docks for the catalog browser, cameras, timeline,
// inspector, findings, jobs and the calibration-score chart. Composes dc::widgets; owns the open catalog, the open
// drive session, the sample cache and the local executor that runs passes; submits, polls and cancels Slurm
// cluster jobs with core's SlurmExecutor on a small thread pool, never on the GUI thread.
class MainWindow : public QMainWindow {
  Q_OBJECT
public:
  explicit MainWindow(QString catalog_path, QWidget* parent = nullptr);
  ~MainWindow() override;

  bool open_catalog(const QString& path);
  // Starts opening a drive off the GUI thread; false when the catalog has no such drive. drive_opened follows
  // (or an error in the status bar and the log), then sample_shown once `sample` is on screen.
  bool open_drive(const QString& name, int sample = 0);
  // Opens the only drive of the catalog when there is exactly one, at `sample`.
  bool open_single_drive(int sample = 0);
  // Empties every view: nothing of the previous drive stays on screen.
  void close_drive();
  widgets::IngestRunner* ingest_runner() const { return ingest_; }
  widgets::LogView* show_log();  // Help → Show log

  // For tests and scripting.
  QString catalog_path() const { return catalog_path_; }
  int current_sample() const { return current_sample_; }
  int shown_sample() const { return shown_sample_; }
  std::shared_ptr<const core::DriveSession> session() const { return session_; }
  widgets::PointCloudView* point_view() const { return point_view_; }
  const std::vector<widgets::CameraView*>& camera_views() const { return camera_views_; }
  widgets::TimelineWidget* timeline() const { return timeline_; }
  widgets::PlaybackController* playback() const { return playback_; }
  widgets::DriveBrowser* browser() const { return browser_; }
  widgets::InspectorPanel* inspector() const { return inspector_; }
  const widgets::ViewOptions& view_options() const { return options_; }
  void set_view_options(const widgets::ViewOptions& options);

  // Passes → Run pass…: the launch dialog with the open drive checked (not modal: the window stays live).
  widgets::PassLaunchDialog* show_pass_dialog();
  // Queues runs on the window's local executor (one worker thread; runs go one after another). Returns the ids of
  // those queued; a refused request is reported in the status bar and the log.
  std::vector<std::int64_t> queue_runs(const std::vector<core::PassRequest>& requests);
  // Cancels a run: through the executor when it is one of this window's, else by a request in the catalog that
  // the process running it polls.
  // cluster jobs (array or one task) through SlurmExecutor::cancel, off the GUI thread.
  void cancel_run(std::int64_t run);
  // Submits one Slurm array job off the GUI thread (the dialog's fields are remembered in QSettings first);
  // cluster_job_submitted follows, or a message box with core's message.
  void submit_cluster_job(const widgets::SlurmRequest& request);
  // Asks the scheduler about every unfinished cluster job off the GUI thread (one poll at a time; a call while one
  // runs is dropped), then refreshes the jobs panel. The cluster timer calls it while such a job exists.
  void poll_cluster_jobs();
  QTimer* cluster_timer() const { return cluster_timer_; }
  bool cluster_poll_running() const { return cluster_poll_running_; }
  // Jumps to a finding: opens its drive when another one is open, moves to its sample (by key), frames the camera
  // it names and selects the box it names.
  void show_finding(const widgets::FindingRow& row);
  QString selected_camera() const { return selected_camera_; }  // the camera framed by the last finding shown

  // Label editing (main_window_label_editing.cpp): every edit is one command on the editor's undo stack.
  widgets::LabelEditor* label_editor() const { return label_editor_; }
  QUndoStack* undo_stack() const;
  // Edit → Delete box (Delete key) and Edit → Propagate along track (Ctrl+Shift+P asks for the count).
  void delete_selected_box();
  void propagate_selected_box(int count);
  // The class a box drawn with Shift+drag gets (Edit → New box class).
  void set_new_box_class(const QString& category);
  QString new_box_class() const { return new_box_class_; }
  std::int64_t selected_label_id() const { return selected_label_id_; }  // 0 when no box is selected

  // Tags and queries (main_window_tags.cpp). The samples an action applies to: the range selected in the timeline
  // (Shift+drag) when there is one, else the current sample.
  std::vector<int> tag_targets() const;
  int tag_samples(const QString& tag);    // returns how many samples gained the tag
  int untag_samples(const QString& tag);  // returns how many samples lost it
  void ask_tag_name();                    // Tags → Tag… (any name)
  void ask_tag_to_remove();               // Tags → Remove tag…
  QStringList shortcut_tags() const { return shortcut_tags_; }  // Ctrl+1.. in this order (QSettings tags/shortcuts)
  // Opens `drive` if needed and moves to the sample with that key (a query result row).
  void show_sample_key(const QString& drive, std::int64_t sample_key);
  widgets::FilterBar* filter_bar() const { return filter_bar_; }
  QMenu* tags_menu() const { return tags_menu_; }

  widgets::JobsPanel* jobs_panel() const { return jobs_; }
  widgets::FindingsPanel* findings_panel() const { return findings_; }
  widgets::CalibrationScoreChart* score_chart() const { return score_chart_; }
  widgets::EvaluationView* evaluation_view() const { return evaluation_; }
  // Review (main_window_review.cpp): the Review dock and menu; a drive's last review session is taken up when it
  // opens (unless a sample was named).
  widgets::ReviewPanel* review_panel() const { return review_; }
  QMenu* passes_menu() const { return passes_menu_; }
  QAction* refined_calibration_action() const { return refined_action_; }

signals:
  void drive_opened(const QString& name);  // the session is set; its first sample is on the way
  void sample_shown(int sample);  // after the views show a sample's data
  // A run ended and the findings, timeline lanes and chart show what it stored.
  void run_results_shown(qint64 run);
  void cluster_job_submitted(qint64 job);
  void cluster_jobs_polled();  // after a poll's results are in the jobs panel

public slots:
  void reload_drives();
  void add_drive_folder(const QString& folder = {});
  void save_screenshot_3d(const QString& file = {});
  void save_screenshot_camera(const QString& file = {});
  void apply_layout_preset(int preset);  // 0 default, 1 3D focus, 2 cameras focus

protected:
  void closeEvent(QCloseEvent* event) override;

private:
  void build_docks();
  void build_menus();
  void build_status_bar();
  void rebuild_camera_views();
  void show_sample(int sample, const std::shared_ptr<const widgets::SampleData>& data);
  void on_current_changed(int sample);
  void on_box_selected(int index);
  void update_status();
  void set_session(std::shared_ptr<const core::DriveSession> session, int sample);
  void report_error(const QString& message);  // status bar and log
  void add_recent_catalog(const QString& path);
  void refresh_recent_menu();
  void save_settings();
  void build_validation_docks();
  void start_executor();
  void retire_executor();
  void on_run_finished(const core::Job& run);
  void refresh_validation_views();  // findings and calib-score lanes, chart, for the open drive
  core::SampleLoadOptions sample_load_options() const;  // with the refined calibrations when the overlay asks
  void apply_sample_load_options(bool reload_current);
  void apply_finding(const widgets::FindingRow& row);
  // From the evaluation view's worst samples: go to the sample with both label sources shown.
  void show_evaluated_sample(std::int64_t drive_id, std::int64_t sample_key, const QString& predicted,
                             const QString& reference);
  void apply_pending_box();
  void build_review();
  int resume_review();  // the open drive's review session: the sample position it stopped at, -1 for none
  void show_review_sample(qint64 sample_key);
  void review_box_selected(int index);
  void on_reviewed();  // review states changed: the shown and cached labels are read again
  void build_tagging();       // query dock, Tags menu and shortcuts
  void refresh_tag_lanes();  // one timeline lane per tag of the open drive
  void update_camera_captions();
  void build_label_editing();
  void update_label_editor_target();
  // After an edit, undo or redo: re-reads the labels of those samples and refreshes every view that shows them.
  void on_labels_edited(const std::set<std::int64_t>& sample_keys, std::int64_t label_id);
  // The sample with the labels as stored now when they were edited since the drive was opened (else `data`).
  std::shared_ptr<const widgets::SampleData> with_edited_labels(std::shared_ptr<const widgets::SampleData> data) const;
  int points_inside(const core::BoxLabel& box) const;  // lidar points of the shown sample inside the box
  void on_box_edit_preview(int index, const core::BoxLabel& box);
  void on_box_edit_finished(int index, const core::BoxLabel& box);
  void on_footprint_drawn(const core::BoxLabel& footprint);

  QString catalog_path_;
  std::unique_ptr<core::Catalog> catalog_;
  std::shared_ptr<const core::DriveSession> session_;
  std::uint64_t open_generation_ = 0;  // a drive opened for an older request (or catalog) is dropped
  std::shared_ptr<const widgets::SampleData> shown_data_;
  int current_sample_ = -1;
  int shown_sample_ = -1;
  widgets::ViewOptions options_;

  widgets::PointCloudView* point_view_ = nullptr;
  widgets::DriveBrowser* browser_ = nullptr;
  widgets::TimelineWidget* timeline_ = nullptr;
  widgets::InspectorPanel* inspector_ = nullptr;
  widgets::PlaybackController* playback_ = nullptr;
  widgets::SampleCache* cache_ = nullptr;
  widgets::IngestRunner* ingest_ = nullptr;
  widgets::LogView* log_view_ = nullptr;
  QSplitter* camera_splitter_ = nullptr;
  std::vector<widgets::CameraView*> camera_views_;
  std::vector<std::string> camera_sensors_;
  QMenu* recent_menu_ = nullptr;
  QLabel* status_catalog_ = nullptr;
  QLabel* status_drive_ = nullptr;
  QLabel* status_sample_ = nullptr;
  QLabel* status_device_ = nullptr;
  QAction* play_action_ = nullptr;

  // Validation: runs, findings, scores.
  std::unique_ptr<core::LocalExecutor> executor_;
  // Executors of catalogs opened before: their runs were cancelled; they end with the window (each is one idle
  // thread), so switching catalogs never waits for a pass to stop.
  std::vector<std::unique_ptr<core::LocalExecutor>> retired_executors_;
  std::uint64_t executor_generation_ = 0;  // callbacks of a retired executor are dropped
  std::set<std::int64_t> executor_runs_;   // runs submitted to executor_
  std::optional<std::int64_t> drive_id_;   // the open drive's catalog id
  widgets::JobsPanel* jobs_ = nullptr;
  widgets::FindingsPanel* findings_ = nullptr;
  widgets::CalibrationScoreChart* score_chart_ = nullptr;
  widgets::EvaluationView* evaluation_ = nullptr;
  widgets::PassLaunchDialog* pass_dialog_ = nullptr;
  QMenu* passes_menu_ = nullptr;
  QAction* refined_action_ = nullptr;
  std::optional<widgets::FindingRow> pending_finding_;       // waits for its drive to open
  std::optional<std::pair<int, std::int64_t>> pending_box_;  // (sample, label id) to select once it shows
  QString selected_camera_;

  widgets::FilterBar* filter_bar_ = nullptr;
  widgets::ReviewPanel* review_ = nullptr;
  QMenu* tags_menu_ = nullptr;
  QStringList shortcut_tags_;
  std::optional<std::pair<QString, std::int64_t>> pending_sample_key_;  // (drive, key) to show once it opens

  widgets::LabelEditor* label_editor_ = nullptr;
  std::map<std::int64_t, std::vector<core::BoxLabel>> edited_labels_;  // sample key -> labels as stored after edits
  std::int64_t selected_label_id_ = 0;
  QString new_box_class_ = "Car";

  // Cluster jobs: submit, poll and cancel run SlurmExecutor on this pool (external programs, up to seconds each).
  QThreadPool cluster_pool_;
  QTimer* cluster_timer_ = nullptr;
  bool cluster_poll_running_ = false;
  std::uint64_t catalog_generation_ = 0;  // results of work for a catalog no longer open are dropped
};

}  // namespace dc::app
