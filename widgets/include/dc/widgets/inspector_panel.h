#pragma once
#include "dc/core/model/box_label.h"
#include "dc/core/data/drive_session.h"
#include "dc/widgets/sample_data.h"

#include <QWidget>
#include <memory>

class QTreeWidget;
class QTreeWidgetItem;

namespace dc::widgets {

class BoxEditForm;

// Property tree for the selected sample (time, per-sensor skew, ego pose, calibration in use) and the selected box,
// with the box's editable fields below it (BoxEditForm: edits come out as box_edited).
class InspectorPanel : public QWidget {
  Q_OBJECT
public:
  explicit InspectorPanel(QWidget* parent = nullptr);

  void set_session(std::shared_ptr<const dc::core::DriveSession> session);  // clears what is shown
  QTreeWidget* tree() const { return tree_; }
  BoxEditForm* box_form() const { return box_form_; }
  // Text of the value at a path of first-column names, e.g. "Sample/Index" or "Calibration/image_02/fx fy";
  // empty when there is no such row.
  QString value(const QString& path) const;

public slots:
  void show_sample(int sample);
  void show_sample_data(std::shared_ptr<const dc::widgets::SampleData> data);  // adds points, images, load errors
  // points_inside: lidar points inside the box (-1: not known).
  void show_box(const dc::core::BoxLabel& box, int points_inside = -1);
  void clear_box();
  void clear();

signals:
  void box_edited(const dc::core::BoxLabel& edited);  // a field of the box form changed by hand

private:
  QTreeWidgetItem* section(const QString& name);
  void fill_calibration(int sample);

  QTreeWidget* tree_ = nullptr;
  BoxEditForm* box_form_ = nullptr;
  std::shared_ptr<const dc::core::DriveSession> session_;
  const dc::core::Calibration* shown_calibration_ = nullptr;
  int shown_sample_ = -1;
};

}  // namespace dc::widgets
