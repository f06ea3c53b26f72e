#include "passes/data_qc/payload_scanner.h"

#include "dc/core/data/drive_session.h"
#include "dc/core/io/payload_loader.h"
#include "passes/data_qc/neighbour_diffs.h"
#include "util/parallel_items.h"

#include <algorithm>
#include <atomic>

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
  std::atomic<std::size_t> done{0};

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

  for_each_item_parallel(items.size(), threads_, progress_, [&] { return [&](std::size_t i) { process(items[i]); }; });

  for (const auto& [key, diff] : neighbours.results()) {
    auto& r = (*streams[static_cast<std::size_t>(key.first)].records)[key.second];
    if (r.image) r.image->diff_to_previous = diff;
  }
  return out;
}

}  // namespace dc::core::data_qc
