#include "io/readers/ros/ros_camera_info_conversion.h"

#include "dc/core/io/parse_error.h"

namespace dc::core {

namespace {
// ROS 2 names the matrices in lower case, ROS 1 in upper case.
RosValue matrix_field(const RosValue& root, const char* lower_name, const char* upper_name) {
  if (auto v = root.find_field(lower_name)) return *v;
  return root.field(upper_name);
}
}  // namespace

RosCameraInfo camera_info_from_ros(const RosMessage& msg) {
  const RosValue root = msg.root();
  RosCameraInfo out;
  out.header = read_ros_header(root.field("header"));
  const std::uint64_t width = root.field("width").as_uint(), height = root.field("height").as_uint();
  if (width > 1u << 20 || height > 1u << 20)
    throw ParseError(msg.source(), "CameraInfo: size " + std::to_string(width) + " x " + std::to_string(height));
  out.intrinsics.width = static_cast<int>(width);
  out.intrinsics.height = static_cast<int>(height);
  out.distortion_model = std::string(root.field("distortion_model").as_string());
  out.distortion = matrix_field(root, "d", "D").as_doubles();
  const std::vector<double> k = matrix_field(root, "k", "K").as_doubles();
  const std::vector<double> r = matrix_field(root, "r", "R").as_doubles();
  const std::vector<double> p = matrix_field(root, "p", "P").as_doubles();
  if (k.size() != 9 || r.size() != 9 || p.size() != 12)
    throw ParseError(msg.source(), "CameraInfo: K, R, P have " + std::to_string(k.size()) + ", " +
                                       std::to_string(r.size()) + ", " + std::to_string(p.size()) +
                                       " values (expected 9, 9, 12)");
  for (int i = 0; i < 9; ++i) {
    out.intrinsics.K(i / 3, i % 3) = k[i];
    out.R(i / 3, i % 3) = r[i];
  }
  for (int i = 0; i < 12; ++i) out.P(i / 4, i % 4) = p[i];

  const std::string& model = out.distortion_model;
  if (model == "plumb_bob" || model == "rational_polynomial") {
    for (std::size_t i = 0; i < 5 && i < out.distortion.size(); ++i) out.intrinsics.distortion[i] = out.distortion[i];
  } else if (model.empty() || model == "none") {
    for (double d : out.distortion)
      if (d != 0.0)
        throw ParseError(msg.source(), "CameraInfo: distortion coefficients without a distortion model");
  } else {
    throw ParseError(msg.source(), "CameraInfo: distortion model '" + model +
                                       "' is not supported (plumb_bob, rational_polynomial)");
  }
  return out;
}

}  // namespace dc::core
