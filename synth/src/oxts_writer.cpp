#include "oxts_writer.h"

#include "number_format.h"

#include <cmath>
#include <numbers>

namespace dc::core::generator {

namespace {
constexpr double kEarthRadius = 6378137.0;  // as in KITTI's latToScale / latlonToMercator
constexpr double kPi = std::numbers::pi;
constexpr double kGravity = 9.81;
}  // namespace

OxtsWriter::OxtsWriter(double latitude0, double longitude0, double ground_altitude, double imu_height,
                       const Eigen::Vector2d& first_fix)
    : lat0_(latitude0), lon0_(longitude0), alt_(ground_altitude + imu_height), first_fix_(first_fix) {
  scale_ = std::cos(lat0_ * kPi / 180.0);
  mx0_ = scale_ * lon0_ * kPi * kEarthRadius / 180.0;
  my0_ = scale_ * kEarthRadius * std::log(std::tan((90.0 + lat0_) * kPi / 360.0));
}

std::string OxtsWriter::record(const EgoTrajectory::State& st) const {
  const double mx = mx0_ + (st.xy.x() - first_fix_.x());
  const double my = my0_ + (st.xy.y() - first_fix_.y());
  const double lon = mx * 180.0 / (kPi * kEarthRadius * scale_);
  const double lat = 360.0 / kPi * std::atan(std::exp(my / (scale_ * kEarthRadius))) - 90.0;
  const double yaw = std::remainder(st.heading, 2 * kPi);
  const double vn = st.speed * std::sin(yaw), ve = st.speed * std::cos(yaw);

  // Field order of dataformat.txt; level driving: no roll, pitch or vertical motion.
  const double values[25] = {lat,
                             lon,
                             alt_,
                             0.0,
                             0.0,
                             yaw,
                             vn,
                             ve,
                             st.speed,
                             0.0,
                             0.0,
                             st.accel_forward,
                             st.accel_left,
                             kGravity,  // ax ay az
                             st.accel_forward,
                             st.accel_left,
                             kGravity,  // af al au
                             0.0,
                             0.0,
                             st.yaw_rate,  // wx wy wz
                             0.0,
                             0.0,
                             st.yaw_rate,  // wf wl wu
                             0.0283,
                             0.0127};  // pos_accuracy vel_accuracy
  std::string line;
  for (double v : values) line += format_shortest(v) + " ";
  line += "4 10 6 6 6";  // navstat numsats posmode velmode orimode
  return line;
}

const char* OxtsWriter::dataformat() {
  return R"(lat:   latitude of the oxts-unit (deg)
lon:   longitude of the oxts-unit (deg)
alt:   altitude of the oxts-unit (m)
roll:  roll angle (rad),    0 = level, positive = left side up,      range: -pi   .. +pi
pitch: pitch angle (rad),   0 = level, positive = front down,        range: -pi/2 .. +pi/2
yaw:   heading (rad),       0 = east,  positive = counter clockwise, range: -pi   .. +pi
vn:    velocity towards north (m/s)
ve:    velocity towards east (m/s)
vf:    forward velocity, i.e. parallel to earth-surface (m/s)
vl:    leftward velocity, i.e. parallel to earth-surface (m/s)
vu:    upward velocity, i.e. perpendicular to earth-surface (m/s)
ax:    acceleration in x, i.e. in direction of vehicle front (m/s^2)
ay:    acceleration in y, i.e. in direction of vehicle left (m/s^2)
ay:    acceleration in z, i.e. in direction of vehicle top (m/s^2)
af:    forward acceleration (m/s^2)
al:    leftward acceleration (m/s^2)
au:    upward acceleration (m/s^2)
wx:    angular rate around x (rad/s)
wy:    angular rate around y (rad/s)
wz:    angular rate around z (rad/s)
wf:    angular rate around forward axis (rad/s)
wl:    angular rate around leftward axis (rad/s)
wu:    angular rate around upward axis (rad/s)
pos_accuracy:  velocity accuracy (north/east in m)
vel_accuracy:  velocity accuracy (north/east in m/s)
navstat:       navigation status (see navstat_to_string)
numsats:       number of satellites tracked by primary GPS receiver
posmode:       position mode of primary GPS receiver (see gps_mode_to_string)
velmode:       velocity mode of primary GPS receiver (see gps_mode_to_string)
orimode:       orientation mode of primary GPS receiver (see gps_mode_to_string)
)";
}

}  // namespace dc::core::generator
