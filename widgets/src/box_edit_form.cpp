#include "dc/widgets/box_edit_form.h"

#include "box_drag.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QSignalBlocker>
#include <cmath>
#include <numbers>

namespace dc::widgets {

namespace {
constexpr double kRadToDeg = 180.0 / std::numbers::pi;

QDoubleSpinBox* spin(QWidget* parent, const char* name, double lo, double hi, int decimals, const QString& suffix) {
  auto* s = new QDoubleSpinBox(parent);
  s->setObjectName(name);
  s->setRange(lo, hi);
  s->setDecimals(decimals);
  s->setSingleStep(decimals >= 2 ? 0.05 : 1.0);
  s->setSuffix(suffix);
  s->setKeyboardTracking(false);  // one edit per Enter / focus change, not one per key
  s->setAccelerated(true);
  return s;
}
}  // namespace

const QStringList& BoxEditForm::classes() {
  static const QStringList kClasses{"Car", "Van", "Truck", "Pedestrian", "Person_sitting", "Cyclist", "Tram", "Misc"};
  return kClasses;
}

BoxEditForm::BoxEditForm(QWidget* parent) : QWidget(parent) {
  setObjectName("boxEditForm");
  auto* form = new QFormLayout(this);
  form->setContentsMargins(4, 4, 4, 4);
  x_ = spin(this, "boxX", -1000, 1000, 3, " m");
  y_ = spin(this, "boxY", -1000, 1000, 3, " m");
  z_ = spin(this, "boxZ", -100, 100, 3, " m");
  length_ = spin(this, "boxLength", kMinBoxSize, 100, 3, " m");
  width_ = spin(this, "boxWidth", kMinBoxSize, 100, 3, " m");
  height_ = spin(this, "boxHeight", kMinBoxSize, 100, 3, " m");
  yaw_ = spin(this, "boxYawDeg", -180, 180, 2, QString::fromUtf8(" °"));
  yaw_->setWrapping(true);
  class_ = new QComboBox(this);
  class_->setObjectName("boxClass");
  class_->addItems(classes());
  track_ = new QLineEdit(this);
  track_->setObjectName("boxTrack");
  track_->setPlaceholderText(tr("none"));
  points_ = new QLabel(this);
  points_->setObjectName("boxPointsInside");
  dataset_class_ = new QLabel(this);
  dataset_class_->setObjectName("boxDatasetClass");
  dataset_class_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  dataset_class_->setToolTip(tr("The box's class in the dataset it came from (a nuScenes category), when it differs"));

  auto row3 = [this](QDoubleSpinBox* a, QDoubleSpinBox* b, QDoubleSpinBox* c) {
    auto* w = new QWidget(this);
    auto* l = new QHBoxLayout(w);
    l->setContentsMargins(0, 0, 0, 0);
    l->addWidget(a);
    l->addWidget(b);
    l->addWidget(c);
    return w;
  };
  form->addRow(tr("Centre x y z"), row3(x_, y_, z_));
  form->addRow(tr("Size l w h"), row3(length_, width_, height_));
  form->addRow(tr("Yaw"), yaw_);
  form->addRow(tr("Class"), class_);
  form->addRow(tr("Track"), track_);
  form->addRow(tr("Dataset class"), dataset_class_);
  form->addRow(tr("Points inside"), points_);

  for (auto* s : {x_, y_, z_, length_, width_, height_, yaw_})
    connect(s, &QDoubleSpinBox::valueChanged, this, &BoxEditForm::commit);
  connect(class_, &QComboBox::activated, this, &BoxEditForm::commit);
  connect(track_, &QLineEdit::editingFinished, this, &BoxEditForm::commit);
  clear_box();
}

void BoxEditForm::show_box(const dc::core::BoxLabel& box, int points_inside) {
  box_ = box;
  filling_ = true;
  const QSignalBlocker bx(x_), by(y_), bz(z_), bl(length_), bw(width_), bh(height_), byaw(yaw_), bc(class_), bt(track_);
  x_->setValue(box.center.x());
  y_->setValue(box.center.y());
  z_->setValue(box.center.z());
  length_->setValue(box.length);
  width_->setValue(box.width);
  height_->setValue(box.height);
  yaw_->setValue(box.yaw * kRadToDeg);
  const QString category = QString::fromStdString(box.category);
  if (class_->findText(category) < 0) class_->addItem(category);
  class_->setCurrentText(category);
  track_->setText(QString::fromStdString(box.track_id));
  dataset_class_->setText(QString::fromStdString(box.source_category));
  filling_ = false;
  set_points_inside(points_inside);
  setEnabled(true);
}

void BoxEditForm::set_points_inside(int points) {
  points_->setText(points >= 0 ? QString::number(points) : QString());
}

void BoxEditForm::clear_box() {
  box_.reset();
  points_->clear();
  dataset_class_->clear();
  setEnabled(false);
}

void BoxEditForm::commit() {
  if (filling_ || !box_) return;
  dc::core::BoxLabel edited = *box_;
  // A field keeps the stored value unless it was changed: spin boxes round what they show.
  auto take = [](double& field, const QDoubleSpinBox* s, double scale = 1.0) {
    if (std::abs(s->value() - field * scale) > 0.5 * std::pow(10.0, -s->decimals())) field = s->value() / scale;
  };
  take(edited.center.x(), x_);
  take(edited.center.y(), y_);
  take(edited.center.z(), z_);
  take(edited.length, length_);
  take(edited.width, width_);
  take(edited.height, height_);
  double yaw = edited.yaw;
  take(yaw, yaw_, kRadToDeg);
  if (yaw != edited.yaw) edited.yaw = wrap_angle(yaw);
  edited.category = class_->currentText().toStdString();
  edited.track_id = track_->text().trimmed().toStdString();
  if (edited.center == box_->center && edited.length == box_->length && edited.width == box_->width &&
      edited.height == box_->height && edited.yaw == box_->yaw && edited.category == box_->category &&
      edited.track_id == box_->track_id)
    return;
  emit box_edited(edited);
}

}  // namespace dc::widgets
