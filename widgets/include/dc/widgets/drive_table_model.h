#pragma once
#include "dc/core/drive_summary.h"

#include <QAbstractTableModel>
#include <vector>

namespace dc::widgets {

// The catalog's drives as a table: name, format, start time, duration, samples, frames per sensor.
class DriveTableModel : public QAbstractTableModel {
  Q_OBJECT
public:
  enum Column { Name, Format, Start, Duration, Samples, Frames, ColumnCount };

  explicit DriveTableModel(QObject* parent = nullptr);
  void set_drives(std::vector<dc::core::DriveSummary> drives);
  const dc::core::DriveSummary* drive_at(int row) const;

  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
  std::vector<dc::core::DriveSummary> drives_;
};

}  // namespace dc::widgets
