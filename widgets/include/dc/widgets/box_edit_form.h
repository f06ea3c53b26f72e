#pragma once
#include "dc/core/model/box_label.h"

#include <QStringList>
#include <QWidget>
#include <optional>

class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;

namespace dc::widgets {

// Editable fields of the selected box: centre x y z, length width height (m), yaw (degrees), class and track id,
// and the number of lidar points inside. A field changed by hand (Enter or leaving it) emits box_edited with the
// whole box; showing a box never emits.
class BoxEditForm : public QWidget {
  Q_OBJECT
 public:
  explicit BoxEditForm(QWidget* parent = nullptr);

  // The classes offered (KITTI's object classes); a box of another class adds its own to the combo.
  static const QStringList& classes();

  void show_box(const dc::core::BoxLabel& box, int points_inside = -1);
  void set_points_inside(int points);
  void clear_box();
  std::optional<dc::core::BoxLabel> box() const { return box_; }

 signals:
  void box_edited(const dc::core::BoxLabel& edited);

 private:
  void commit();

  std::optional<dc::core::BoxLabel> box_;
  QDoubleSpinBox *x_, *y_, *z_, *length_, *width_, *height_, *yaw_;
  QComboBox* class_;
  QLineEdit* track_;
  QLabel* points_;
  QLabel* dataset_class_;  // the class name in the dataset the box came from (nuScenes' category); read-only
  bool filling_ = false;
};

}  // namespace dc::widgets
