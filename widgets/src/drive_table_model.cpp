#include "dc/widgets/drive_table_model.h"

#include "dc/core/time_stamp.h"

namespace dc::widgets {

DriveTableModel::DriveTableModel(QObject* parent) : QAbstractTableModel(parent) {}

void DriveTableModel::set_drives(std::vector<dc::core::DriveSummary> drives) {
  beginResetModel();
  drives_ = std::move(drives);
  endResetModel();
}

const dc::core::DriveSummary* DriveTableModel::drive_at(int row) const {
  return row >= 0 && row < static_cast<int>(drives_.size()) ? &drives_[static_cast<std::size_t>(row)] : nullptr;
}

int DriveTableModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : static_cast<int>(drives_.size());
}

int DriveTableModel::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : ColumnCount; }

QVariant DriveTableModel::data(const QModelIndex& index, int role) const {
  const auto* d = drive_at(index.row());
  if (!d) return {};
  if (role == Qt::DisplayRole) {
    switch (index.column()) {
      case Name: return QString::fromStdString(d->name);
      case Format: return QString::fromStdString(d->format);
      case Start: return QString::fromStdString(dc::core::format_iso8601(d->start_ns));
      case Duration: return QString::number(d->duration_s(), 'f', 1) + " s";
      case Samples: return QVariant::fromValue(static_cast<qlonglong>(d->samples));
      case Frames: {
        QStringList parts;
        for (const auto& [sensor, n] : d->frames_per_sensor)
          parts << QString::fromStdString(sensor) + " " + QString::number(n);
        return parts.join("  ");
      }
    }
  }
  if (role == Qt::ToolTipRole) return QString::fromStdString(d->root);
  if (role == Qt::UserRole) {  // sort keys
    switch (index.column()) {
      case Start: return QVariant::fromValue(static_cast<qlonglong>(d->start_ns));
      case Duration: return d->duration_s();
      case Samples: return QVariant::fromValue(static_cast<qlonglong>(d->samples));
      default: return data(index, Qt::DisplayRole);
    }
  }
  if (role == Qt::TextAlignmentRole && (index.column() == Duration || index.column() == Samples))
    return int(Qt::AlignRight | Qt::AlignVCenter);
  return {};
}

QVariant DriveTableModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
  switch (section) {
    case Name: return tr("Drive");
    case Format: return tr("Format");
    case Start: return tr("Start");
    case Duration: return tr("Duration");
    case Samples: return tr("Samples");
    case Frames: return tr("Frames per sensor");
  }
  return {};
}

}  // namespace dc::widgets
