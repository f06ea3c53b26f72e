#pragma once
#include "dc/core/model/drive_summary.h"

#include <QAbstractTableModel>
#include <QString>
#include <vector>

namespace dc::widgets {

// The catalog's drives as a table: name, format, start time, duration, samples, labels, sensors, frames per sensor.
class DriveTableModel : public QAbstractTableModel {
  Q_OBJECT
public:
  enum Column { Name, Format, Start, Duration, Samples, Labels, Sensors, Frames, ColumnCount };
  enum Role {
    SortRole = Qt::UserRole,        // typed sort key of the cell (numbers sort as numbers)
    FilterRole = Qt::UserRole + 1,  // any column: "name format start-date sensors", lower case, for filtering
    NameRole = Qt::UserRole + 2     // any column: the drive name
  };

  explicit DriveTableModel(QObject* parent = nullptr);
  void set_drives(std::vector<dc::core::DriveSummary> drives);
  const dc::core::DriveSummary* drive_at(int row) const;
  int row_of(const QString& name) const;  // -1 when absent

  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
  std::vector<dc::core::DriveSummary> drives_;
};

}  // namespace dc::widgets
