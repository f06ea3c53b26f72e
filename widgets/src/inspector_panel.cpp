#include "dc/widgets/inspector_panel.h"

#include "dc/core/model/time_stamp.h"
#include "dc/widgets/box_edit_form.h"

#include <QHeaderView>
#include <QTreeWidget>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>
#include <numbers>

namespace dc::widgets {

namespace {
constexpr double kRadToDeg = 180.0 / std::numbers::pi;

QTreeWidgetItem* add_row(QTreeWidgetItem* parent, const QString& key, const QString& value = {}) {
  auto* item = new QTreeWidgetItem(parent, QStringList{key, value});
  item->setToolTip(1, value);
  return item;
}

void clear_children(QTreeWidgetItem* item) {
  qDeleteAll(item->takeChildren());
}

QString num(double v, int decimals = 3) {
  return QString::number(v, 'f', decimals);
}

QString vec3(const Eigen::Vector3d& v, int decimals = 3) {
  return QString("%1, %2, %3").arg(num(v.x(), decimals), num(v.y(), decimals), num(v.z(), decimals));
}

// Yaw / pitch / roll (Z-Y-X) of a rotation, degrees, for a quick read of an extrinsic.
QString ypr_deg(const Eigen::Matrix3d& R) {
  const double yaw = std::atan2(R(1, 0), R(0, 0));
  const double pitch = std::asin(std::clamp(-R(2, 0), -1.0, 1.0));
  const double roll = std::atan2(R(2, 1), R(2, 2));
  return QString("%1, %2, %3").arg(num(yaw * kRadToDeg, 2), num(pitch * kRadToDeg, 2), num(roll * kRadToDeg, 2));
}

QString no_timestamps() {
  return QObject::tr("no timestamps");
}

QString time_text(std::int64_t t) {
  if (t == INT64_MIN || t == INT64_MAX) return QObject::tr("open");
  return QString::fromStdString(dc::core::format_iso8601(t));
}
}  // namespace

InspectorPanel::InspectorPanel(QWidget* parent) : QWidget(parent) {
  tree_ = new QTreeWidget(this);
  tree_->setObjectName("inspectorTree");
  tree_->setColumnCount(2);
  tree_->setHeaderLabels({tr("Property"), tr("Value")});
  tree_->setUniformRowHeights(true);
  tree_->setAlternatingRowColors(true);
  tree_->header()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
  tree_->header()->setStretchLastSection(true);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(tree_, 1);
  box_form_ = new BoxEditForm(this);
  layout->addWidget(box_form_);
  connect(box_form_, &BoxEditForm::box_edited, this, &InspectorPanel::box_edited);
  for (const char* name : {"Sample", "Pose", "Calibration", "Box"}) section(tr(name))->setExpanded(true);
}

QTreeWidgetItem* InspectorPanel::section(const QString& name) {
  for (int i = 0; i < tree_->topLevelItemCount(); ++i)
    if (tree_->topLevelItem(i)->text(0) == name) return tree_->topLevelItem(i);
  auto* item = new QTreeWidgetItem(tree_, QStringList{name});
  QFont bold = item->font(0);
  bold.setBold(true);
  item->setFont(0, bold);
  item->setFirstColumnSpanned(false);
  return item;
}

QString InspectorPanel::value(const QString& path) const {
  const QStringList parts = path.split('/');
  QTreeWidgetItem* item = nullptr;
  for (int i = 0; i < tree_->topLevelItemCount() && !item; ++i)
    if (tree_->topLevelItem(i)->text(0) == parts.front()) item = tree_->topLevelItem(i);
  for (int p = 1; p < parts.size() && item; ++p) {
    QTreeWidgetItem* next = nullptr;
    for (int c = 0; c < item->childCount() && !next; ++c)
      if (item->child(c)->text(0) == parts[p]) next = item->child(c);
    item = next;
  }
  return item ? item->text(1) : QString();
}

void InspectorPanel::set_session(std::shared_ptr<const dc::core::DriveSession> session) {
  session_ = std::move(session);
  clear();
}

void InspectorPanel::clear() {
  for (const char* name : {"Sample", "Pose", "Calibration", "Box"}) {
    auto* s = section(tr(name));
    clear_children(s);
    s->setText(1, {});
  }
  box_form_->clear_box();
  shown_calibration_ = nullptr;
  shown_sample_ = -1;
}

void InspectorPanel::show_sample(int sample) {
  auto* s = section(tr("Sample"));
  auto* pose_section = section(tr("Pose"));
  clear_children(s);
  clear_children(pose_section);
  shown_sample_ = sample;
  if (!session_ || sample < 0 || sample >= session_->sample_count()) {
    s->setText(1, session_ ? tr("none") : tr("no drive open"));
    pose_section->setText(1, {});
    fill_calibration(-1);
    return;
  }
  const auto& info = session_->sample(sample);
  s->setText(1, tr("%1 of %2").arg(sample).arg(session_->sample_count()));
  add_row(s, tr("Index"), QString::number(sample));
  // A KITTI object split's frames are unrelated: its times are only an order and must not read as dates.
  const bool timed = session_->timestamped();
  add_row(s, tr("Time"), timed ? QString::fromStdString(dc::core::format_iso8601(info.timestamp_ns)) : no_timestamps());
  if (timed) {
    const double offset = static_cast<double>(info.timestamp_ns - session_->start_ns()) * 1e-9;
    add_row(s, tr("Offset"), num(offset, 3) + " s");
  }
  add_row(s, tr("Lidar frame"),
          QString("%1 #%2").arg(QString::fromStdString(info.lidar_sensor)).arg(info.lidar_frame_index));
  auto* skew = add_row(s, tr("Skew"), tr("%1 sensor(s)").arg(info.members.size()));
  double worst = 0.0;
  for (const auto& m : info.members) {
    const double ms = static_cast<double>(m.skew_ns) * 1e-6;
    worst = std::max(worst, std::abs(ms));
    add_row(skew, QString::fromStdString(m.sensor),
            timed ? QString("%1 ms  (frame %2)").arg(QString::number(ms, 'f', 2)).arg(m.frame_index)
                  : tr("frame %1").arg(m.frame_index));
  }
  if (!info.members.empty())
    skew->setText(1, timed ? tr("max %1 ms").arg(QString::number(worst, 'f', 2)) : no_timestamps());
  skew->setExpanded(true);
  add_row(s, tr("Labels"), QString::number(session_->label_count(sample)));

  if (const auto pose = session_->pose(sample)) {
    const Eigen::Vector3d t = pose->T_world_from_imu.translation();
    pose_section->setText(1, timed ? QString::fromStdString(dc::core::format_iso8601(pose->timestamp_ns))
                               : no_timestamps());
    add_row(pose_section, tr("Position (m)"), vec3(t, 2));
    add_row(pose_section, tr("Yaw (deg)"), num(pose->yaw * kRadToDeg, 2));
    add_row(pose_section, tr("Roll, pitch (deg)"),
            QString("%1, %2").arg(num(pose->roll * kRadToDeg, 2), num(pose->pitch * kRadToDeg, 2)));
    add_row(
        pose_section, tr("Velocity"),
        QString("%1 m/s  (%2 km/h)").arg(num(pose->forward_velocity_mps, 2), num(pose->forward_velocity_mps * 3.6, 1)));
    add_row(
        pose_section, tr("Lat, lon, alt"),
        QString("%1, %2, %3 m").arg(num(pose->latitude_deg, 7), num(pose->longitude_deg, 7), num(pose->altitude_m, 2)));
    const double skew_ms = static_cast<double>(pose->timestamp_ns - info.timestamp_ns) * 1e-6;
    if (timed) add_row(pose_section, tr("Skew"), QString::number(skew_ms, 'f', 2) + " ms");
  } else {
    pose_section->setText(1, tr("no pose"));
  }
  fill_calibration(sample);
}

void InspectorPanel::fill_calibration(int sample) {
  const dc::core::Calibration* calib = session_ && sample >= 0 ? session_->calibration(sample) : nullptr;
  auto* c = section(tr("Calibration"));
  if (calib == shown_calibration_ && (calib || c->childCount() == 0)) return;  // same one: keep what is expanded
  shown_calibration_ = calib;
  clear_children(c);
  if (!calib) {
    c->setText(1, sample >= 0 ? tr("none covers this time") : QString());
    return;
  }
  c->setText(1, tr("%1 camera(s), %2 extrinsic(s)").arg(calib->cameras.size()).arg(calib->extrinsics.size()));
  const bool timed = session_->timestamped();
  add_row(c, tr("Valid from"), timed ? time_text(calib->valid_from_ns) : no_timestamps());
  add_row(c, tr("Valid to"), timed ? time_text(calib->valid_to_ns) : no_timestamps());
  for (const auto& [camera, intr] : calib->cameras) {
    auto* cam = add_row(c, QString::fromStdString(camera));
    const auto& K = intr.K;
    add_row(cam, "fx fy", QString("%1, %2").arg(num(K(0, 0), 2), num(K(1, 1), 2)));
    add_row(cam, "cx cy", QString("%1, %2").arg(num(K(0, 2), 2), num(K(1, 2), 2)));
    add_row(cam, tr("Size"), QString("%1 x %2").arg(intr.width).arg(intr.height));
    bool distorted = false;
    for (double d : intr.distortion) distorted = distorted || d != 0.0;
    if (distorted)
      add_row(cam, tr("Distortion"),
              QString("%1 %2 %3 %4 %5")
                  .arg(intr.distortion[0])
                  .arg(intr.distortion[1])
                  .arg(intr.distortion[2])
                  .arg(intr.distortion[3])
                  .arg(intr.distortion[4]));
    const auto T = session_->T_camera_from_lidar(sample, camera);
    if (!T) {
      add_row(cam, "T_cam_from_lidar", tr("missing"));
      continue;
    }
    auto* t = add_row(cam, "T_cam_from_lidar", tr("t %1 m").arg(vec3(T->translation(), 4)));
    add_row(t, tr("yaw, pitch, roll (deg)"), ypr_deg(T->rotation()));
    const Eigen::Matrix4d M = T->matrix();
    for (int r = 0; r < 3; ++r)
      add_row(t, tr("row %1").arg(r),
              QString("%1  %2  %3  | %4").arg(num(M(r, 0), 6), num(M(r, 1), 6), num(M(r, 2), 6), num(M(r, 3), 4)));
    cam->setExpanded(true);
  }
  for (const auto& e : calib->extrinsics)
    add_row(c, QString("T_%1_from_%2").arg(QString::fromStdString(e.to_frame), QString::fromStdString(e.from_frame)),
            QString("t %1 m, %2").arg(vec3(e.T_to_from.translation(), 4), dc::core::to_string(e.source)));
}

void InspectorPanel::show_sample_data(std::shared_ptr<const SampleData> data) {
  if (!data) return;
  show_sample(data->sample);  // rebuilds the section: the same sample answered twice must not repeat rows
  auto* s = section(tr("Sample"));
  add_row(s, tr("Points"), QString::number(static_cast<qulonglong>(data->cloud.size())));
  for (const auto& camera : data->cameras) {
    QString text = camera.image.empty() ? QString::fromStdString(camera.problem)
                                        : QString("%1 x %2").arg(camera.image.cols).arg(camera.image.rows);
    // The overlay may use a refined extrinsic instead of the calibration listed below.
    if (camera.model && camera.calibration_source == dc::core::CalibrationSource::Refined)
      text += tr(", overlay: refined calibration (run %1)").arg(camera.calibration_run.value_or(0));
    add_row(s, QString::fromStdString(camera.sensor), text);
  }
  for (const auto& [sensor, message] : data->missing_sensors) {
    if (data->camera(sensor)) continue;  // cameras said so above
    add_row(s, QString::fromStdString(sensor), QString::fromStdString(message));
  }
  if (!data->error.empty()) {
    auto* errors = add_row(s, tr("Errors"), QString::number(data->sensor_errors.size()));
    for (const auto& [sensor, message] : data->sensor_errors) {
      auto* row = add_row(errors, QString::fromStdString(sensor.empty() ? std::string("sample") : sensor),
                          QString::fromStdString(message));
      row->setForeground(1, QColor(0xef, 0x53, 0x50));
    }
    errors->setExpanded(true);
  }
}

void InspectorPanel::show_box(const dc::core::BoxLabel& box, int points_inside) {
  box_form_->show_box(box, points_inside);
  auto* b = section(tr("Box"));
  clear_children(b);
  b->setText(1, QString::fromStdString(box.category) +
                    (box.track_id.empty() ? QString() : " #" + QString::fromStdString(box.track_id)));
  add_row(b, tr("Class"), QString::fromStdString(box.category));
  add_row(b, tr("Track"), box.track_id.empty() ? tr("none") : QString::fromStdString(box.track_id));
  add_row(b, tr("Size l w h (m)"),
          QString("%1, %2, %3").arg(num(box.length, 2), num(box.width, 2), num(box.height, 2)));
  add_row(b, tr("Center (m)"), vec3(box.center, 2));
  add_row(b, tr("Yaw (deg)"), num(box.yaw * kRadToDeg, 1));
  add_row(b, tr("Range (m)"), num(box.center.head<2>().norm(), 1));
  if (points_inside >= 0) add_row(b, tr("Points inside"), QString::number(points_inside));
  add_row(b, tr("Score"), num(box.score, 3));
  add_row(b, tr("Source"), dc::core::to_string(box.source));
  add_row(b, tr("Review"), dc::core::to_string(box.review));
  add_row(b, tr("Revision"), QString::number(box.revision));
  add_row(b, tr("Frame"), QString::number(box.frame_index));
  if (box.occlusion >= 0 || box.truncated >= 0)
    add_row(b, tr("Truncation, occlusion"), QString("%1, %2").arg(num(box.truncated, 2)).arg(box.occlusion));
  b->setExpanded(true);
}

void InspectorPanel::clear_box() {
  box_form_->clear_box();
  auto* b = section(tr("Box"));
  clear_children(b);
  b->setText(1, {});
}

}  // namespace dc::widgets
