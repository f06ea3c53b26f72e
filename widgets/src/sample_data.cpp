#include "dc/widgets/sample_data.h"

namespace dc::widgets {

std::size_t SampleData::byte_size() const {
  std::size_t bytes = sizeof(SampleData);
  bytes += cloud.xyzi.capacity() * sizeof(float);
  for (const auto& [name, image] : images) bytes += name.size() + image.total() * image.elemSize() + sizeof(cv::Mat);
  bytes += labels.capacity() * sizeof(dc::core::BoxLabel);
  for (const auto& l : labels) bytes += l.category.capacity() + l.track_id.capacity();
  bytes += info.members.capacity() * sizeof(dc::core::Sample::Member);
  if (calibration)
    bytes += calibration->cameras.size() * (sizeof(dc::core::CameraIntrinsics) + 64) +
             calibration->extrinsics.size() * sizeof(dc::core::RigidTransform);
  for (const auto& [name, text] : sensor_errors) bytes += name.size() + text.size();
  bytes += error.size();
  return bytes;
}

}  // namespace dc::widgets
