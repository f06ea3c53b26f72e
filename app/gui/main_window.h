#pragma once
#include "dc/widgets/view_options.h"

#include <QMainWindow>
#include <cstdint>
#include <memory>
#include <vector>

class QAction;
class QActionGroup;
class QLabel;
class QMenu;
class QSplitter;

namespace dc::core {
class Catalog;
class DriveSession;
struct LoadedSample;
}  // namespace dc::core
namespace dc::widgets {
class CameraView;
class DriveBrowser;
class InspectorPanel;
class IngestRunner;
class LogView;
class PlaybackController;
class PointCloudView;
class SampleCache;
using SampleData = core::LoadedSample;
class TimelineWidget;
}  // namespace dc::widgets

namespace dc::app {

// The workstation's main window: 3D view in the middle, docks for the catalog browser, cameras, timeline and
// inspector. Composes dc::widgets; owns the open catalog, the open drive session and the sample cache.
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

signals:
  void drive_opened(const QString& name);  // the session is set; its first sample is on the way
  void sample_shown(int sample);  // after the views show a sample's data

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
};

}  // namespace dc::app
