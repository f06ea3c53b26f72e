#include "io/readers/ros/ros_tf_conversion.h"

#include "dc/core/io/parse_error.h"
#include "io/readers/ros/ros_header.h"

#include <cmath>

namespace dc::core {

std::optional<Eigen::Isometry3d> ros_isometry(const RosValue& translation, const RosValue& rotation) {
  const Eigen::Vector3d t(translation.field("x").as_double(), translation.field("y").as_double(),
                          translation.field("z").as_double());
  Eigen::Quaterniond q(rotation.field("w").as_double(), rotation.field("x").as_double(),
                       rotation.field("y").as_double(), rotation.field("z").as_double());
  const double norm = q.norm();
  if (!t.allFinite() || !std::isfinite(norm) || norm < 1e-9) return std::nullopt;
  q.coeffs() /= norm;
  Eigen::Isometry3d T = Eigen::Isometry3d::Identity();
  T.linear() = q.toRotationMatrix();
  T.translation() = t;
  return T;
}

std::vector<RosTransform> transforms_from_ros(const RosMessage& msg) {
  const RosValue list = msg.root().field("transforms");
  std::vector<RosTransform> out;
  out.reserve(list.size());
  for (std::size_t i = 0; i < list.size(); ++i) {
    const RosValue ts = list[i];
    const RosHeader header = read_ros_header(ts.field("header"));
    RosTransform t;
    t.stamp_ns = header.stamp_ns;
    t.parent_frame = header.frame_id;
    t.child_frame = normalize_frame_id(ts.field("child_frame_id").as_string());
    const RosValue tf = ts.field("transform");
    const auto T = ros_isometry(tf.field("translation"), tf.field("rotation"));
    if (!T)
      throw ParseError(msg.source(), "TFMessage: transform " + std::to_string(i) + " (" + t.parent_frame + " -> " +
                                         t.child_frame + ") has a non-finite translation or a zero/non-finite "
                                         "quaternion");
    t.T_parent_from_child = *T;
    out.push_back(std::move(t));
  }
  return out;
}

}  // namespace dc::core
