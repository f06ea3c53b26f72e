#include "dc/core/data/loaded_sample.h"

namespace dc::core {

const LoadedCamera* LoadedSample::camera(const std::string& sensor) const {
  for (const auto& c : cameras)
    if (c.sensor == sensor) return &c;
  return nullptr;
}

std::size_t LoadedSample::byte_size() const {
  std::size_t bytes = sizeof(LoadedSample);
  bytes += cloud.xyzi.capacity() * sizeof(float) + point_box.capacity() * sizeof(std::int32_t);
  for (const auto& c : cameras) {
    bytes += sizeof(LoadedCamera) + c.sensor.size() + c.problem.size() + c.image.total() * c.image.elemSize();
    const auto& p = c.projection.points;
    bytes += (p.u.capacity() + p.v.capacity() + p.depth.capacity() + p.depth_image.capacity()) * sizeof(float) +
             p.valid.capacity() + c.projection.far_to_near.capacity() * sizeof(std::uint32_t);
  }
  bytes += labels.capacity() * sizeof(BoxLabel) + dont_care.capacity() * sizeof(DontCareRegion);
  for (const auto& l : labels) bytes += l.category.capacity() + l.track_id.capacity();
  bytes += info.members.capacity() * sizeof(Sample::Member);
  if (calibration)
    bytes += calibration->cameras.size() * (sizeof(CameraIntrinsics) + 64) +
             calibration->extrinsics.size() * sizeof(RigidTransform);
  for (const auto& [name, text] : missing_sensors) bytes += name.size() + text.size();
  for (const auto& [name, text] : sensor_errors) bytes += name.size() + text.size();
  bytes += error.size();
  return bytes;
}

}  // namespace dc::core
