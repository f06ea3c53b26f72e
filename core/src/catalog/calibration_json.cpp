#include "catalog/calibration_json.h"

#include <nlohmann/json.hpp>

namespace dc::core {

using nlohmann::json;

namespace {
json matrix_rows(const Eigen::MatrixXd& m) {
  json rows = json::array();
  for (int r = 0; r < m.rows(); ++r) {
    json row = json::array();
    for (int c = 0; c < m.cols(); ++c) row.push_back(m(r, c));
    rows.push_back(row);
  }
  return rows;
}

template <typename M>
void read_rows(const json& rows, M& m) {
  for (int r = 0; r < m.rows(); ++r)
    for (int c = 0; c < m.cols(); ++c) m(r, c) = rows.at(r).at(c).get<double>();
}
}  // namespace

std::string isometry_to_json(const Eigen::Isometry3d& T) { return matrix_rows(T.matrix()).dump(); }

Eigen::Isometry3d isometry_from_json(const std::string& text) {
  Eigen::Matrix4d m;
  read_rows(json::parse(text), m);
  Eigen::Isometry3d T;
  T.matrix() = m;
  return T;
}

std::string calibration_to_json(const Calibration& calibration) {
  json j;
  j["cameras"] = json::object();
  for (const auto& [name, cam] : calibration.cameras) {
    j["cameras"][name] = {{"K", matrix_rows(cam.K)},
                          {"distortion", cam.distortion},
                          {"width", cam.width},
                          {"height", cam.height}};
  }
  j["extrinsics"] = json::array();
  for (const auto& e : calibration.extrinsics) {
    j["extrinsics"].push_back({{"to", e.to_frame},
                               {"from", e.from_frame},
                               {"T", matrix_rows(e.T_to_from.matrix())},
                               {"source", to_string(e.source)},
                               {"valid_from_ns", e.valid_from_ns},
                               {"valid_to_ns", e.valid_to_ns}});
  }
  return j.dump();
}

Calibration calibration_from_json(const std::string& text) {
  json j = json::parse(text);
  Calibration c;
  for (const auto& [name, cam] : j.at("cameras").items()) {
    CameraIntrinsics in;
    read_rows(cam.at("K"), in.K);
    in.distortion = cam.at("distortion").get<std::array<double, 5>>();
    in.width = cam.at("width").get<int>();
    in.height = cam.at("height").get<int>();
    c.cameras[name] = in;
  }
  for (const auto& e : j.at("extrinsics")) {
    RigidTransform t;
    t.to_frame = e.at("to").get<std::string>();
    t.from_frame = e.at("from").get<std::string>();
    Eigen::Matrix4d m;
    read_rows(e.at("T"), m);
    t.T_to_from.matrix() = m;
    t.source = calibration_source_from_string(e.at("source").get<std::string>());
    t.valid_from_ns = e.at("valid_from_ns").get<std::int64_t>();
    t.valid_to_ns = e.at("valid_to_ns").get<std::int64_t>();
    c.extrinsics.push_back(t);
  }
  return c;
}

}  // namespace dc::core
