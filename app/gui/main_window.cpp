#include "main_window.h"

#include "slurm_settings.h"
#include "view_settings.h"

#include "dc/core/catalog/catalog.h"
#include "dc/core/exec/local_executor.h"
#include "dc/core/exec/slurm_executor.h"
#include "dc/core/model/time_stamp.h"
#include "dc/core/util/logging.h"
#include "dc/gpu/compute_device.h"
#include "dc/widgets/calibration_score_chart.h"
#include "dc/widgets/evaluation_view.h"
#include "dc/widgets/camera_view.h"
#include "dc/core/data/loaded_sample.h"
#include "dc/widgets/drive_browser.h"
#include "dc/widgets/export_dialog.h"
#include "dc/widgets/filter_bar.h"
#include "dc/widgets/findings_panel.h"
#include "dc/widgets/jobs_panel.h"
#include "dc/widgets/pass_launch_dialog.h"
#include "dc/core/data/drive_session.h"
#include "dc/widgets/ingest_runner.h"
#include "dc/widgets/inspector_panel.h"
#include "dc/widgets/log_view.h"
#include "dc/widgets/playback_controller.h"
#include "dc/widgets/point_cloud_view.h"
#include "dc/widgets/review_panel.h"
#include "dc/widgets/sample_cache.h"
#include "dc/widgets/sample_data.h"
#include "dc/widgets/timeline_widget.h"
#include "dc/widgets/validation_lanes.h"

#include <QActionGroup>
#include <QApplication>
#include <QCloseEvent>
#include <QDockWidget>
#include <QFileDialog>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QtConcurrent/QtConcurrentRun>
#include <QHBoxLayout>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QSettings>
#include <QSplitter>
#include <QStatusBar>
#include <QStyle>
#include <QTimer>
#include <QToolBar>
#include <QVBoxLayout>

#include <tuple>

namespace dc::app {

namespace {
constexpr int kMaxRecent = 8;
constexpr double kEgoPathBehindS = 5.0, kEgoPathAheadS = 15.0;

QDockWidget* make_dock(QMainWindow* window, const QString& title, const QString& object_name, QWidget* content,
                       Qt::DockWidgetArea area) {
  auto* dock = new QDockWidget(title, window);
  dock->setObjectName(object_name);  // saveState() needs stable names
  dock->setWidget(content);
  window->addDockWidget(area, dock);
  return dock;
}
}  // namespace

MainWindow::MainWindow(QString catalog_path, QWidget* parent) : QMainWindow(parent) {
  setWindowTitle(tr("DriveCurator"));
  QSettings settings;
  options_ = load_view_options(settings);
  const QString backend = settings.value("compute/backend", "auto").toString();
  gpu::set_preferred_backend(backend == "cpu"    ? gpu::BackendPreference::Cpu
                             : backend == "cuda" ? gpu::BackendPreference::Cuda
                                                 : gpu::BackendPreference::Auto);
  const int budget_mib = settings.value("cache/budget_mib", 512).toInt();

  point_view_ = new widgets::PointCloudView(this);
  point_view_->setObjectName("pointCloudView");
  point_view_->set_options(options_);
  setCentralWidget(point_view_);

  playback_ = new widgets::PlaybackController(this);
  cache_ = new widgets::SampleCache(this);
  cache_->set_budget_bytes(static_cast<std::size_t>(std::max(64, budget_mib)) << 20);
  cache_->set_prefetch(8, 2);

  build_docks();
  build_menus();
  build_status_bar();
  build_tagging();
  build_label_editing();
  build_review();

  connect(playback_, &widgets::PlaybackController::current_changed, this, &MainWindow::on_current_changed);
  connect(timeline_, &widgets::TimelineWidget::sample_requested, playback_, &widgets::PlaybackController::set_current);
  connect(browser_, &widgets::DriveBrowser::sample_activated, playback_, &widgets::PlaybackController::set_current);
  connect(browser_, &widgets::DriveBrowser::drive_activated, this, [this](const QString& name) { open_drive(name); });
  connect(cache_, &widgets::SampleCache::sample_ready, this,
          [this](int sample, std::shared_ptr<const widgets::SampleData> data) {
            if (sample == current_sample_) show_sample(sample, data);
          });
  connect(point_view_, &widgets::PointCloudView::box_selected, this, &MainWindow::on_box_selected);
  connect(point_view_, &widgets::PointCloudView::options_changed, this,
          [this](const widgets::ViewOptions& o) { options_ = o; });
  connect(jobs_, &widgets::JobsPanel::cancel_requested, this, &MainWindow::cancel_run);
  connect(jobs_, &widgets::JobsPanel::run_finished, this, &MainWindow::on_run_finished);
  connect(findings_, &widgets::FindingsPanel::finding_activated, this, &MainWindow::show_finding);
  connect(score_chart_, &widgets::CalibrationScoreChart::sample_requested, playback_,
          &widgets::PlaybackController::set_current);
  connect(timeline_, &widgets::TimelineWidget::item_clicked, this, [this](int lane, int item) {
    // A finding clicked in the timeline is activated like a double-click in the findings table.
    if (timeline_->lane(lane).name != widgets::kFindingsLaneName) return;
    findings_->activate(timeline_->lane(lane).items.at(static_cast<std::size_t>(item)).id);
  });

  cluster_pool_.setMaxThreadCount(2);  // a poll and a submit or cancel may overlap
  cluster_timer_ = new QTimer(this);
  cluster_timer_->setObjectName("clusterPollTimer");
  cluster_timer_->setInterval(2000);
  connect(cluster_timer_, &QTimer::timeout, this, &MainWindow::poll_cluster_jobs);

  resize(1600, 1000);
  if (settings.contains("window/geometry")) restoreGeometry(settings.value("window/geometry").toByteArray());
  if (settings.contains("window/state"))
    restoreState(settings.value("window/state").toByteArray());
  else
    QTimer::singleShot(0, this, [this] { apply_layout_preset(0); });  // dock sizes need a laid-out window
  open_catalog(catalog_path);
}

MainWindow::~MainWindow() {
  // The executors' workers report through queued calls on this window: stop them while it still exists.
  executor_.reset();
  retired_executors_.clear();
  cluster_pool_.waitForDone();  // a poll or submit in flight ends (seconds at most); its result is dropped
}

void MainWindow::build_docks() {
  browser_ = new widgets::DriveBrowser(this);
  browser_->setObjectName("driveBrowser");
  make_dock(this, tr("Catalog"), "catalogDock", browser_, Qt::LeftDockWidgetArea);

  camera_splitter_ = new QSplitter(Qt::Vertical, this);
  camera_splitter_->setObjectName("cameraSplitter");
  make_dock(this, tr("Cameras"), "camerasDock", camera_splitter_, Qt::RightDockWidgetArea);

  auto* timeline_box = new QWidget(this);
  auto* layout = new QVBoxLayout(timeline_box);
  layout->setContentsMargins(2, 2, 2, 2);
  auto* controls = new QToolBar(timeline_box);
  controls->setObjectName("playbackBar");
  layout->addWidget(controls);
  timeline_ = new widgets::TimelineWidget(timeline_box);
  timeline_->setObjectName("timeline");
  timeline_->setMinimumHeight(140);
  layout->addWidget(timeline_, 1);
  make_dock(this, tr("Timeline"), "timelineDock", timeline_box, Qt::BottomDockWidgetArea);

  auto add = [&](QStyle::StandardPixmap icon, const QString& text, const QKeySequence& key, auto slot) {
    auto* a = controls->addAction(style()->standardIcon(icon), text);
    a->setShortcut(key);
    a->setShortcutContext(Qt::WindowShortcut);
    connect(a, &QAction::triggered, playback_, slot);
    return a;
  };
  add(QStyle::SP_MediaSkipBackward, tr("Start (Home)"), QKeySequence(Qt::Key_Home),
      &widgets::PlaybackController::jump_start);
  add(QStyle::SP_MediaSeekBackward, tr("Step back (Left)"), QKeySequence(Qt::Key_Left),
      &widgets::PlaybackController::step_backward);
  play_action_ = add(QStyle::SP_MediaPlay, tr("Play / pause (Space)"), QKeySequence(Qt::Key_Space),
                     &widgets::PlaybackController::toggle_play);
  add(QStyle::SP_MediaSeekForward, tr("Step (Right)"), QKeySequence(Qt::Key_Right),
      &widgets::PlaybackController::step_forward);
  add(QStyle::SP_MediaSkipForward, tr("End (End)"), QKeySequence(Qt::Key_End), &widgets::PlaybackController::jump_end);
  controls->addSeparator();
  add(QStyle::SP_ArrowDown, tr("Slower ([)"), QKeySequence(Qt::Key_BracketLeft), &widgets::PlaybackController::slower);
  add(QStyle::SP_ArrowUp, tr("Faster (])"), QKeySequence(Qt::Key_BracketRight), &widgets::PlaybackController::faster);
  auto* speed = new QLabel(tr("×1"), controls);
  controls->addWidget(speed);
  connect(playback_, &widgets::PlaybackController::speed_changed, speed,
          [speed](double s) { speed->setText(QString("×%1").arg(s)); });
  connect(playback_, &widgets::PlaybackController::playing_changed, this,
          [this](bool playing) {
            play_action_->setIcon(style()->standardIcon(playing ? QStyle::SP_MediaPause : QStyle::SP_MediaPlay));
          });

  inspector_ = new widgets::InspectorPanel(this);
  inspector_->setObjectName("inspector");
  make_dock(this, tr("Inspector"), "inspectorDock", inspector_, Qt::LeftDockWidgetArea);
  build_validation_docks();
}

void MainWindow::build_validation_docks() {
  // Findings, jobs and the score chart share the bottom area beside the timeline, as tabs.
  findings_ = new widgets::FindingsPanel(this);
  findings_->setObjectName("findingsPanel");
  auto* findings = make_dock(this, tr("Findings"), "findingsDock", findings_, Qt::BottomDockWidgetArea);
  jobs_ = new widgets::JobsPanel(this);
  jobs_->setObjectName("jobsPanel");
  auto* jobs = make_dock(this, tr("Jobs"), "jobsDock", jobs_, Qt::BottomDockWidgetArea);
  score_chart_ = new widgets::CalibrationScoreChart(this);
  auto* chart = make_dock(this, tr("Calibration score"), "calibrationScoreDock", score_chart_, Qt::BottomDockWidgetArea);
  evaluation_ = new widgets::EvaluationView(this);
  auto* evaluation = make_dock(this, tr("Evaluation"), "evaluationDock", evaluation_, Qt::BottomDockWidgetArea);
  connect(evaluation_, &widgets::EvaluationView::sample_requested, this, &MainWindow::show_evaluated_sample);
  splitDockWidget(findChild<QDockWidget*>("timelineDock"), findings, Qt::Horizontal);
  tabifyDockWidget(findings, jobs);
  tabifyDockWidget(findings, chart);
  tabifyDockWidget(findings, evaluation);
  findings->raise();
}

void MainWindow::build_menus() {
  auto* file = menuBar()->addMenu(tr("&File"));
  file->addAction(tr("&Open catalog…"), QKeySequence::Open, this, [this] {
    QString path = QFileDialog::getOpenFileName(this, tr("Open catalog"), QFileInfo(catalog_path_).path(),
                                                tr("Catalogs (*.sqlite *.db);;All files (*)"));
    if (!path.isEmpty()) open_catalog(path);
  });
  file->addAction(tr("&Add drive folder…"), QKeySequence(tr("Ctrl+Shift+A")), this, [this] { add_drive_folder(); });
  file->addAction(tr("&Export collection…"), QKeySequence(tr("Ctrl+Shift+E")), this, [this] {
    // Closing the dialog cancels a running export (nothing is left under the target name).
    auto* dialog = new widgets::ExportDialog(catalog_path_.toStdString(), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->open();
  });
  recent_menu_ = file->addMenu(tr("Recent catalogs"));
  file->addSeparator();
  file->addAction(tr("Save 3D view as PNG…"), QKeySequence(tr("Ctrl+Shift+S")), this,
                  [this] { save_screenshot_3d(); });
  file->addAction(tr("Save camera view as PNG…"), this, [this] { save_screenshot_camera(); });
  file->addSeparator();
  file->addAction(tr("&Quit"), QKeySequence::Quit, this, &QWidget::close);

  auto* view = menuBar()->addMenu(tr("&View"));
  auto* color = view->addMenu(tr("Point color"));
  auto* color_group = new QActionGroup(this);
  const std::pair<QString, widgets::ColorMode> modes[] = {{tr("Intensity"), widgets::ColorMode::Intensity},
                                                          {tr("Height"), widgets::ColorMode::Height},
                                                          {tr("Range"), widgets::ColorMode::Range},
                                                          {tr("Label class"), widgets::ColorMode::Label}};
  int key = Qt::Key_1;
  for (const auto& [text, mode] : modes) {
    auto* a = color->addAction(text);
    a->setCheckable(true);
    a->setChecked(options_.color_mode == mode);
    a->setShortcut(QKeySequence(Qt::ALT | static_cast<Qt::Key>(key++)));
    color_group->addAction(a);
    connect(a, &QAction::triggered, this, [this, m = mode] {
      auto o = options_;
      o.color_mode = m;
      set_view_options(o);
    });
  }
  auto* maps = view->addMenu(tr("Color map"));
  auto* map_group = new QActionGroup(this);
  for (auto [text, kind] : {std::pair{tr("Turbo"), widgets::ColorMapKind::Turbo},
                            std::pair{tr("Viridis"), widgets::ColorMapKind::Viridis}}) {
    auto* a = maps->addAction(text);
    a->setCheckable(true);
    a->setChecked(options_.color_map == kind);
    map_group->addAction(a);
    connect(a, &QAction::triggered, this, [this, k = kind] {
      auto o = options_;
      o.color_map = k;
      set_view_options(o);
    });
  }
  auto toggle = [&](QMenu* menu, const QString& text, bool widgets::ViewOptions::*member) {
    auto* a = menu->addAction(text);
    a->setCheckable(true);
    a->setChecked(options_.*member);
    connect(a, &QAction::toggled, this, [this, member](bool on) {
      auto o = options_;
      o.*member = on;
      set_view_options(o);
    });
    return a;
  };
  auto* scene = view->addMenu(tr("3D view"));
  toggle(scene, tr("Boxes"), &widgets::ViewOptions::show_boxes);
  toggle(scene, tr("Ground grid"), &widgets::ViewOptions::show_grid);
  toggle(scene, tr("Axes"), &widgets::ViewOptions::show_axes);
  toggle(scene, tr("Ego path"), &widgets::ViewOptions::show_ego_path);
  toggle(scene, tr("Legend"), &widgets::ViewOptions::show_legend);
  scene->addSeparator();
  scene->addAction(tr("Reset view (R)"), point_view_, &widgets::PointCloudView::reset_view);
  scene->addAction(tr("Bird's eye (B)"), point_view_, &widgets::PointCloudView::bird_eye_view);
  scene->addAction(tr("Chase camera (C)"), point_view_, &widgets::PointCloudView::chase_view);
  auto* overlays = view->addMenu(tr("Camera overlays"));
  toggle(overlays, tr("Lidar points"), &widgets::ViewOptions::camera_points)->setShortcut(QKeySequence(tr("Ctrl+P")));
  toggle(overlays, tr("3D boxes"), &widgets::ViewOptions::camera_boxes_3d)->setShortcut(QKeySequence(tr("Ctrl+B")));
  toggle(overlays, tr("2D boxes"), &widgets::ViewOptions::camera_boxes_2d);
  toggle(overlays, tr("Depth legend"), &widgets::ViewOptions::camera_depth_legend);
  overlays->addSeparator();
  refined_action_ = toggle(overlays, tr("Refined calibration (calib-check)"),
                           &widgets::ViewOptions::camera_refined_calibration);
  refined_action_->setObjectName("refinedCalibrationAction");
  refined_action_->setShortcut(QKeySequence(tr("Ctrl+R")));
  refined_action_->setToolTip(tr("Project the lidar with the newest refined extrinsic of a calib-check run where "
                                 "one covers the sample, instead of the drive's stored calibration"));
  auto* sources = view->addMenu(tr("Label sources"));
  sources->setObjectName("labelSourcesMenu");
  for (auto source : {core::LabelSource::GroundTruth, core::LabelSource::Auto, core::LabelSource::Model,
                      core::LabelSource::Manual}) {
    auto* a = sources->addAction(tr("%1 boxes").arg(core::to_string(source)));
    a->setObjectName(QString("showSource_%1").arg(core::to_string(source)));
    a->setCheckable(true);
    const auto i = static_cast<std::size_t>(source);
    a->setChecked(options_.show_source[i]);
    connect(a, &QAction::toggled, this, [this, i](bool on) {
      auto o = options_;
      o.show_source[i] = on;
      set_view_options(o);
    });
  }
  auto* compute = view->addMenu(tr("Compute device"));
  auto* compute_group = new QActionGroup(this);
  const QString current = QSettings().value("compute/backend", "auto").toString();
  for (auto [text, key, pref] : {std::tuple{tr("Automatic (CUDA when present)"), "auto", gpu::BackendPreference::Auto},
                                 std::tuple{tr("CPU"), "cpu", gpu::BackendPreference::Cpu},
                                 std::tuple{tr("CUDA"), "cuda", gpu::BackendPreference::Cuda}}) {
    auto* a = compute->addAction(text);
    a->setCheckable(true);
    a->setChecked(current == key);
    compute_group->addAction(a);
    connect(a, &QAction::triggered, this, [this, k = QString(key), p = pref] {
      QSettings().setValue("compute/backend", k);
      gpu::set_preferred_backend(p);
      status_device_->setText(QString::fromStdString(gpu::active_device().name));
    });
  }
  view->addSeparator();
  auto* layouts = view->addMenu(tr("Layout"));
  layouts->addAction(tr("Default"), this, [this] { apply_layout_preset(0); });
  layouts->addAction(tr("3D focus"), this, [this] { apply_layout_preset(1); });
  layouts->addAction(tr("Cameras focus"), this, [this] { apply_layout_preset(2); });
  // Filled when opened: the review, query and edit history docks are made after the menus.
  auto* docks = view->addMenu(tr("Panels"));
  docks->setObjectName("panelsMenu");
  connect(docks, &QMenu::aboutToShow, this, [this, docks] {
    docks->clear();
    for (auto* dock : findChildren<QDockWidget*>()) docks->addAction(dock->toggleViewAction());
  });

  passes_menu_ = menuBar()->addMenu(tr("&Passes"));
  passes_menu_->setObjectName("passesMenu");
  auto* run = passes_menu_->addAction(tr("&Run pass…"), QKeySequence(tr("Ctrl+Shift+R")), this,
                                      [this] { show_pass_dialog(); });
  run->setObjectName("runPassAction");
  passes_menu_->addSeparator();
  for (auto [text, name] : {std::pair{tr("Jobs"), "jobsDock"}, std::pair{tr("Findings"), "findingsDock"},
                            std::pair{tr("Calibration score"), "calibrationScoreDock"},
                            std::pair{tr("Evaluation"), "evaluationDock"}}) {
    passes_menu_->addAction(text, this, [this, dock_name = QString(name)] {
      auto* dock = findChild<QDockWidget*>(dock_name);
      dock->show();
      dock->raise();
    });
  }

  auto* help = menuBar()->addMenu(tr("&Help"));
  help->addAction(tr("&About DriveCurator"), this, [this] {
    QMessageBox::about(this, tr("About DriveCurator"),
                       tr("<b>DriveCurator</b> %1<br>Curate and validate autonomous-vehicle sensor data.<br>"
                          "Compute device: %2<br>Catalog: %3")
                           .arg(QApplication::applicationVersion(),
                                QString::fromStdString(gpu::active_device().name), catalog_path_));
  });
  help->addAction(tr("Show &log"), this, [this] { show_log(); });
  help->addAction(tr("Keyboard shortcuts"), this, [this] {
    QMessageBox::information(this, tr("Keyboard shortcuts"),
                             tr("Space play/pause · ←/→ step · Home/End jump · [ ] speed\n"
                                "3D view: R reset · B bird's eye · C chase · +/- point size · drag to orbit, "
                                "right-drag to pan, wheel to zoom\nAlt+1..4 point color · Ctrl+P / Ctrl+B camera "
                                "overlays · Ctrl+R refined calibration overlay\nCtrl+Shift+R run a pass\n"
                                "Ctrl+L query · Ctrl+1..9 tag with a listed tag · Ctrl+T tag… · Ctrl+Shift+T remove "
                                "tag… (the current sample, or the range Shift+dragged in the timeline)\n"
                                "Review: N / Shift+N next / previous unreviewed sample · A accept · X reject · F mark "
                                "fixed · Shift+A / Shift+X accept / reject the selected box's whole track\n"
                                "Edit: drag the selected box's body / knob / handles in the 3D view · Shift+drag "
                                "draw a new box · Delete delete box · Ctrl+Shift+P propagate along track · Ctrl+Z / "
                                "Ctrl+Shift+Z undo / redo · Esc cancel a drag"));
  });
}

void MainWindow::build_status_bar() {
  status_catalog_ = new QLabel(this);
  status_drive_ = new QLabel(this);
  status_sample_ = new QLabel(this);
  status_sample_->setObjectName("statusSample");
  status_device_ = new QLabel(QString::fromStdString(gpu::active_device().name), this);
  status_device_->setObjectName("statusDevice");
  statusBar()->addWidget(status_catalog_, 2);
  statusBar()->addWidget(status_drive_, 1);
  statusBar()->addWidget(status_sample_, 1);
  statusBar()->addPermanentWidget(status_device_);
}

bool MainWindow::open_catalog(const QString& path) {
  try {
    auto catalog = std::make_unique<core::Catalog>(path.toStdString());
    if (review_) review_->set_catalog(nullptr);  // stores where the review stopped in the old catalog first
    catalog_ = std::move(catalog);
  } catch (const std::exception& e) {
    report_error(tr("cannot open catalog: %1").arg(QString::fromUtf8(e.what())));
    if (isVisible()) QMessageBox::critical(this, tr("Catalog"), QString::fromUtf8(e.what()));
    return false;
  }
  catalog_path_ = path;
  core::log_info("opened catalog " + path.toStdString());
  close_drive();
  // An ingest into the old catalog is cancelled and finishes in the background; the GUI never waits for it.
  delete ingest_;
  ingest_ = new widgets::IngestRunner(path.toStdString(), this);
  connect(ingest_, &widgets::IngestRunner::finished, this, [this](const QString& summary, int errors) {
    reload_drives();
    filter_bar_->reload_vocabulary();  // new drives and classes to complete
    if (errors) {
      const auto* runner = ingest_;
      for (const auto& e : runner->report().errors)
        core::log_warning("ingest: " + e.path + (e.line > 0 ? ":" + std::to_string(e.line) : "") + ": " + e.message);
      report_error(tr("%1 — %2 problem(s), see Help → Show log").arg(summary).arg(errors));
    } else {
      core::log_info(summary.toStdString());
      statusBar()->showMessage(summary, 10000);
    }
  });
  retire_executor();
  start_executor();
  ++catalog_generation_;
  cluster_timer_->stop();
  jobs_->set_catalog(catalog_.get());
  findings_->set_catalog(catalog_.get());
  review_->set_catalog(catalog_.get());
  evaluation_->set_catalog(catalog_.get());
  filter_bar_->set_catalog(catalog_.get(), path);
  poll_cluster_jobs();  // cluster jobs submitted before (by this program or the CLI) are picked up
  add_recent_catalog(path);
  setWindowTitle(tr("DriveCurator — %1").arg(QFileInfo(path).fileName()));
  reload_drives();
  update_status();
  return true;
}

void MainWindow::start_executor() {
  const auto generation = ++executor_generation_;
  // Both callbacks run on the executor's worker thread: they only post to this (GUI) thread.
  executor_ = std::make_unique<core::LocalExecutor>(
      catalog_path_.toStdString(),
      [this, generation](std::int64_t run, double fraction, const std::string& message) {
        QMetaObject::invokeMethod(
            this,
            [this, generation, run, fraction, text = QString::fromStdString(message)] {
              if (generation == executor_generation_) jobs_->set_live_progress(run, fraction, text);
            },
            Qt::QueuedConnection);
      },
      [this, generation](const core::Job&) {
        QMetaObject::invokeMethod(
            this,
            [this, generation] {
              if (generation == executor_generation_) jobs_->refresh();  // emits run_finished
            },
            Qt::QueuedConnection);
      });
  executor_runs_.clear();
}

void MainWindow::retire_executor() {
  if (!executor_) return;
  // Like an ingest into the old catalog, its runs are cancelled and end in the background.
  for (std::int64_t run : executor_runs_) {
    try {
      executor_->cancel(run);
    } catch (const std::exception& e) {
      core::log_warning("could not cancel run " + std::to_string(run) + ": " + e.what());
    }
  }
  retired_executors_.push_back(std::move(executor_));
  executor_runs_.clear();
}

widgets::PassLaunchDialog* MainWindow::show_pass_dialog() {
  if (!pass_dialog_) {
    pass_dialog_ = new widgets::PassLaunchDialog(this);
    connect(pass_dialog_, &widgets::PassLaunchDialog::run_requested, this,
            [this](const std::vector<core::PassRequest>& requests) {
              QSettings settings;
              save_slurm_executor_chosen(settings, false);
              queue_runs(requests);
            });
    connect(pass_dialog_, &widgets::PassLaunchDialog::slurm_requested, this, &MainWindow::submit_cluster_job);
  }
  {
    // The cluster fields of the last submission (or as set elsewhere in the settings) are offered again.
    QSettings settings;
    pass_dialog_->set_slurm_options(load_slurm_options(settings));
    pass_dialog_->set_slurm_selected(load_slurm_executor_chosen(settings));
  }
  std::vector<core::DriveSummary> drives;
  if (catalog_) {
    try {
      drives = catalog_->drives();
    } catch (const std::exception& e) {
      report_error(tr("cannot list drives: %1").arg(QString::fromUtf8(e.what())));
    }
  }
  pass_dialog_->set_drives(drives, session_ ? QString::fromStdString(session_->name()) : QString());
  pass_dialog_->show();
  pass_dialog_->raise();
  pass_dialog_->activateWindow();
  return pass_dialog_;
}

std::vector<std::int64_t> MainWindow::queue_runs(const std::vector<core::PassRequest>& requests) {
  std::vector<std::int64_t> ids;
  if (!executor_) return ids;
  for (const auto& request : requests) {
    try {
      const std::int64_t id = executor_->submit(request);
      executor_runs_.insert(id);
      ids.push_back(id);
      core::log_info("queued run " + std::to_string(id) + ": " + request.pass + " on " + request.drive);
    } catch (const std::exception& e) {
      report_error(tr("cannot run %1 on %2: %3")
                       .arg(QString::fromStdString(request.pass), QString::fromStdString(request.drive),
                            QString::fromUtf8(e.what())));
    }
  }
  jobs_->refresh();
  if (!ids.empty()) {
    auto* dock = findChild<QDockWidget*>("jobsDock");
    dock->show();
    dock->raise();  // the user sees the run start
    statusBar()->showMessage(tr("queued %n run(s)", "", static_cast<int>(ids.size())), 5000);
  }
  return ids;
}

void MainWindow::cancel_run(std::int64_t run) {
  if (const auto job = jobs_->job(run); job && job->executor == "slurm") {
    // scancel runs off the GUI thread; the next poll shows the tasks cancelled.
    const std::int64_t array = job->parent_id ? job->parent_id : job->id;
    const std::optional<int> task = job->parent_id ? std::optional<int>(job->task_index) : std::nullopt;
    auto* watcher = new QFutureWatcher<QString>(this);
    connect(watcher, &QFutureWatcher<QString>::finished, this,
            [this, watcher, run, generation = catalog_generation_] {
              watcher->deleteLater();
              if (generation != catalog_generation_) return;
              const QString error = watcher->result();
              if (!error.isEmpty()) {
                report_error(tr("cannot cancel cluster run %1: %2").arg(run).arg(error));
                auto* box = new QMessageBox(QMessageBox::Warning, tr("Cancel cluster job"), error, QMessageBox::Ok, this);
                box->setAttribute(Qt::WA_DeleteOnClose);
                box->open();
              }
              poll_cluster_jobs();
            });
    watcher->setFuture(QtConcurrent::run(&cluster_pool_, [path = catalog_path_.toStdString(), array, task]() -> QString {
      try {
        core::SlurmExecutor(path).cancel(array, task);
        return {};
      } catch (const std::exception& e) {
        return QString::fromUtf8(e.what());
      }
    }));
    return;
  }
  try {
    if (executor_ && executor_runs_.count(run))
      executor_->cancel(run);
    else if (catalog_)
      catalog_->job_repository().request_cancel(run);
  } catch (const std::exception& e) {
    report_error(tr("cannot cancel run %1: %2").arg(run).arg(QString::fromUtf8(e.what())));
  }
  jobs_->refresh();
}

void MainWindow::submit_cluster_job(const widgets::SlurmRequest& request) {
  {
    QSettings settings;
    save_slurm_options(settings, request.options);
    save_slurm_executor_chosen(settings, true);
  }
  if (!catalog_) return;
  struct Submitted {
    std::int64_t id = 0;
    QString error;
  };
  auto* watcher = new QFutureWatcher<Submitted>(this);
  connect(watcher, &QFutureWatcher<Submitted>::finished, this,
          [this, watcher, pass = request.pass, generation = catalog_generation_] {
            watcher->deleteLater();
            if (generation != catalog_generation_) return;
            const Submitted result = watcher->result();
            jobs_->refresh();  // a job sbatch refused is stored failed: it is listed too
            if (!result.error.isEmpty()) {
              report_error(tr("cannot submit %1 to Slurm: %2").arg(QString::fromStdString(pass), result.error));
              auto* box = new QMessageBox(QMessageBox::Warning, tr("Slurm"), result.error, QMessageBox::Ok, this);
              box->setObjectName("slurmErrorBox");
              box->setAttribute(Qt::WA_DeleteOnClose);
              box->open();  // not exec(): the window stays live
              return;
            }
            core::log_info("submitted cluster job " + std::to_string(result.id) + ": " + pass);
            auto* dock = findChild<QDockWidget*>("jobsDock");
            dock->show();
            dock->raise();
            statusBar()->showMessage(tr("submitted cluster job %1").arg(result.id), 5000);
            if (!cluster_timer_->isActive()) cluster_timer_->start();
            emit cluster_job_submitted(result.id);
          });
  watcher->setFuture(QtConcurrent::run(&cluster_pool_, [path = catalog_path_.toStdString(), request]() -> Submitted {
    try {
      return {core::SlurmExecutor(path).submit(request.pass, request.drives, request.parameters, request.options), {}};
    } catch (const std::exception& e) {
      return {0, QString::fromUtf8(e.what())};
    }
  }));
}

void MainWindow::poll_cluster_jobs() {
  if (!catalog_ || cluster_poll_running_) return;  // one poll at a time: the next tick tries again
  try {
    // A quick read here: with no cluster job to ask about, no thread and no scheduler command.
    if (catalog_->job_repository().unfinished_cluster_jobs().empty()) {
      cluster_timer_->stop();
      return;
    }
  } catch (const std::exception& e) {
    report_error(tr("cannot read cluster jobs: %1").arg(QString::fromUtf8(e.what())));
    return;
  }
  cluster_poll_running_ = true;
  auto* watcher = new QFutureWatcher<std::vector<std::string>>(this);
  connect(watcher, &QFutureWatcher<std::vector<std::string>>::finished, this,
          [this, watcher, generation = catalog_generation_] {
            watcher->deleteLater();
            cluster_poll_running_ = false;
            if (generation != catalog_generation_) {
              poll_cluster_jobs();  // the catalog opened since was not polled yet
              return;
            }
            for (const auto& error : watcher->result()) report_error(QString::fromStdString(error));
            jobs_->refresh();  // emits run_finished for tasks that ended: their results show like a local run's
            bool unfinished = false;
            try {
              unfinished = !catalog_->job_repository().unfinished_cluster_jobs().empty();
            } catch (const std::exception& e) {
              report_error(tr("cannot read cluster jobs: %1").arg(QString::fromUtf8(e.what())));
            }
            if (unfinished && !cluster_timer_->isActive())
              cluster_timer_->start();
            else if (!unfinished)
              cluster_timer_->stop();
            emit cluster_jobs_polled();
          });
  watcher->setFuture(QtConcurrent::run(&cluster_pool_, [path = catalog_path_.toStdString()] {
    try {
      return core::SlurmExecutor(path).poll_unfinished();
    } catch (const std::exception& e) {
      return std::vector<std::string>{std::string("cannot poll cluster jobs: ") + e.what()};
    }
  }));
}

void MainWindow::on_run_finished(const core::Job& run) {
  const QString text = tr("run %1 (%2) %3").arg(run.id).arg(QString::fromStdString(run.pass), core::to_string(run.state));
  if (run.state == core::JobState::Done)
    statusBar()->showMessage(text, 10000);
  else
    report_error(run.error.empty() ? text : text + ": " + QString::fromStdString(run.error));
  findings_->reload();
  if (run.state == core::JobState::Done) filter_bar_->reload_vocabulary();  // new checks, classes to complete
  if (drive_id_ && run.drive_id == *drive_id_ && run.state == core::JobState::Done) {
    refresh_validation_views();
    if (options_.camera_refined_calibration && run.pass == "calib-check") apply_sample_load_options(true);
  }
  emit run_results_shown(run.id);
}

void MainWindow::refresh_validation_views() {
  evaluation_->set_drive(drive_id_.value_or(0));
  if (!session_ || !catalog_ || !drive_id_) {
    score_chart_->clear_scores();
    return;
  }
  std::vector<core::Finding> findings;
  std::vector<core::SampleMetric> metrics;
  try {
    findings = catalog_->finding_repository().list(*drive_id_);
    metrics = catalog_->run_results().metrics(*drive_id_, "calib-score");
  } catch (const std::exception& e) {
    report_error(tr("cannot read the drive's findings: %1").arg(QString::fromUtf8(e.what())));
    return;
  }
  timeline_->add_lane(widgets::findings_lane(findings, *session_, *timeline_));
  for (int i = timeline_->lane_count() - 1; i >= 0; --i)  // cameras no longer scored lose their lane
    if (timeline_->lane(i).name.startsWith(widgets::kCalibScoreLanePrefix)) timeline_->remove_lane(timeline_->lane(i).name);
  for (auto& lane : widgets::calibration_score_lanes(metrics, *session_, *timeline_))
    timeline_->add_lane(std::move(lane));
  score_chart_->set_scores(metrics, *session_);
  score_chart_->set_current_sample(current_sample_);
}

core::SampleLoadOptions MainWindow::sample_load_options() const {
  core::SampleLoadOptions options = cache_->load_options();
  options.camera_overrides.clear();
  if (!options_.camera_refined_calibration || !catalog_ || !drive_id_) return options;
  try {
    for (auto& c : catalog_->drive_repository().calibrations(*drive_id_, true))
      if (c.source == core::CalibrationSource::Refined) options.camera_overrides.push_back(std::move(c));
  } catch (const std::exception& e) {
    core::log_error(std::string("cannot read refined calibrations: ") + e.what());
  }
  return options;
}

void MainWindow::apply_sample_load_options(bool reload_current) {
  auto options = sample_load_options();
  if (options_.camera_refined_calibration && session_ && options.camera_overrides.empty())
    statusBar()->showMessage(tr("no refined calibration for this drive yet: run calib-check (Passes → Run pass…)"),
                             10000);
  cache_->set_load_options(std::move(options));  // cached samples were projected with the other calibration
  if (reload_current && session_ && current_sample_ >= 0) cache_->request(current_sample_);
}

void MainWindow::show_finding(const widgets::FindingRow& row) {
  if (!session_ || QString::fromStdString(session_->name()) != row.drive) {
    pending_finding_ = row;  // applied once the drive is open
    if (!open_drive(row.drive)) pending_finding_.reset();
    return;
  }
  apply_finding(row);
}

void MainWindow::apply_finding(const widgets::FindingRow& row) {
  const auto& f = row.finding;
  int sample = f.sample_key >= 0 ? widgets::sample_position(*session_, f.sample_key) : -1;
  if (sample < 0) sample = session_->nearest_sample(f.start_ns);  // a span without a sample: where it starts
  selected_camera_.clear();
  for (std::size_t i = 0; i < camera_views_.size(); ++i) {
    const bool framed = camera_sensors_[i] == f.sensor;
    camera_views_[i]->set_highlighted(framed);
    if (framed) selected_camera_ = QString::fromStdString(f.sensor);
  }
  if (!selected_camera_.isEmpty()) {
    auto* cameras = findChild<QDockWidget*>("camerasDock");
    cameras->show();
    cameras->raise();
  }
  pending_box_.reset();
  if (row.label_id && sample >= 0) pending_box_ = std::pair{sample, *row.label_id};
  if (sample < 0) return;
  playback_->set_current(sample);
  if (current_sample_ != sample) on_current_changed(sample);
  apply_pending_box();  // when the sample was already on screen
}

void MainWindow::show_evaluated_sample(std::int64_t drive_id, std::int64_t sample_key, const QString& predicted,
                                       const QString& reference) {
  if (!session_ || !drive_id_ || *drive_id_ != drive_id) return;
  const int sample = widgets::sample_position(*session_, sample_key);
  if (sample < 0) return;
  // Both sources drawn: the predicted one and the reference (gt is index 0, auto 1, model 2, manual 3).
  auto o = options_;
  for (const QString& source : {predicted, reference}) {
    const std::string kind = source.section(':', 0, 0).toStdString();
    try {
      o.show_source[static_cast<std::size_t>(core::label_source_from_string(kind))] = true;
    } catch (const std::exception&) {
    }
  }
  set_view_options(o);
  playback_->set_current(sample);
  if (current_sample_ != sample) on_current_changed(sample);
  statusBar()->showMessage(tr("sample key %1: %2 against %3").arg(sample_key).arg(predicted, reference), 10000);
}

void MainWindow::apply_pending_box() {
  if (!pending_box_ || !shown_data_ || pending_box_->first != shown_sample_) return;
  const auto label = pending_box_->second;
  pending_box_.reset();
  const auto& labels = shown_data_->labels;
  for (std::size_t i = 0; i < labels.size(); ++i)
    if (labels[i].id == label) {
      on_box_selected(static_cast<int>(i));
      return;
    }
}

void MainWindow::update_camera_captions() {
  for (std::size_t i = 0; i < camera_views_.size(); ++i) {
    QString caption = QString::fromStdString(camera_sensors_[i]);
    const auto* cam = shown_data_ ? shown_data_->camera(camera_sensors_[i]) : nullptr;
    if (options_.camera_refined_calibration && cam && cam->model) {
      caption += cam->calibration_source == core::CalibrationSource::Refined
                     ? tr(" · refined calibration (run %1)").arg(cam->calibration_run.value_or(0))
                     : tr(" · stored calibration (none refined here)");
    }
    camera_views_[i]->set_caption(caption);
  }
}

void MainWindow::reload_drives() {
  if (catalog_) browser_->reload(*catalog_);
}

bool MainWindow::open_single_drive(int sample) {
  if (!catalog_) return false;
  auto drives = catalog_->drives();
  return drives.size() == 1 && open_drive(QString::fromStdString(drives.front().name), sample);
}

void MainWindow::close_drive() {
  ++open_generation_;  // a drive still opening for the old request is dropped when it arrives
  session_.reset();
  shown_data_.reset();
  current_sample_ = shown_sample_ = -1;
  cache_->set_session(nullptr);
  playback_->set_sample_times({});
  point_view_->set_sample({}, {}, {});
  point_view_->set_ego_path({});
  rebuild_camera_views();
  browser_->set_session(nullptr);
  inspector_->set_session(nullptr);
  timeline_->set_session(core::DriveSession(core::Drive{}, {}));
  drive_id_.reset();
  pending_box_.reset();
  selected_camera_.clear();
  score_chart_->clear_scores();
  if (review_) review_->set_drive(std::nullopt);  // stores where the review stopped
  edited_labels_.clear();
  selected_label_id_ = 0;
  update_label_editor_target();
  update_status();
}

bool MainWindow::open_drive(const QString& name, int sample) {
  if (!catalog_) return false;
  std::optional<core::DriveSummary> summary;
  try {
    summary = catalog_->find_drive(name.toStdString());
  } catch (const std::exception& e) {
    report_error(tr("cannot open drive: %1").arg(QString::fromUtf8(e.what())));
    return false;
  }
  if (!summary) {
    report_error(tr("cannot open drive: no drive named '%1' in %2").arg(name, catalog_path_));
    return false;
  }
  // Reading a drive (frames, labels, poses) and building its session takes seconds for a long drive: a worker
  // does it with its own catalog connection, and the result is dropped if another drive or catalog came first.
  const auto generation = ++open_generation_;
  const std::filesystem::path file = catalog_path_.toStdString();
  const std::string drive = summary->name;
  auto* watcher = new QFutureWatcher<std::pair<std::shared_ptr<const core::DriveSession>, QString>>(this);
  connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, generation, sample] {
    watcher->deleteLater();
    auto [session, error] = watcher->result();
    if (generation != open_generation_) return;
    if (!session) {
      report_error(tr("cannot open drive: %1").arg(error));
      return;
    }
    set_session(std::move(session), sample);
  });
  watcher->setFuture(QtConcurrent::run([file, drive]() -> std::pair<std::shared_ptr<const core::DriveSession>, QString> {
    try {
      return {core::DriveSession::open(file, drive), {}};
    } catch (const std::exception& e) {
      return {nullptr, QString::fromUtf8(e.what())};
    }
  }));
  browser_->select_drive(name);
  return true;
}

void MainWindow::set_session(std::shared_ptr<const core::DriveSession> session, int sample) {
  session_ = std::move(session);
  core::log_info("opened drive " + session_->name() + " (" + std::to_string(session_->sample_count()) + " samples)");
  drive_id_.reset();
  try {
    if (const auto d = catalog_->find_drive(session_->name())) drive_id_ = d->id;
  } catch (const std::exception& e) {
    report_error(tr("cannot read drive: %1").arg(QString::fromUtf8(e.what())));
  }
  pending_box_.reset();
  selected_camera_.clear();
  edited_labels_.clear();
  selected_label_id_ = 0;
  update_label_editor_target();
  browser_->set_session(session_);
  inspector_->set_session(session_);
  timeline_->set_session(*session_);
  rebuild_camera_views();
  cache_->set_session(session_);
  apply_sample_load_options(false);
  refresh_validation_views();
  refresh_tag_lanes();
  current_sample_ = -1;
  shown_sample_ = -1;
  shown_data_.reset();
  playback_->set_sample_times(session_->sample_times());
  emit drive_opened(QString::fromStdString(session_->name()));
  const int n = session_->sample_count();
  if (const int resumed = resume_review(); resumed >= 0 && sample == 0) sample = resumed;
  if (pending_sample_key_ && pending_sample_key_->first == QString::fromStdString(session_->name())) {
    const int position = widgets::sample_position(*session_, pending_sample_key_->second);
    if (position >= 0) sample = position;
  }
  pending_sample_key_.reset();
  if (n > 0) {
    int target = std::clamp(sample, 0, n - 1);
    playback_->set_current(target);
    if (current_sample_ != target) on_current_changed(target);  // set_current may not signal an unchanged index
  }
  point_view_->reset_view();
  update_status();
  if (pending_finding_ && pending_finding_->drive == QString::fromStdString(session_->name())) {
    const auto row = *pending_finding_;
    pending_finding_.reset();
    apply_finding(row);
  }
}

void MainWindow::report_error(const QString& message) {
  core::log_error(message.toStdString());
  statusBar()->showMessage(message, 10000);
}

widgets::LogView* MainWindow::show_log() {
  if (!log_view_) log_view_ = new widgets::LogView(this);
  log_view_->show();
  log_view_->raise();
  return log_view_;
}

void MainWindow::rebuild_camera_views() {
  for (auto* v : camera_views_) v->deleteLater();
  camera_views_.clear();
  camera_sensors_.clear();
  if (!session_) return;
  camera_sensors_ = session_->camera_sensors();  // color cameras first, as core orders them
  for (const auto& name : camera_sensors_) {
    auto* v = new widgets::CameraView(camera_splitter_);
    v->setObjectName(QString::fromStdString("camera_" + name));
    v->setToolTip(QString::fromStdString(name));
    v->set_caption(QString::fromStdString(name));
    v->set_options(options_);
    connect(v, &widgets::CameraView::box_selected, this, &MainWindow::on_box_selected);
    connect(v, &widgets::CameraView::box_edit_preview, this, &MainWindow::on_box_edit_preview);
    connect(v, &widgets::CameraView::box_edit_finished, this, &MainWindow::on_box_edit_finished);
    v->set_editing_enabled(point_view_->editing_enabled());
    camera_splitter_->addWidget(v);
    camera_views_.push_back(v);
  }
}

void MainWindow::on_current_changed(int sample) {
  if (!session_ || sample < 0 || sample >= session_->sample_count()) return;
  current_sample_ = sample;
  timeline_->set_current_sample(sample);
  score_chart_->set_current_sample(sample);
  browser_->select_sample(sample);
  inspector_->show_sample(sample);
  review_->set_current_sample(session_->sample(sample).key());
  update_status();
  cache_->request(sample);  // answers at once on a cache hit, else when loaded off the GUI thread
}

void MainWindow::show_sample(int sample, const std::shared_ptr<const widgets::SampleData>& loaded) {
  const auto data = with_edited_labels(loaded);  // boxes edited since the drive was opened, as stored now
  shown_data_ = data;
  shown_sample_ = sample;
  // Everything heavy (decoding, projection and its sort, point-in-box) was done by the loader off this thread.
  point_view_->set_sample(data->cloud, data->labels, data->point_box);
  point_view_->set_ego_path(session_->ego_path(sample, kEgoPathBehindS, kEgoPathAheadS));
  for (std::size_t i = 0; i < camera_views_.size(); ++i) {
    const auto* cam = data->camera(camera_sensors_[i]);
    auto* view = camera_views_[i];
    if (!cam || cam->image.empty()) {
      view->show_message(cam && !cam->problem.empty() ? QString::fromStdString(cam->problem) : tr("no image"));
      continue;
    }
    if (!cam->model) {  // the image alone, without overlays it could not place
      view->set_frame(cam->image, std::shared_ptr<const core::CameraProjection>(), {}, Eigen::Isometry3d::Identity(),
                      {});
      continue;
    }
    // Aliasing pointer: the projection lives inside the shared sample, nothing is copied.
    view->set_frame(cam->image, std::shared_ptr<const core::CameraProjection>(data, &cam->projection), data->labels,
                    cam->model->T_cam_from_lidar, cam->model->intrinsics);
    // DontCare regions are image_2 pixels (KITTI's left color camera).
    const bool left_color = cam->sensor == "image_2" || cam->sensor == "image_02";
    view->set_dont_care(left_color ? data->dont_care : std::vector<core::DontCareRegion>{});
  }
  update_camera_captions();
  inspector_->show_sample_data(data);
  if (!data->ok()) report_error(QString::fromStdString(data->error));
  update_status();
  apply_pending_box();
  emit sample_shown(sample);
}

void MainWindow::on_box_selected(int index) {
  if (!shown_data_) return;
  // Keep the 3D view and every camera on the same box; each emits only on change, so this does not loop.
  point_view_->select_box(index);
  for (auto* v : camera_views_) v->select_box(index);
  if (index >= 0 && index < static_cast<int>(shown_data_->labels.size())) {
    const auto& box = shown_data_->labels[static_cast<std::size_t>(index)];
    selected_label_id_ = box.id;
    inspector_->show_box(box, points_inside(box));
  } else {
    selected_label_id_ = 0;
    inspector_->clear_box();
  }
  review_box_selected(index);
}

void MainWindow::set_view_options(const widgets::ViewOptions& options) {
  const bool calibration_changed = options.camera_refined_calibration != options_.camera_refined_calibration;
  options_ = options;
  point_view_->set_options(options_);
  for (auto* v : camera_views_) v->set_options(options_);
  if (refined_action_ && refined_action_->isChecked() != options_.camera_refined_calibration)
    refined_action_->setChecked(options_.camera_refined_calibration);
  for (std::size_t i = 0; i < options_.show_source.size(); ++i) {
    const auto name = QString("showSource_%1").arg(core::to_string(static_cast<core::LabelSource>(i)));
    if (auto* a = findChild<QAction*>(name); a && a->isChecked() != options_.show_source[i])
      a->setChecked(options_.show_source[i]);
  }
  // The overlay's points are projected by the loader, off this thread: reload the sample with the other calibration.
  if (calibration_changed) apply_sample_load_options(true);
  update_camera_captions();
}

void MainWindow::update_status() {
  status_catalog_->setText(catalog_path_);
  status_drive_->setText(session_ ? QString::fromStdString(session_->name()) : tr("no drive open"));
  if (session_ && current_sample_ >= 0) {
    // Positions are 0-based everywhere (sample list, inspector, timeline); the key is the lidar frame.
    status_sample_->setText(tr("sample %1 of %2 (key %3)  %4")
                                .arg(current_sample_)
                                .arg(session_->sample_count())
                                .arg(session_->sample(current_sample_).key())
                                .arg(session_->timestamped()
                                         ? QString::fromStdString(core::format_iso8601(
                                               session_->sample(current_sample_).timestamp_ns))
                                         : tr("no timestamps")));
  } else {
    status_sample_->clear();
  }
}

void MainWindow::add_drive_folder(const QString& folder) {
  QString path = folder;
  if (path.isEmpty()) path = QFileDialog::getExistingDirectory(this, tr("Add drive folder"));
  if (path.isEmpty() || !ingest_) return;
  if (ingest_->start({path})) ingest_->show_progress_dialog(this);
}

void MainWindow::save_screenshot_3d(const QString& file) {
  QString path = file.isEmpty() ? QFileDialog::getSaveFileName(this, tr("Save 3D view"), "view3d.png", "PNG (*.png)")
                                : file;
  if (path.isEmpty()) return;
  if (!point_view_->render_to_image().save(path)) report_error(tr("could not write %1").arg(path));
}

void MainWindow::save_screenshot_camera(const QString& file) {
  if (camera_views_.empty()) return;
  QString path =
      file.isEmpty() ? QFileDialog::getSaveFileName(this, tr("Save camera view"), "camera.png", "PNG (*.png)") : file;
  if (path.isEmpty()) return;
  if (!camera_views_.front()->render_image_overlay().save(path)) report_error(tr("could not write %1").arg(path));
}

void MainWindow::apply_layout_preset(int preset) {
  auto* cameras = findChild<QDockWidget*>("camerasDock");
  auto* catalog = findChild<QDockWidget*>("catalogDock");
  auto* inspector = findChild<QDockWidget*>("inspectorDock");
  auto* timeline = findChild<QDockWidget*>("timelineDock");
  auto* findings = findChild<QDockWidget*>("findingsDock");
  for (auto* d : {cameras, catalog, inspector, timeline, findings}) {
    d->setFloating(false);
    d->show();
  }
  if (preset == 1) {
    catalog->hide();
    inspector->hide();
    resizeDocks({cameras}, {width() / 4}, Qt::Horizontal);
  } else if (preset == 2) {
    catalog->hide();
    resizeDocks({cameras}, {width() * 3 / 5}, Qt::Horizontal);
  } else {
    resizeDocks({catalog, cameras}, {width() / 5, width() * 2 / 5}, Qt::Horizontal);
    resizeDocks({timeline}, {height() * 3 / 10}, Qt::Vertical);  // sensor, label, findings and score lanes
    resizeDocks({timeline, findings}, {width() * 11 / 20, width() * 9 / 20}, Qt::Horizontal);
  }
}

void MainWindow::add_recent_catalog(const QString& path) {
  QSettings settings;
  QStringList recent = settings.value("catalogs/recent").toStringList();
  recent.removeAll(path);
  recent.prepend(path);
  while (recent.size() > kMaxRecent) recent.removeLast();
  settings.setValue("catalogs/recent", recent);
  refresh_recent_menu();
}

void MainWindow::refresh_recent_menu() {
  recent_menu_->clear();
  for (const QString& path : QSettings().value("catalogs/recent").toStringList())
    recent_menu_->addAction(path, this, [this, path] { open_catalog(path); });
}

void MainWindow::save_settings() {
  QSettings settings;
  settings.setValue("window/geometry", saveGeometry());
  settings.setValue("window/state", saveState());
  save_view_options(settings, options_);
}

void MainWindow::closeEvent(QCloseEvent* event) {
  save_settings();
  review_->save_position();
  QMainWindow::closeEvent(event);
}

}  // namespace dc::app
