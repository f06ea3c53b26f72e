#pragma once
#include "dc/widgets/view_options.h"

#include <QMainWindow>
#include <memory>
#include <vector>

class QAction;
class QActionGroup;
class QLabel;
class QMenu;
class QSplitter;

namespace dc::core {
class Catalog;
}
namespace dc::widgets {
class CameraView;
class DriveBrowser;
class DriveSession;
class InspectorPanel;
class IngestRunner;
class PlaybackController;
class PointCloudView;
class SampleCache;
struct SampleData;
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
  bool open_drive(const QString& name, int sample = 0);
  // Opens the only drive of the catalog when there is exactly one.
  bool open_single_drive();

  // For tests and scripting.
  QString catalog_path() const { return catalog_path_; }
  int current_sample() const { return current_sample_; }
  int shown_sample() const { return shown_sample_; }
  std::shared_ptr<const widgets::DriveSession> session() const { return session_; }
  widgets::PointCloudView* point_view() const { return point_view_; }
  const std::vector<widgets::CameraView*>& camera_views() const { return camera_views_; }
  widgets::TimelineWidget* timeline() const { return timeline_; }
  widgets::PlaybackController* playback() const { return playback_; }
  widgets::DriveBrowser* browser() const { return browser_; }
  widgets::InspectorPanel* inspector() const { return inspector_; }
  const widgets::ViewOptions& view_options() const { return options_; }
  void set_view_options(const widgets::ViewOptions& options);

signals:
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
  void add_recent_catalog(const QString& path);
  void refresh_recent_menu();
  void save_settings();

  QString catalog_path_;
  std::unique_ptr<core::Catalog> catalog_;
  std::shared_ptr<const widgets::DriveSession> session_;
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
