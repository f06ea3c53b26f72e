// Viewer cost: where the time goes when one sample is shown (load, decode, projection, 3D render with read-back,
// camera overlay), a plain VTK pipeline without Qt on the same point clouds as reference, the rate at which the real
// main window shows samples while playing and while stepping, and its memory over a 2000-sample drive.
// Run under Xvfb: xvfb-run -a -s "-screen 0 1600x1000x24" bench_viewer [work folder]
#include "dark_theme.h"
#include "main_window.h"

#include "dc/core/catalog/catalog.h"
#include "dc/synth/drive_generator.h"
#include "dc/core/io/ingester.h"
#include "dc/core/io/payload_loader.h"
#include "dc/core/model/projection.h"
#include "dc/core/model/time_stamp.h"
#include "dc/widgets/camera_view.h"
#include "dc/widgets/color_map.h"
#include "dc/core/data/drive_session.h"
#include "dc/widgets/playback_controller.h"
#include "dc/widgets/point_cloud_view.h"
#include "dc/widgets/sample_cache.h"
#include "dc/widgets/surface_format.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QHBoxLayout>
#include <QTimer>
#include <QVBoxLayout>
#include <QWidget>
#include <QWindow>

#include <opencv2/imgcodecs.hpp>

#include <vtkActor.h>
#include <vtkCamera.h>
#include <vtkCellArray.h>
#include <vtkNew.h>
#include <vtkPointData.h>
#include <vtkPoints.h>
#include <vtkPolyData.h>
#include <vtkPolyDataMapper.h>
#include <vtkProperty.h>
#include <vtkRenderWindow.h>
#include <vtkRenderer.h>
#include <vtkUnsignedCharArray.h>

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

constexpr int kShortFrames = 200;
constexpr int kLongFrames = 2000;
constexpr int kViewWidth = 1000, kViewHeight = 700;        // 3D view in the breakdown window and the reference
constexpr int kCameraWidth = 560, kCameraHeight = 169;     // camera views in the breakdown window (1242:375)
constexpr int kWindowWidth = 1600, kWindowHeight = 1000;   // main window
constexpr double kPlaySpeed = 4.0;
constexpr int kPlayWindowMs = 15000;
constexpr int kFastSteps = 100;

double ms_since(Clock::time_point t) { return std::chrono::duration<double, std::milli>(Clock::now() - t).count(); }
double seconds_since(Clock::time_point t) { return ms_since(t) / 1e3; }

struct Stats {
  double median = 0, p95 = 0;
};

Stats stats_of(std::vector<double> v) {
  if (v.empty()) return {};
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  const double median = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
  const std::size_t rank = static_cast<std::size_t>(std::ceil(0.95 * static_cast<double>(n)));
  return {median, v[std::clamp<std::size_t>(rank, 1, n) - 1]};
}

double mib(double kib) { return kib / 1024.0; }

// Peak resident set (getrusage, KiB) and the current one (/proc/self/statm, KiB).
double peak_rss_kib() {
  rusage r{};
  getrusage(RUSAGE_SELF, &r);
  return static_cast<double>(r.ru_maxrss);
}

double current_rss_kib() {
  std::ifstream statm("/proc/self/statm");
  long long size = 0, resident = 0;
  statm >> size >> resident;
  return static_cast<double>(resident) * static_cast<double>(sysconf(_SC_PAGESIZE)) / 1024.0;
}

// Resets the kernel's peak RSS (VmHWM, which ru_maxrss also reports) to the current RSS. False when not allowed.
bool reset_peak_rss() {
  std::ofstream clear("/proc/self/clear_refs");
  if (!clear) return false;
  clear << "5";
  clear.flush();
  return static_cast<bool>(clear);
}

std::vector<unsigned char> read_bytes(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw std::runtime_error(file.string() + ": cannot open");
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// ---- the 2000-frame drive, made of hard links to the 200 generated frames ------------------------------------

std::vector<dc::core::TimestampNs> read_timestamps(const fs::path& file) {
  std::ifstream in(file);
  std::vector<dc::core::TimestampNs> out;
  std::string line;
  while (std::getline(in, line)) {
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
    if (!line.empty()) out.push_back(dc::core::parse_kitti_timestamp(line));
  }
  return out;
}

// Continues the file to `count` lines: line i is line i % n shifted by whole repetitions of n nominal periods, so the
// rate stays the same and the per-message jitter and skew between sensors repeat.
void extend_timestamps(const fs::path& from, const fs::path& to, int count) {
  const auto stamps = read_timestamps(from);
  if (stamps.size() < 2) throw std::runtime_error(from.string() + ": fewer than 2 timestamps");
  const auto n = static_cast<std::int64_t>(stamps.size());
  const double mean_period = static_cast<double>(stamps.back() - stamps.front()) / static_cast<double>(n - 1);
  const std::int64_t period = std::llround(mean_period / 1e6) * 1'000'000;  // whole milliseconds: 100 ms at 10 Hz
  std::ofstream out(to);
  for (std::int64_t i = 0; i < count; ++i)
    out << dc::core::format_kitti_timestamp(stamps[static_cast<std::size_t>(i % n)] + (i / n) * n * period) << '\n';
}

// Writes <date>/<date>_drive_<number>_sync next to `drive`: data files are hard links to frame i % n of `drive`,
// timestamps are extended, the tracklet file is left out. Calibration files are the date folder's, so shared.
fs::path build_long_drive(const fs::path& drive, int number, int frames) {
  const fs::path date_dir = drive.parent_path();
  char name[64];
  std::snprintf(name, sizeof name, "%s_drive_%04d_sync", date_dir.filename().string().c_str(), number);
  const fs::path out = date_dir / name;
  fs::create_directories(out);
  for (const auto& entry : fs::directory_iterator(drive)) {
    const fs::path target = out / entry.path().filename();
    if (entry.is_regular_file()) {
      if (entry.path().filename() != "tracklet_labels.xml") fs::create_hard_link(entry.path(), target);
      continue;
    }
    if (!entry.is_directory()) continue;
    fs::create_directories(target);
    for (const auto& item : fs::directory_iterator(entry.path())) {
      const std::string file_name = item.path().filename().string();
      if (item.is_directory() && file_name == "data") {
        std::vector<fs::path> files;
        for (const auto& f : fs::directory_iterator(item.path()))
          if (f.is_regular_file()) files.push_back(f.path());
        std::sort(files.begin(), files.end());
        if (files.empty()) continue;
        fs::create_directories(target / "data");
        const int width = static_cast<int>(files.front().stem().string().size());
        for (int i = 0; i < frames; ++i) {
          const fs::path& src = files[static_cast<std::size_t>(i) % files.size()];
          char stem[32];
          std::snprintf(stem, sizeof stem, "%0*d", width, i);
          fs::create_hard_link(src, target / "data" / (stem + src.extension().string()));
        }
      } else if (item.is_regular_file() && file_name.rfind("timestamps", 0) == 0 && item.path().extension() == ".txt") {
        extend_timestamps(item.path(), target / file_name, frames);
      } else if (item.is_regular_file()) {
        fs::create_hard_link(item.path(), target / file_name);
      }
    }
  }
  return out;
}

// ---- plain VTK reference: no Qt, geometry rebuilt every frame, offscreen window, read back ---------------------

class PlainVtkRenderer {
public:
  PlainVtkRenderer(int width, int height) : width_(width), height_(height) {
    window_->SetOffScreenRendering(1);
    window_->SetMultiSamples(0);
    window_->SetSize(width, height);
    window_->AddRenderer(renderer_);
    renderer_->SetBackground(18 / 255.0, 20 / 255.0, 26 / 255.0);
    mapper_->ScalarVisibilityOn();
    mapper_->SetScalarModeToUsePointData();
    mapper_->SetColorModeToDirectScalars();
    actor_->SetMapper(mapper_);
    actor_->GetProperty()->SetRepresentationToPoints();
    actor_->GetProperty()->SetPointSize(2.0f);
    actor_->GetProperty()->LightingOff();
    renderer_->AddActor(actor_);
    // The same viewpoint as the 3D view's default orbit camera: focal (12, 0, 0), 55 m away, azimuth 200°,
    // elevation 35°, 40° vertical field of view, +z up.
    const double pi = 3.14159265358979323846, az = 200 * pi / 180, el = 35 * pi / 180, d = 55;
    vtkCamera* camera = renderer_->GetActiveCamera();
    camera->SetViewAngle(40);
    camera->SetFocalPoint(12, 0, 0);
    camera->SetPosition(12 + d * std::cos(el) * std::cos(az), d * std::cos(el) * std::sin(az), d * std::sin(el));
    camera->SetViewUp(-std::sin(el) * std::cos(az), -std::sin(el) * std::sin(az), std::cos(el));
  }

  // Rebuilds the point geometry, renders and reads the frame back; returns the pixels that differ from the
  // background (a check that something was drawn).
  std::size_t render(const dc::core::PointCloud& cloud) {
    const auto n = static_cast<vtkIdType>(cloud.size());
    const auto& lut = dc::widgets::color_table(dc::widgets::ColorMapKind::Turbo);
    vtkNew<vtkPoints> points;
    points->SetDataTypeToFloat();
    points->SetNumberOfPoints(n);
    vtkNew<vtkUnsignedCharArray> colors;
    colors->SetNumberOfComponents(3);
    colors->SetNumberOfTuples(n);
    auto* xyz = static_cast<float*>(points->GetVoidPointer(0));
    unsigned char* rgb = colors->GetPointer(0);
    vtkNew<vtkCellArray> verts;
    verts->AllocateExact(n, n);
    for (vtkIdType i = 0; i < n; ++i) {
      const float* p = cloud.point(static_cast<std::size_t>(i));
      xyz[3 * i] = p[0];
      xyz[3 * i + 1] = p[1];
      xyz[3 * i + 2] = p[2];
      const float t = std::clamp(p[3], 0.f, 1.f);
      const auto c = lut[static_cast<std::size_t>(t * 255.f + 0.5f)];
      rgb[3 * i] = c.r;
      rgb[3 * i + 1] = c.g;
      rgb[3 * i + 2] = c.b;
      verts->InsertNextCell(1, &i);
    }
    vtkNew<vtkPolyData> poly;
    poly->SetPoints(points);
    poly->SetVerts(verts);
    poly->GetPointData()->SetScalars(colors);
    mapper_->SetInputData(poly);
    renderer_->ResetCameraClippingRange();
    window_->Render();
    window_->GetRGBACharPixelData(0, 0, width_ - 1, height_ - 1, 0, pixels_);
    const unsigned char* px = pixels_->GetPointer(0);
    std::size_t drawn = 0;
    for (vtkIdType i = 0, m = pixels_->GetNumberOfTuples(); i < m; ++i)
      drawn += px[4 * i] != 18 || px[4 * i + 1] != 20 || px[4 * i + 2] != 26;
    return drawn;
  }

  ~PlainVtkRenderer() { window_->Finalize(); }

private:
  int width_, height_;
  vtkNew<vtkRenderWindow> window_;
  vtkNew<vtkRenderer> renderer_;
  vtkNew<vtkPolyDataMapper> mapper_;
  vtkNew<vtkActor> actor_;
  vtkNew<vtkUnsignedCharArray> pixels_;
};

std::size_t non_background_pixels(const QImage& image) {
  std::size_t drawn = 0;
  const QRgb bg = qRgb(18, 20, 26);
  for (int y = 0; y < image.height(); ++y) {
    const auto* line = reinterpret_cast<const QRgb*>(image.constScanLine(y));
    for (int x = 0; x < image.width(); ++x) drawn += (line[x] & 0xffffff) != (bg & 0xffffff);
  }
  return drawn;
}

// ---- the main window: waiting for samples, stepping -----------------------------------------------------------

// Runs the event loop until `done` holds or the timeout passes; true when it holds.
bool wait_until(const std::function<bool()>& done, int timeout_ms) {
  QTimer tick;  // keeps WaitForMoreEvents from blocking past the timeout
  tick.start(20);
  QElapsedTimer t;
  t.start();
  while (!done()) {
    if (t.elapsed() > timeout_ms) return false;
    QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents);
  }
  return true;
}

bool wait_shown(dc::app::MainWindow& w, int sample, int timeout_ms = 30000) {
  return wait_until([&] { return w.shown_sample() == sample && w.current_sample() == sample; }, timeout_ms);
}

struct StepResult {
  int shown = 0;
  double seconds = 0;
  int frames_rendered = 0;  // 3D view frames composed (QOpenGLWidget::frameSwapped)
  bool timed_out = false;
};

// From the shown sample, requests the next one as soon as the previous one is shown, `steps` times. The next
// request is queued, so the views repaint in between as they would for a user holding the step key.
StepResult step_through(dc::app::MainWindow& w, int steps, int timeout_ms,
                        const std::function<void(int shown, int sample)>& on_shown = {}) {
  StepResult r;
  QEventLoop loop;
  int frames = 0;
  auto frame_conn = QObject::connect(w.point_view(), &QOpenGLWidget::frameSwapped, &loop, [&] { ++frames; });
  auto step_next = [&w] { w.playback()->step_forward(); };
  auto shown_conn = QObject::connect(&w, &dc::app::MainWindow::sample_shown, &loop, [&](int sample) {
    ++r.shown;
    if (on_shown) on_shown(r.shown, sample);
    if (r.shown >= steps) loop.quit();
    else QTimer::singleShot(0, &loop, step_next);
  });
  QTimer timeout;
  timeout.setSingleShot(true);
  QObject::connect(&timeout, &QTimer::timeout, &loop, [&] {
    r.timed_out = true;
    loop.quit();
  });
  const auto t0 = Clock::now();
  timeout.start(timeout_ms);
  QTimer::singleShot(0, &loop, step_next);
  loop.exec();
  r.seconds = seconds_since(t0);
  QObject::disconnect(frame_conn);
  QObject::disconnect(shown_conn);
  r.frames_rendered = frames;
  return r;
}

struct CameraFiles {
  std::string sensor;
  fs::path file;
};

std::vector<CameraFiles> camera_files(const dc::core::DriveSession& s, int sample,
                                      const std::vector<std::string>& cameras) {
  std::vector<CameraFiles> out;
  for (const auto& cam : cameras)
    for (const auto& m : s.sample(sample).members)
      if (m.sensor == cam) {
        const auto* f = s.frame(cam, m.frame_index);
        if (!f || f->file.empty()) throw std::runtime_error("sample " + std::to_string(sample) + ": no " + cam);
        out.push_back({cam, f->file});
      }
  if (out.size() != cameras.size()) throw std::runtime_error("sample " + std::to_string(sample) + ": camera missing");
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  const fs::path work = argc > 1 ? fs::path(argv[1]) : fs::path("/tmp/dc_bench_viewer");
  fs::remove_all(work);
  fs::create_directories(work / "config");
  // No user settings (window layout, cache budget, view options) may change what is measured.
  setenv("XDG_CONFIG_HOME", (work / "config").c_str(), 1);

  dc::widgets::use_vtk_surface_format();
  QApplication app(argc, argv);
  QApplication::setApplicationName("drivecurator-bench");
  QApplication::setOrganizationName("DriveCurator");
  dc::app::apply_dark_theme(app);

  const auto run_start = Clock::now();
  std::printf("bench_viewer: work folder %s, platform %s\n", work.c_str(), qPrintable(QApplication::platformName()));

  // ---- 1. drives ------------------------------------------------------------------------------------------------
  dc::core::GeneratorOptions g;
  g.out = work / "drives";
  g.frames = kShortFrames;
  auto t = Clock::now();
  const auto gen = dc::core::generate_drive(g);
  const double generate_s = seconds_since(t);
  std::printf("\n[1] generated %d-frame drive (%dx%d, %d cameras, %dx%d lidar rays) in %.1f s: %s\n", gen.frames,
              g.image_width, g.image_height, g.cameras, g.lidar_beams, g.lidar_columns, generate_s,
              gen.drive_dir.filename().c_str());
  t = Clock::now();
  const fs::path long_dir = build_long_drive(gen.drive_dir, 2, kLongFrames);
  const double link_s = seconds_since(t);
  std::printf("[1] built %d-frame drive %s from hard links in %.2f s\n", kLongFrames, long_dir.filename().c_str(),
              link_s);
  const fs::path catalog_file = work / "catalog.sqlite";
  double ingest_s = 0;
  {
    dc::core::Catalog catalog(catalog_file);
    t = Clock::now();
    const auto report = dc::core::Ingester(catalog).ingest({g.out});
    ingest_s = seconds_since(t);
    std::printf("[1] ingested %zu drives in %.2f s: %lld frames, %lld samples, %lld labels, %zu ingest errors\n",
                report.drives.size(), ingest_s, static_cast<long long>(report.stats.frames_added),
                static_cast<long long>(report.stats.samples_added), static_cast<long long>(report.stats.labels_added),
                report.errors.size());
    for (std::size_t i = 0; i < std::min<std::size_t>(report.errors.size(), 5); ++i)
      std::printf("    error: %s: %s\n", report.errors[i].path.c_str(), report.errors[i].message.c_str());
  }
  const std::string short_name = gen.drive_dir.filename().string();
  const std::string long_name = long_dir.filename().string();

  // ---- 2. per-step breakdown --------------------------------------------------------------------------------------
  auto session = dc::core::DriveSession::open(catalog_file, short_name);
  const std::vector<std::string> cameras = {"image_02", "image_03"};
  std::vector<double> load_ms, decode_ms, project_ms, render_ms, overlay_ms, total_ms;
  std::size_t point_sum = 0, our_drawn_pixels = 0;
  int label_sum = 0;
  {
    QWidget window;
    window.setWindowTitle("bench_viewer breakdown");
    auto* layout = new QHBoxLayout(&window);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    auto* point_view = new dc::widgets::PointCloudView(&window);
    point_view->setFixedSize(kViewWidth, kViewHeight);
    layout->addWidget(point_view);
    auto* column = new QVBoxLayout;
    column->setSpacing(0);
    std::vector<dc::widgets::CameraView*> camera_views;
    for (std::size_t i = 0; i < cameras.size(); ++i) {
      auto* v = new dc::widgets::CameraView(&window);
      v->setFixedSize(kCameraWidth, kCameraHeight);
      column->addWidget(v);
      camera_views.push_back(v);
    }
    column->addStretch(1);
    layout->addLayout(column);
    window.setFixedSize(kViewWidth + kCameraWidth, kViewHeight);
    window.show();
    wait_until([&] { return window.windowHandle() && window.windowHandle()->isExposed(); }, 10000);
    point_view->render_to_image();  // creates the GL resources before the first measured frame

    dc::core::PointCloud cloud;  // kept alive for the views until the next sample
    for (int i = 0; i < session->sample_count(); ++i) {
      const auto files = camera_files(*session, i, cameras);
      const auto* calib = session->calibration(i);
      if (!calib) throw std::runtime_error("sample " + std::to_string(i) + ": no calibration");

      auto t0 = Clock::now();
      cloud = dc::core::load_velodyne_bin(session->lidar_frame(i)->file);
      std::vector<std::vector<unsigned char>> png;
      for (const auto& f : files) png.push_back(read_bytes(f.file));
      const double load = ms_since(t0);

      t0 = Clock::now();
      std::vector<cv::Mat> images;
      for (const auto& bytes : png) images.push_back(cv::imdecode(bytes, cv::IMREAD_UNCHANGED));
      const double decode = ms_since(t0);
      for (std::size_t c = 0; c < images.size(); ++c)
        if (images[c].empty()) throw std::runtime_error(files[c].file.string() + ": not decodable");

      std::vector<Eigen::Isometry3d> T;
      for (const auto& cam : cameras) T.push_back(*session->T_camera_from_lidar(i, cam));
      t0 = Clock::now();
      std::size_t projected = 0;
      for (std::size_t c = 0; c < cameras.size(); ++c)
        projected += dc::core::project_points(cloud, T[c], calib->cameras.at(cameras[c])).valid_count;
      const double project = ms_since(t0);

      t0 = Clock::now();
      point_view->set_points(cloud);
      point_view->set_boxes(session->labels(i));
      const QImage frame = point_view->render_to_image();
      const double render = ms_since(t0);

      t0 = Clock::now();
      camera_views[0]->set_frame(images[0], &cloud, session->labels(i), T[0], calib->cameras.at(cameras[0]));
      const QImage overlay = camera_views[0]->render_image_overlay();
      const double overlay_time = ms_since(t0);

      // The second camera is shown as in the application, untimed.
      camera_views[1]->set_frame(images[1], &cloud, session->labels(i), T[1], calib->cameras.at(cameras[1]));
      if (i == 0) our_drawn_pixels = non_background_pixels(frame);
      if (frame.size() != QSize(kViewWidth, kViewHeight) || overlay.isNull() || projected == 0)
        throw std::runtime_error("sample " + std::to_string(i) + ": nothing rendered");

      load_ms.push_back(load);
      decode_ms.push_back(decode);
      project_ms.push_back(project);
      render_ms.push_back(render);
      overlay_ms.push_back(overlay_time);
      total_ms.push_back(load + decode + project + render + overlay_time);
      point_sum += cloud.size();
      label_sum += session->label_count(i);
      QCoreApplication::processEvents();
    }
  }
  const int n_breakdown = static_cast<int>(total_ms.size());
  const Stats s_load = stats_of(load_ms), s_decode = stats_of(decode_ms), s_project = stats_of(project_ms),
              s_render = stats_of(render_ms), s_overlay = stats_of(overlay_ms), s_total = stats_of(total_ms);
  std::printf("\n[2] per-step breakdown over %d samples (mean %.0f points, %.1f labels per sample; 3D view %dx%d)\n",
              n_breakdown, static_cast<double>(point_sum) / n_breakdown, static_cast<double>(label_sum) / n_breakdown,
              kViewWidth, kViewHeight);
  std::printf("    %-58s %9s %9s\n", "step", "median ms", "p95 ms");
  auto row = [](const char* name, const Stats& s) { std::printf("    %-58s %9.2f %9.2f\n", name, s.median, s.p95); };
  row("load (velodyne .bin + both PNG files' bytes)", s_load);
  row("decode (cv::imdecode, both PNGs)", s_decode);
  row("projection (project_points, both cameras)", s_project);
  row("render (set_points + set_boxes + render_to_image)", s_render);
  row("camera overlay (set_frame + render_image_overlay, 1 camera)", s_overlay);
  row("total", s_total);

  // ---- 3. plain VTK reference ---------------------------------------------------------------------------------------
  std::vector<double> plain_ms;
  std::size_t plain_drawn_pixels = 0;
  {
    PlainVtkRenderer plain(kViewWidth, kViewHeight);
    plain.render(dc::core::load_velodyne_bin(session->lidar_frame(0)->file));  // context and shaders
    for (int i = 0; i < session->sample_count(); ++i) {
      const auto cloud = dc::core::load_velodyne_bin(session->lidar_frame(i)->file);
      const auto t0 = Clock::now();
      const std::size_t drawn = plain.render(cloud);
      plain_ms.push_back(ms_since(t0));
      if (i == 0) plain_drawn_pixels = drawn;
    }
  }
  const Stats s_plain = stats_of(plain_ms);
  std::printf("\n[3] plain VTK (no Qt; points, colors and vertex cells rebuilt per frame; offscreen %dx%d; Render + "
              "GetRGBACharPixelData) over %zu samples\n",
              kViewWidth, kViewHeight, plain_ms.size());
  std::printf("    plain: median %.2f ms, p95 %.2f ms; ours (render step): median %.2f ms, p95 %.2f ms\n",
              s_plain.median, s_plain.p95, s_render.median, s_render.p95);
  std::printf("    ratio ours/plain: median %.2f, p95 %.2f (ours also draws grid, axes, boxes and legend)\n",
              s_render.median / s_plain.median, s_render.p95 / s_plain.p95);
  std::printf("    pixels drawn in the first frame: ours %zu, plain %zu (of %d)\n", our_drawn_pixels,
              plain_drawn_pixels, kViewWidth * kViewHeight);

  // ---- 4. playing in the main window ------------------------------------------------------------------------------
  double play_rate = 0, play_seconds = 0, play_frames_rate = 0, play_speed = 0, step_rate = 0, step_frames_rate = 0;
  int play_shown = 0, play_skipped = 0, play_last = 0, step_shown = 0;
  bool play_ended = false, step_timed_out = false;
  double peak200 = 0, cur200 = 0, peak2000 = 0, cur2000 = 0, peak_before = 0, cur_before = 0, memory_s = 0;
  bool peak_reset = false, memory_ok = false;
  double cache200_mib = 0, cache2000_mib = 0, cache_budget_mib = 0;
  int long_samples = 0;
  {
    dc::app::MainWindow w(QString::fromStdString(catalog_file.string()));
    w.resize(kWindowWidth, kWindowHeight);
    w.show();
    wait_until([&] { return w.windowHandle() && w.windowHandle()->isExposed(); }, 10000);
    if (!w.open_drive(QString::fromStdString(short_name), 0) || !wait_shown(w, 0)) {
      std::fprintf(stderr, "bench_viewer: the main window did not show sample 0 of %s\n", short_name.c_str());
      return 1;
    }
    wait_until([] { return false; }, 500);  // layout settles, first frames composed

    auto* playback = w.playback();
    playback->set_speed(kPlaySpeed);
    std::set<int> shown;
    int frames = 0;
    QEventLoop loop;
    auto c1 = QObject::connect(&w, &dc::app::MainWindow::sample_shown, &loop, [&](int s) { shown.insert(s); });
    auto c2 = QObject::connect(w.point_view(), &QOpenGLWidget::frameSwapped, &loop, [&] { ++frames; });
    auto c3 = QObject::connect(playback, &dc::widgets::PlaybackController::playing_changed, &loop, [&](bool playing) {
      if (!playing) {
        play_ended = true;
        loop.quit();
      }
    });
    QTimer::singleShot(kPlayWindowMs, &loop, &QEventLoop::quit);
    const int start = playback->current();
    const auto t0 = Clock::now();
    playback->play();
    loop.exec();
    play_seconds = seconds_since(t0);
    QObject::disconnect(c1);
    QObject::disconnect(c2);
    QObject::disconnect(c3);
    playback->pause();
    play_last = playback->current();
    shown.erase(start);
    play_shown = static_cast<int>(shown.size());
    play_skipped = (play_last - start) - play_shown;
    play_rate = play_shown / play_seconds;
    play_frames_rate = frames / play_seconds;
    const auto& times = w.session()->sample_times();
    const double media_s =
        static_cast<double>(times[static_cast<std::size_t>(play_last)] - times[static_cast<std::size_t>(start)]) / 1e9;
    play_speed = media_s / play_seconds;
    std::printf("\n[4] playing at x%.0f (%.0f samples/s wanted) in the main window %dx%d: %s after %.1f s\n",
                kPlaySpeed, kPlaySpeed * 10, kWindowWidth, kWindowHeight,
                play_ended ? "reached the end" : "stopped", play_seconds);
    std::printf("    playhead %d -> %d; %d samples shown = %.1f samples/s; %d skipped; 3D frames %.1f /s\n", start,
                play_last, play_shown, play_rate, play_skipped, play_frames_rate);
    std::printf("    %.1f s of recording in %.1f s: effective speed x%.2f (x%.0f requested)\n", media_s, play_seconds,
                play_speed, kPlaySpeed);

    auto* cache = w.findChild<dc::widgets::SampleCache*>();
    playback->jump_start();
    if (!wait_shown(w, 0)) std::fprintf(stderr, "bench_viewer: sample 0 not shown after jump_start\n");
    if (cache) {
      int cached = 0;
      for (int i = 1; i <= kFastSteps; ++i) cached += cache->contains(i);
      std::printf("    before stepping: %d of samples 1..%d cached (cache %d samples, %.0f of %.0f MiB)\n", cached,
                  kFastSteps, cache->cached_count(), static_cast<double>(cache->bytes()) / (1 << 20),
                  static_cast<double>(cache->budget_bytes()) / (1 << 20));
    }
    const auto fast = step_through(w, kFastSteps, 120000);
    step_shown = fast.shown;
    step_timed_out = fast.timed_out;
    step_rate = fast.shown / fast.seconds;
    step_frames_rate = fast.frames_rendered / fast.seconds;
    std::printf("    stepping as fast as possible from sample 0: %d steps in %.1f s = %.1f samples/s%s; 3D frames "
                "%.1f /s\n",
                fast.shown, fast.seconds, step_rate, fast.timed_out ? " (timed out)" : "", step_frames_rate);

    // ---- 5. memory over the long drive --------------------------------------------------------------------------
    peak_before = peak_rss_kib();
    cur_before = current_rss_kib();
    if (!w.open_drive(QString::fromStdString(long_name), 0) || !wait_shown(w, 0)) {
      std::fprintf(stderr, "bench_viewer: the main window did not show sample 0 of %s\n", long_name.c_str());
      return 1;
    }
    long_samples = w.session()->sample_count();
    peak_reset = reset_peak_rss();
    const auto t1 = Clock::now();
    // Sample 0 is shown: 1999 steps show samples 1..1999.
    const auto steps = step_through(w, long_samples - 1, 420000, [&](int n_shown, int sample) {
      if (n_shown == kShortFrames - 1) {
        peak200 = peak_rss_kib();
        cur200 = current_rss_kib();
        cache200_mib = cache ? static_cast<double>(cache->bytes()) / (1 << 20) : 0;
        std::printf("\n[5] after %d samples (sample %d): peak RSS %.0f MiB, current RSS %.0f MiB, cache %.0f MiB "
                    "(%.1f s)\n",
                    n_shown + 1, sample, mib(peak200), mib(cur200), cache200_mib, seconds_since(t1));
        std::fflush(stdout);
      }
    });
    memory_s = seconds_since(t1);
    peak2000 = peak_rss_kib();
    cur2000 = current_rss_kib();
    cache2000_mib = cache ? static_cast<double>(cache->bytes()) / (1 << 20) : 0;
    cache_budget_mib = cache ? static_cast<double>(cache->budget_bytes()) / (1 << 20) : 0;
    memory_ok = !steps.timed_out && steps.shown == long_samples - 1 && w.shown_sample() == long_samples - 1;
    std::printf("[5] after %d samples (sample %d): peak RSS %.0f MiB, current RSS %.0f MiB, cache %.0f MiB (%.1f s, "
                "%.1f samples/s)%s\n",
                steps.shown + 1, w.shown_sample(), mib(peak2000), mib(cur2000), cache2000_mib, memory_s,
                steps.shown / memory_s, memory_ok ? "" : "  INCOMPLETE");
    std::printf("    sample cache budget %.0f MiB, most held %.0f MiB\n", cache_budget_mib,
                cache ? static_cast<double>(cache->peak_bytes()) / (1 << 20) : 0.0);
    std::printf("    before opening the long drive: process peak %.0f MiB, current %.0f MiB; peak %s at sample 0\n",
                mib(peak_before), mib(cur_before), peak_reset ? "reset (clear_refs)" : "NOT reset (whole process)");
    std::printf("    ratio 2000/200: peak %.3f, current %.3f\n", peak2000 / peak200, cur2000 / cur200);
    w.close();
  }

  // ---- summary ----------------------------------------------------------------------------------------------------
  std::printf("\n==== summary (%.0f s in all) ====\n", seconds_since(run_start));
  std::printf("%-52s %14s %14s\n", "measure", "median / value", "p95 / ratio");
  auto line2 = [](const std::string& name, double a, double b, const char* unit) {
    std::printf("%-52s %11.2f %-2s %11.2f %-2s\n", name.c_str(), a, unit, b, unit);
  };
  auto line1 = [](const std::string& name, double a, const char* unit) {
    std::printf("%-52s %11.2f %-2s\n", name.c_str(), a, unit);
  };
  line1("generate 200-frame drive", generate_s, "s");
  line1("build 2000-frame drive (hard links)", link_s, "s");
  line1("ingest both drives", ingest_s, "s");
  line2("load", s_load.median, s_load.p95, "ms");
  line2("decode", s_decode.median, s_decode.p95, "ms");
  line2("projection (2 cameras)", s_project.median, s_project.p95, "ms");
  line2("render 3D + read-back (ours)", s_render.median, s_render.p95, "ms");
  line2("camera overlay (1 camera)", s_overlay.median, s_overlay.p95, "ms");
  line2("total per sample", s_total.median, s_total.p95, "ms");
  line2("render + read-back, plain VTK", s_plain.median, s_plain.p95, "ms");
  std::printf("%-52s %11.2f    %11.2f\n", "ratio ours/plain (median, p95)", s_render.median / s_plain.median,
              s_render.p95 / s_plain.p95);
  line1("playing x4: samples shown per second", play_rate, "/s");
  std::printf("%-52s %11d    (of %d passed)\n", "playing x4: samples skipped", play_skipped, play_last);
  std::printf("%-52s %11.2f    (x%.0f requested)\n", "playing x4: effective speed", play_speed, kPlaySpeed);
  line1("stepping: samples shown per second", step_rate, "/s");
  std::printf("%-52s %11.0f MiB %10.0f MiB\n", "peak RSS after 200 / 2000 samples", mib(peak200), mib(peak2000));
  std::printf("%-52s %11.0f MiB %10.0f MiB\n", "current RSS after 200 / 2000 samples", mib(cur200), mib(cur2000));
  std::printf("%-52s %11.3f    %11.3f\n", "RSS ratio 2000/200 (peak, current)", peak2000 / peak200, cur2000 / cur200);
  std::printf("%-52s %11.0f MiB %10.0f MiB\n", "sample cache after 200 / 2000 samples", cache200_mib, cache2000_mib);
  if (!memory_ok || step_timed_out || step_shown != kFastSteps || long_samples != kLongFrames)
    std::printf("NOTE: incomplete run (long drive %d samples, fast steps %d)\n", long_samples, step_shown);

  fs::remove_all(work);
  return 0;
}
