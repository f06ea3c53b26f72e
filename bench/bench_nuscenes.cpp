// nuScenes table load: JSON tables (no payload files) of a v1.0-mini-sized set (10 scenes, 404 samples, ~31,000
// sample_data rows with radars, ~18,900 annotations, 900 instances, one ego pose per sample_data) and of a set 100
// times larger are written as text, then loaded the way the reader does (nuscenes::read_tables: the streaming SAX
// parse into compact records with token indexes) and by the whole reader (drives assembled; every payload is
// missing, which is reported as one counted error per channel and scene), against references measured in the same
// process: reading the files into memory (like cat), nlohmann's SAX parser with a handler that keeps nothing (its
// tokenizer alone) and nlohmann::json::parse into a DOM (skipped for a table whose DOM would not fit in memory).
// Peak RSS is the high-water mark of each step alone (/proc/self/clear_refs). The page cache is warm (the files were
// just written).
//   bench_nuscenes [work dir] [scale of the big set: 100] [--mini-only] [--keep] [--only cat|sax|dom|tables|reader]
// (--only runs one step, e.g. under perf record.)
#include "dc/core/io/reader_registry.h"
#include "io/readers/nuscenes/nuscenes_tables.h"

#include <nlohmann/json.hpp>

#include <malloc.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

// ---- peak RSS of one step -------------------------------------------------------------------------------------

std::uint64_t status_kb(const char* field) {
  std::ifstream in("/proc/self/status");
  std::string line;
  const std::size_t n = std::strlen(field);
  while (std::getline(in, line))
    if (line.compare(0, n, field) == 0) return std::strtoull(line.c_str() + n + 1, nullptr, 10);
  return 0;
}

// Returns memory the previous step freed to the system and restarts the high-water mark at the present RSS.
void reset_peak() {
  malloc_trim(0);
  std::ofstream("/proc/self/clear_refs") << "5";
}
double peak_mb() { return static_cast<double>(status_kb("VmHWM:")) / 1024.0; }
double available_mb() {
  std::ifstream in("/proc/meminfo");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("MemAvailable:", 0) == 0) return std::strtod(line.c_str() + 13, nullptr) / 1024.0;
  return 0;
}

// ---- writing the tables ---------------------------------------------------------------------------------------

// A table file written as Python's json.dump(indent=0) writes them (the layout of the real nuScenes tables: one key
// or array element per line), through one buffer.
class TableWriter {
public:
  explicit TableWriter(const fs::path& file) : file_(file), out_(std::fopen(file.c_str(), "wb")) {
    if (!out_) throw std::runtime_error("cannot write " + file.string());
    buf_.reserve(kFlushAt + 65536);
    buf_ += "[";
  }
  ~TableWriter() {
    if (out_) std::fclose(out_);
  }
  TableWriter(const TableWriter&) = delete;
  TableWriter& operator=(const TableWriter&) = delete;

  std::size_t rows() const { return rows_; }

  void begin() {
    buf_ += rows_++ ? ",\n{" : "\n{";
    first_ = true;
  }
  void end() {
    buf_ += "\n}";
    if (buf_.size() >= kFlushAt) flush();
  }
  void str(const char* key, std::string_view v) {
    field(key);
    buf_ += '"';
    buf_ += v;
    buf_ += '"';
  }
  void token(const char* key, int kind, std::uint64_t index) {
    field(key);
    put_token(kind, index);
  }
  void no_token(const char* key) { str(key, ""); }
  void integer(const char* key, std::int64_t v) {
    field(key);
    put_int(v);
  }
  void boolean(const char* key, bool v) {
    field(key);
    buf_ += v ? "true" : "false";
  }
  void numbers(const char* key, std::initializer_list<double> v) {
    field(key);
    buf_ += '[';
    bool first = true;
    for (double x : v) {
      buf_ += first ? "\n" : ",\n";
      first = false;
      put_double(x);
    }
    buf_ += v.size() ? "\n]" : "]";
  }
  void matrix3(const char* key, const std::array<double, 9>& m) {
    field(key);
    buf_ += '[';
    for (int r = 0; r < 3; ++r) {
      buf_ += r ? ",\n[" : "\n[";
      for (int c = 0; c < 3; ++c) {
        buf_ += c ? ",\n" : "\n";
        put_double(m[static_cast<std::size_t>(r * 3 + c)]);
      }
      buf_ += "\n]";
    }
    buf_ += "\n]";
  }
  void tokens(const char* key, int kind, const std::vector<std::uint64_t>& indexes) {
    field(key);
    buf_ += '[';
    for (std::size_t i = 0; i < indexes.size(); ++i) {
      buf_ += i ? ",\n" : "\n";
      put_token(kind, indexes[i]);
    }
    buf_ += indexes.empty() ? "]" : "\n]";
  }
  void close() {
    buf_ += "\n]";
    flush();
    if (std::fclose(out_) != 0) throw std::runtime_error("cannot write " + file_.string());
    out_ = nullptr;
  }

private:
  static constexpr std::size_t kFlushAt = 8 << 20;

  void field(const char* key) {
    buf_ += first_ ? "\n\"" : ",\n\"";
    first_ = false;
    buf_ += key;
    buf_ += "\": ";
  }
  void put_int(std::int64_t v) {
    char s[24];
    auto r = std::to_chars(s, s + sizeof s, v);
    buf_.append(s, r.ptr);
  }
  void put_double(double v) {
    char s[32];
    auto r = std::to_chars(s, s + sizeof s, v);
    buf_.append(s, r.ptr);
  }
  void put_token(int kind, std::uint64_t index);
  void flush() {
    if (!buf_.empty() && std::fwrite(buf_.data(), 1, buf_.size(), out_) != buf_.size())
      throw std::runtime_error("cannot write " + file_.string());
    buf_.clear();
  }

  fs::path file_;
  std::FILE* out_;
  std::string buf_;
  std::size_t rows_ = 0;
  bool first_ = true;
};

std::uint64_t mix(std::uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

// 32 lowercase hex digits, as random-looking as nuScenes' own, from (table, row).
void TableWriter::put_token(int kind, std::uint64_t index) {
  static const char* digits = "0123456789abcdef";
  const std::uint64_t w0 = mix((static_cast<std::uint64_t>(kind) << 56) ^ index);
  const std::uint64_t w1 = mix(w0 ^ 0x5851F42D4C957F2Dull);
  char s[34];
  s[0] = '"';
  for (int i = 0; i < 16; ++i) {
    s[1 + i] = digits[(w0 >> (60 - 4 * i)) & 15];
    s[17 + i] = digits[(w1 >> (60 - 4 * i)) & 15];
  }
  buf_.append(s, 33);
  buf_ += '"';
}

enum Kind { kLog = 1, kSensor, kCalib, kScene, kSample, kSampleData, kEgoPose, kCategory, kAttribute, kInstance,
            kAnnotation };

struct Channel {
  const char* name;
  const char* modality;
  int per_keyframe;  // sample_data per 0.5 s keyframe interval
  std::int64_t offset_us;
};
// LIDAR_TOP 20 Hz, cameras 12 Hz, radars ~13 Hz, as in nuScenes.
constexpr Channel kChannels[] = {
    {"LIDAR_TOP", "lidar", 10, 0},          {"CAM_FRONT", "camera", 6, 12000},
    {"CAM_FRONT_RIGHT", "camera", 6, 20000}, {"CAM_BACK_RIGHT", "camera", 6, 37000},
    {"CAM_BACK", "camera", 6, 45000},        {"CAM_BACK_LEFT", "camera", 6, 54000},
    {"CAM_FRONT_LEFT", "camera", 6, 4000},   {"RADAR_FRONT", "radar", 6, 2000},
    {"RADAR_FRONT_LEFT", "radar", 6, 9000},  {"RADAR_FRONT_RIGHT", "radar", 6, 15000},
    {"RADAR_BACK_LEFT", "radar", 6, 27000},  {"RADAR_BACK_RIGHT", "radar", 6, 33000}};
constexpr int kChannelCount = static_cast<int>(std::size(kChannels));

constexpr const char* kCategories[] = {
    "animal", "human.pedestrian.adult", "human.pedestrian.child", "human.pedestrian.construction_worker",
    "human.pedestrian.personal_mobility", "human.pedestrian.police_officer", "human.pedestrian.stroller",
    "human.pedestrian.wheelchair", "movable_object.barrier", "movable_object.debris",
    "movable_object.pushable_pullable", "movable_object.trafficcone", "static_object.bicycle_rack", "vehicle.bicycle",
    "vehicle.bus.bendy", "vehicle.bus.rigid", "vehicle.car", "vehicle.construction", "vehicle.emergency.ambulance",
    "vehicle.emergency.police", "vehicle.motorcycle", "vehicle.trailer", "vehicle.truck"};
constexpr int kCategoryCount = static_cast<int>(std::size(kCategories));
constexpr const char* kAttributes[] = {"vehicle.moving",    "vehicle.stopped",     "vehicle.parked",
                                       "cycle.with_rider",  "cycle.without_rider", "pedestrian.sitting_lying_down",
                                       "pedestrian.standing", "pedestrian.moving"};
constexpr const char* kVisibility[][2] = {{"1", "v0-40"}, {"2", "v40-60"}, {"3", "v60-80"}, {"4", "v80-100"}};
constexpr int kInstancesPerScene = 90;

struct SetCounts {
  std::size_t scenes = 0, samples = 0, sample_data = 0, radar = 0, ego_poses = 0, annotations = 0, instances = 0,
              other = 0;
  std::size_t records() const { return scenes + samples + sample_data + ego_poses + annotations + instances + other; }
};

std::array<double, 4> yaw_quaternion(double yaw) { return {std::cos(yaw / 2), 0.0, 0.0, std::sin(yaw / 2)}; }

SetCounts write_set(const fs::path& version_dir, int scenes) {
  fs::remove_all(version_dir);
  fs::create_directories(version_dir);
  SetCounts n;
  const int logs = std::max(1, scenes * 8 / 10);
  const std::int64_t t_base = 1532402927647951;  // microseconds, July 2018

  {
    TableWriter w(version_dir / "log.json");
    for (int l = 0; l < logs; ++l) {
      w.begin();
      w.token("token", kLog, static_cast<std::uint64_t>(l));
      w.str("logfile", "n015-2018-07-24-11-22-45+0800");
      w.str("vehicle", "n015");
      w.str("date_captured", "2018-07-24");
      w.str("location", l % 2 ? "boston-seaport" : "singapore-onenorth");
      w.end();
    }
    n.other += w.rows();
    w.close();
  }
  {
    TableWriter s(version_dir / "sensor.json"), c(version_dir / "calibrated_sensor.json");
    for (int k = 0; k < kChannelCount; ++k) {
      s.begin();
      s.token("token", kSensor, static_cast<std::uint64_t>(k));
      s.str("channel", kChannels[k].name);
      s.str("modality", kChannels[k].modality);
      s.end();
    }
    // One calibrated sensor per scene and channel.
    for (int sc = 0; sc < scenes; ++sc)
      for (int k = 0; k < kChannelCount; ++k) {
        const double yaw = k * 0.52 + sc * 1e-4;
        const auto q = yaw_quaternion(yaw);
        c.begin();
        c.token("token", kCalib, static_cast<std::uint64_t>(sc * kChannelCount + k));
        c.token("sensor_token", kSensor, static_cast<std::uint64_t>(k));
        c.numbers("translation", {0.943713 + k * 0.01, 0.0 + k * 0.1, 1.84023});
        c.numbers("rotation", {q[0], q[1], q[2], q[3]});
        if (std::strcmp(kChannels[k].modality, "camera") == 0)
          c.matrix3("camera_intrinsic", {1266.417203046554, 0.0, 816.2670197447984, 0.0, 1266.417203046554,
                                         491.50706579294757, 0.0, 0.0, 1.0});
        else
          c.numbers("camera_intrinsic", {});
        c.end();
      }
    n.other += s.rows() + c.rows();
    s.close();
    c.close();
  }
  {
    TableWriter c(version_dir / "category.json"), a(version_dir / "attribute.json"), v(version_dir / "visibility.json");
    for (int k = 0; k < kCategoryCount; ++k) {
      c.begin();
      c.token("token", kCategory, static_cast<std::uint64_t>(k));
      c.str("name", kCategories[k]);
      c.str("description", "Category description as the dataset writes it: a sentence or two.");
      c.end();
    }
    for (std::size_t k = 0; k < std::size(kAttributes); ++k) {
      a.begin();
      a.token("token", kAttribute, k);
      a.str("name", kAttributes[k]);
      a.str("description", "Attribute description.");
      a.end();
    }
    for (const auto& vis : kVisibility) {
      v.begin();
      v.str("description", "visibility of whole object is in this range");
      v.str("token", vis[0]);
      v.str("level", vis[1]);
      v.end();
    }
    n.other += c.rows() + a.rows() + v.rows();
    c.close();
    a.close();
    v.close();
  }

  TableWriter scene(version_dir / "scene.json"), sample(version_dir / "sample.json"),
      sample_data(version_dir / "sample_data.json"), ego_pose(version_dir / "ego_pose.json"),
      instance(version_dir / "instance.json"), annotation(version_dir / "sample_annotation.json");
  std::uint64_t sample_base = 0, data_index = 0, annotation_index = 0;
  char filename[160];
  for (int sc = 0; sc < scenes; ++sc) {
    const int samples = 40 + (sc % 10 < 4 ? 1 : 0);  // 404 per 10 scenes, as v1.0-mini
    const std::int64_t t_scene = t_base + static_cast<std::int64_t>(sc) * 30'000'000;
    auto sample_time = [&](int k) { return t_scene + static_cast<std::int64_t>(k) * 500'000; };
    // The ego drives a gentle curve through the scene; position and heading at a time.
    const double x0 = 400.0 + (sc % 50) * 37.1, y0 = 1100.0 + (sc % 23) * 13.3;
    auto ego_at = [&](std::int64_t t_us, double& x, double& y, double& yaw) {
      const double s = static_cast<double>(t_us - t_scene) * 1e-6;
      yaw = 0.3 + 0.01 * s;
      x = x0 + 8.0 * s * std::cos(yaw);
      y = y0 + 8.0 * s * std::sin(yaw);
    };

    scene.begin();
    scene.token("token", kScene, static_cast<std::uint64_t>(sc));
    scene.token("log_token", kLog, static_cast<std::uint64_t>(sc * logs / scenes));
    scene.integer("nbr_samples", samples);
    scene.token("first_sample_token", kSample, sample_base);
    scene.token("last_sample_token", kSample, sample_base + static_cast<std::uint64_t>(samples - 1));
    char name[32];
    std::snprintf(name, sizeof name, "scene-%04d", sc + 1);
    scene.str("name", name);
    scene.str("description", "Wait at intersection, peds, bicycle, parked cars, turn right");
    scene.end();

    for (int k = 0; k < samples; ++k) {
      sample.begin();
      sample.token("token", kSample, sample_base + static_cast<std::uint64_t>(k));
      sample.integer("timestamp", sample_time(k));
      if (k > 0) sample.token("prev", kSample, sample_base + static_cast<std::uint64_t>(k - 1));
      else sample.no_token("prev");
      if (k + 1 < samples) sample.token("next", kSample, sample_base + static_cast<std::uint64_t>(k + 1));
      else sample.no_token("next");
      sample.token("scene_token", kScene, static_cast<std::uint64_t>(sc));
      sample.end();
    }

    // sample_data and their ego poses, one channel after the other; sweeps belong to the keyframe before them.
    for (int c = 0; c < kChannelCount; ++c) {
      const Channel& ch = kChannels[c];
      const bool camera = std::strcmp(ch.modality, "camera") == 0;
      const std::uint64_t first = data_index;
      const std::uint64_t count = static_cast<std::uint64_t>(samples) * static_cast<std::uint64_t>(ch.per_keyframe);
      for (int k = 0; k < samples; ++k)
        for (int j = 0; j < ch.per_keyframe; ++j) {
          const std::uint64_t i = data_index++;
          const bool key = j == 0;
          const std::int64_t t = sample_time(k) + ch.offset_us * (key ? 0 : 1) + 500'000 * j / ch.per_keyframe +
                                 static_cast<std::int64_t>(i % 7);
          double x, y, yaw;
          ego_at(t, x, y, yaw);
          const auto q = yaw_quaternion(yaw);
          ego_pose.begin();
          ego_pose.token("token", kEgoPose, i);
          ego_pose.integer("timestamp", t);
          ego_pose.numbers("rotation", {q[0], q[1], q[2], q[3]});
          ego_pose.numbers("translation", {x, y, 0.0});
          ego_pose.end();

          std::snprintf(filename, sizeof filename, "%s/%s/n015-2018-07-24-11-22-45+0800__%s__%lld.%s",
                        key ? "samples" : "sweeps", ch.name, ch.name, static_cast<long long>(t),
                        camera ? "jpg" : "pcd.bin");
          sample_data.begin();
          sample_data.token("token", kSampleData, i);
          sample_data.token("sample_token", kSample, sample_base + static_cast<std::uint64_t>(k));
          sample_data.token("ego_pose_token", kEgoPose, i);
          sample_data.token("calibrated_sensor_token", kCalib, static_cast<std::uint64_t>(sc * kChannelCount + c));
          sample_data.integer("timestamp", t);
          sample_data.str("fileformat", camera ? "jpg" : "pcd");
          sample_data.boolean("is_key_frame", key);
          sample_data.integer("height", camera ? 900 : 0);
          sample_data.integer("width", camera ? 1600 : 0);
          sample_data.str("filename", filename);
          if (i > first) sample_data.token("prev", kSampleData, i - 1);
          else sample_data.no_token("prev");
          if (i + 1 < first + count) sample_data.token("next", kSampleData, i + 1);
          else sample_data.no_token("next");
          sample_data.end();
          if (std::strcmp(ch.modality, "radar") == 0) ++n.radar;
        }
    }

    // Instances: each seen on a run of consecutive keyframes (1..41 of them, ~21 on average).
    for (int inst = 0; inst < kInstancesPerScene; ++inst) {
      const std::uint64_t id = static_cast<std::uint64_t>(sc) * kInstancesPerScene + static_cast<std::uint64_t>(inst);
      const int length = std::min(samples, 1 + (inst * 37 + sc * 5) % 41);
      const int start = (inst * 11 + sc) % (samples - length + 1);
      const int category = (inst * 7 + sc) % kCategoryCount;
      const std::string_view cat = kCategories[category];
      std::vector<std::uint64_t> attributes;
      if (cat.rfind("vehicle.bicycle", 0) == 0 || cat.rfind("vehicle.motorcycle", 0) == 0) attributes = {3};
      else if (cat.rfind("vehicle.", 0) == 0) attributes = {static_cast<std::uint64_t>(inst % 3)};
      else if (cat.rfind("human.", 0) == 0) attributes = {static_cast<std::uint64_t>(6 + inst % 2)};
      const std::uint64_t first = annotation_index;
      instance.begin();
      instance.token("token", kInstance, id);
      instance.token("category_token", kCategory, static_cast<std::uint64_t>(category));
      instance.integer("nbr_annotations", length);
      instance.token("first_annotation_token", kAnnotation, first);
      instance.token("last_annotation_token", kAnnotation, first + static_cast<std::uint64_t>(length - 1));
      instance.end();
      for (int j = 0; j < length; ++j) {
        const int k = start + j;
        const std::uint64_t a = annotation_index++;
        double x, y, yaw;
        ego_at(sample_time(k), x, y, yaw);
        const double ox = 5.0 + (inst % 13) * 3.7 - 20.0, oy = (inst % 9) * 2.9 - 12.0;
        const auto q = yaw_quaternion(yaw + inst * 0.2);
        annotation.begin();
        annotation.token("token", kAnnotation, a);
        annotation.token("sample_token", kSample, sample_base + static_cast<std::uint64_t>(k));
        annotation.token("instance_token", kInstance, id);
        annotation.str("visibility_token", kVisibility[(inst + j) % 4][0]);
        annotation.tokens("attribute_tokens", kAttribute, attributes);
        annotation.numbers("translation", {x + ox + j * 0.31, y + oy + j * 0.07, 1.0 + (inst % 5) * 0.1});
        annotation.numbers("size", {1.9 + (inst % 4) * 0.1, 4.5 + (inst % 6) * 0.2, 1.6 + (inst % 3) * 0.15});
        annotation.numbers("rotation", {q[0], q[1], q[2], q[3]});
        if (j > 0) annotation.token("prev", kAnnotation, a - 1);
        else annotation.no_token("prev");
        if (j + 1 < length) annotation.token("next", kAnnotation, a + 1);
        else annotation.no_token("next");
        annotation.integer("num_lidar_pts", 3 + (inst * 13 + j) % 400);
        annotation.integer("num_radar_pts", (inst + j) % 5);
        annotation.end();
      }
    }
    sample_base += static_cast<std::uint64_t>(samples);
  }
  n.scenes = scene.rows();
  n.samples = sample.rows();
  n.sample_data = sample_data.rows();
  n.ego_poses = ego_pose.rows();
  n.instances = instance.rows();
  n.annotations = annotation.rows();
  for (TableWriter* w : {&scene, &sample, &sample_data, &ego_pose, &instance, &annotation}) w->close();
  return n;
}

// ---- references -----------------------------------------------------------------------------------------------

std::vector<fs::path> table_files(const fs::path& version_dir) {
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(version_dir))
    if (e.path().extension() == ".json") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  return files;
}

std::string read_all(const fs::path& file) {
  std::string text(static_cast<std::size_t>(fs::file_size(file)), '\0');
  std::FILE* f = std::fopen(file.c_str(), "rb");
  if (!f || std::fread(text.data(), 1, text.size(), f) != text.size())
    throw std::runtime_error("cannot read " + file.string());
  std::fclose(f);
  return text;
}

// nlohmann's SAX events, all dropped: what its tokenizer costs alone.
struct NullSax {
  using json = nlohmann::json;
  std::size_t events = 0;
  bool null() { return ++events; }
  bool boolean(bool) { return ++events; }
  bool number_integer(json::number_integer_t) { return ++events; }
  bool number_unsigned(json::number_unsigned_t) { return ++events; }
  bool number_float(json::number_float_t, const json::string_t&) { return ++events; }
  bool string(json::string_t&) { return ++events; }
  bool binary(json::binary_t&) { return ++events; }
  bool start_object(std::size_t) { return ++events; }
  bool end_object() { return ++events; }
  bool start_array(std::size_t) { return ++events; }
  bool end_array() { return ++events; }
  bool key(json::string_t&) { return ++events; }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception& e) { throw e; }
};

struct Measure {
  bool ran = false;
  double seconds = 1e30;
  double peak_mb = 0, growth_mb = 0;  // high-water mark of the step, and how far above the RSS it started at
  std::string note;
};

std::string g_only;  // --only: run this step alone

// Best of `rounds` runs of `step` (peak RSS: the maximum over runs).
Measure measure(const char* name, int rounds, const std::function<std::string()>& step) {
  Measure m;
  if (!g_only.empty() && g_only != name) return m;
  m.ran = true;
  for (int r = 0; r < rounds; ++r) {
    reset_peak();
    const double start_mb = static_cast<double>(status_kb("VmRSS:")) / 1024.0;
    const auto t = Clock::now();
    std::string note = step();
    const double s = seconds_since(t);
    const double peak = peak_mb();
    m.peak_mb = std::max(m.peak_mb, peak);
    m.growth_mb = std::max(m.growth_mb, peak - start_mb);
    if (s < m.seconds) m.seconds = s, m.note = std::move(note);
  }
  return m;
}

void print_row(const char* what, const Measure& m, double mb, std::size_t records, double cat_seconds) {
  if (!m.ran) return;
  std::printf("%-46s %8.3f %9.1f %12.0f %8.2f %9.0f %9.0f  %s\n", what, m.seconds, mb / m.seconds,
              static_cast<double>(records) / m.seconds, m.ran && cat_seconds < 1e29 ? m.seconds / cat_seconds : 0.0,
              m.peak_mb, m.growth_mb, m.note.c_str());
}

void run_set(const char* label, const fs::path& root, int scenes, int rounds) {
  const fs::path version_dir = root / "v1.0-bench";
  auto t0 = Clock::now();
  const SetCounts n = write_set(version_dir, scenes);
  const std::vector<fs::path> files = table_files(version_dir);
  std::uint64_t bytes = 0, largest = 0;
  for (const auto& f : files) {
    bytes += fs::file_size(f);
    largest = std::max<std::uint64_t>(largest, fs::file_size(f));
  }
  const double mb = static_cast<double>(bytes) / 1e6;
  std::printf("\n== %s: %zu scenes, %zu samples, %zu sample_data (%zu radar), %zu ego poses, %zu annotations, "
              "%zu instances; %zu records, %.1f MB of JSON in %zu tables (largest %.1f MB), written in %.1f s\n",
              label, n.scenes, n.samples, n.sample_data, n.radar, n.ego_poses, n.annotations, n.instances,
              n.records(), mb, files.size(), static_cast<double>(largest) / 1e6, seconds_since(t0));
  std::printf("%-46s %8s %9s %12s %8s %9s %9s\n", rounds > 1 ? "step (best of 3, page cache warm)" : "step (once)",
              "seconds", "MB/s", "records/s", "vs cat", "peak MB", "+MB");

  const Measure cat = measure("cat", rounds, [&] {
    std::size_t sum = 0;
    for (const auto& f : files) sum += read_all(f).size();
    return std::to_string(sum / 1000000) + " MB read";
  });
  print_row("read files into memory (cat)", cat, mb, n.records(), cat.seconds);

  const Measure sax = measure("sax", rounds, [&] {
    std::size_t events = 0;
    for (const auto& f : files) {
      const std::string text = read_all(f);
      NullSax handler;
      nlohmann::json::sax_parse(text, &handler);
      events += handler.events;
    }
    return std::to_string(events) + " SAX events";
  });
  print_row("nlohmann SAX, no-op handler (read + parse)", sax, mb, n.records(), cat.seconds);

  // The same from a 1 MB-buffered std::ifstream, as the reader streams a table.
  const Measure sax_stream = measure("sax-stream", rounds, [&] {
    std::size_t events = 0;
    std::vector<char> buffer(1 << 20);
    for (const auto& f : files) {
      std::ifstream in;
      in.rdbuf()->pubsetbuf(buffer.data(), static_cast<std::streamsize>(buffer.size()));
      in.open(f, std::ios::binary);
      NullSax handler;
      nlohmann::json::sax_parse(in, &handler);
      events += handler.events;
    }
    return std::to_string(events) + " SAX events";
  });
  print_row("nlohmann SAX, no-op handler (std::ifstream)", sax_stream, mb, n.records(), cat.seconds);

  // A DOM takes ~5 times its JSON here (text included; measured on the mini set): a table is parsed only when 12
  // times its size fits in half of the memory available now.
  double dom_factor = 12.0;
  std::vector<std::string> skipped;
  std::uint64_t dom_bytes = 0;
  std::size_t values = 0;
  const Measure dom = measure("dom", rounds, [&]() -> std::string {
    values = 0;
    dom_bytes = 0;
    skipped.clear();
    for (const auto& f : files) {
      const double file_mb = static_cast<double>(fs::file_size(f)) / 1e6;
      if (file_mb * dom_factor > available_mb() / 2) {
        skipped.push_back(f.filename().string());
        continue;
      }
      const std::string text = read_all(f);
      const nlohmann::json j = nlohmann::json::parse(text);
      values += j.size();
      dom_bytes += text.size();
    }
    return std::to_string(values) + " records";
  });
  std::string dom_label = "nlohmann::json::parse DOM (read + parse)";
  if (!skipped.empty() && dom.ran) {
    std::string list;
    for (const auto& s : skipped) list += (list.empty() ? "" : ", ") + s;
    dom_label += " [skipped: " + list + "]";
    std::printf("%s\n", dom_label.c_str());
    print_row("  the tables that fit (their MB and records)", dom, static_cast<double>(dom_bytes) / 1e6, values,
              cat.seconds);
  } else {
    print_row(dom_label.c_str(), dom, mb, n.records(), cat.seconds);
  }

  const Measure tables = measure("tables", rounds, [&] {
    const auto t = dc::core::nuscenes::read_tables(version_dir, {});
    return std::to_string(t.sample_data.rows.size()) + " sample_data kept, " + std::to_string(t.radar_records) +
           " radar skipped, " + std::to_string(t.sample_annotation.rows.size()) + " boxes, " +
           std::to_string(t.problems.size()) + " problems";
  });
  print_row("reader table load (nuscenes::read_tables)", tables, mb, n.records(), cat.seconds);

  const dc::core::DriveReader* reader = dc::core::detect_reader(root);
  if (!reader || reader->format() != "nuscenes") {
    std::printf("no nuScenes reader detected %s\n", root.c_str());
    return;
  }
  const Measure whole = measure("reader", rounds, [&] {
    const auto drives = reader->read(root, {});
    std::size_t frames = 0, labels = 0, errors = 0, error_bytes = 0;
    for (const auto& d : drives) {
      frames += d.frames.size();
      labels += d.labels.size();
      errors += d.errors.size();
      for (const auto& e : d.errors) error_bytes += e.message.size();
    }
    return std::to_string(drives.size()) + " drives, " + std::to_string(frames) + " frames, " +
           std::to_string(labels) + " boxes, " + std::to_string(errors) + " errors (" +
           std::to_string(error_bytes / 1024) + " KiB)";
  });
  print_row("whole reader, payloads missing (read)", whole, mb, n.records(), cat.seconds);
}

}  // namespace

int main(int argc, char** argv) {
  std::setvbuf(stdout, nullptr, _IOLBF, 0);  // rows appear as they are measured, also into a file
  fs::path work = fs::temp_directory_path() / "dc_bench_nuscenes";
  int scale = 100;
  bool mini_only = false, keep = false;
  int positional = 0;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--mini-only") mini_only = true;
    else if (a == "--keep") keep = true;
    else if (a == "--only" && i + 1 < argc) g_only = argv[++i];
    else if (positional++ == 0) work = a;
    else scale = std::max(1, std::atoi(a.c_str()));
  }
  try {
    run_set("v1.0-mini size", work / "mini", 10, 3);
    if (!mini_only) run_set(("x" + std::to_string(scale)).c_str(), work / "big", 10 * scale, 1);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_nuscenes: %s\n", e.what());
    return 1;
  }
  if (!keep) fs::remove_all(work);
  return 0;
}
