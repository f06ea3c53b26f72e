#include "passes/data_qc/payload_scanner.h"

#include "dc/core/data/drive_session.h"
#include "dc/core/io/payload_loader.h"
#include "passes/data_qc/neighbour_diffs.h"

#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <thread>

namespace dc::core::data_qc {

namespace {

struct Stream {
  std::string sensor;
  SensorKind kind = SensorKind::Lidar;
  std::vector<FrameRecord>* records = nullptr;
};

struct Item {
  int stream = 0;
  std::size_t position = 0;  // in the stream
  TimestampNs time = 0;
};

}  // namespace

ScanRecords PayloadScanner::scan() const {
  ScanRecords out;
  std::vector<Stream> streams;
  for (const auto& name : session_.sensor_names()) {
    const Sensor* sensor = session_.sensor(name);
    if (!sensor || (sensor->kind != SensorKind::Lidar && sensor->kind != SensorKind::Camera)) continue;
    auto& records = out[name];
    for (const auto& f : session_.frames(name)) {
      FrameRecord r;
      r.frame = &f;
      r.missing = f.file.empty();
      records.push_back(std::move(r));
    }
    streams.push_back({name, sensor->kind, &records});
  }

  // One frame per work item, in time order across sensors: files are read roughly as they were recorded, the
  // workers stay balanced to the last frame, and an image's predecessor is decoded moments before it.
  std::vector<Item> items;
  for (std::size_t s = 0; s < streams.size(); ++s)
    for (std::size_t p = 0; p < streams[s].records->size(); ++p)
      items.push_back({static_cast<int>(s), p, (*streams[s].records)[p].frame->timestamp_ns});
  std::stable_sort(items.begin(), items.end(), [](const Item& a, const Item& b) { return a.time < b.time; });

  const RingBinning rings(settings_.lidar_rings, settings_.lidar_min_elevation_deg, settings_.lidar_max_elevation_deg);
  NeighbourDiffs neighbours;
  std::atomic<std::size_t> next{0}, done{0};
  std::atomic<bool> stop{false};
  std::exception_ptr failure;
  std::mutex failure_mutex;

  auto process = [&](const Item& item) {
    const Stream& stream = streams[static_cast<std::size_t>(item.stream)];
    FrameRecord& r = (*stream.records)[item.position];
    cv::Mat gray;
    if (!r.missing) {
      try {
        if (stream.kind == SensorKind::Lidar) {
          r.lidar = LidarSweepStats::measure(load_point_cloud(*r.frame), rings, settings_.lidar_max_range_m);
        } else {
          gray = to_gray(load_image(*r.frame));
          r.image = ImageFrameStats::measure(gray, settings_.image_saturation_level);
        }
      } catch (const std::exception& e) {
        r.load_error = e.what();
        r.lidar.reset();
        r.image.reset();
        gray.release();
      }
    }
    if (stream.kind == SensorKind::Camera) {
      // Shared, not copied: the same pixels wait for the frame before and the frame after.
      if (item.position > 0) neighbours.offer_head(item.stream, item.position, gray);
      if (item.position + 1 < stream.records->size()) neighbours.offer_tail(item.stream, item.position + 1, gray);
    }
    const std::size_t n = ++done;
    progress_(static_cast<double>(n), static_cast<double>(items.size()),
              "data-qc: " + stream.sensor + " frame " + std::to_string(r.frame->index));
  };

  auto worker = [&] {
    try {
      for (std::size_t i = next++; i < items.size(); i = next++) {
        if (stop.load() || progress_.cancelled()) {
          stop = true;
          return;
        }
        process(items[i]);
      }
    } catch (...) {
      std::lock_guard lock(failure_mutex);
      if (!failure) failure = std::current_exception();
      stop = true;
    }
  };

  unsigned threads = threads_ ? threads_ : std::max(1u, std::thread::hardware_concurrency());
  threads = static_cast<unsigned>(std::min<std::size_t>(threads, std::max<std::size_t>(1, items.size())));
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < threads; ++t) pool.emplace_back(worker);
  worker();  // the calling thread works too
  for (auto& t : pool) t.join();

  if (failure) std::rethrow_exception(failure);
  if (stop.load() || progress_.cancelled()) throw Cancelled();

  for (const auto& [key, diff] : neighbours.results()) {
    auto& r = (*streams[static_cast<std::size_t>(key.first)].records)[key.second];
    if (r.image) r.image->diff_to_previous = diff;
  }
  return out;
}

}  // namespace dc::core::data_qc
