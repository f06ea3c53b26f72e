#include "dc/widgets/drive_table_model.h"

#include "dc/core/model/time_stamp.h"

#include <QStringList>

namespace dc::widgets {

namespace {
QString sensors_text(const dc::core::DriveSummary& d) {
  QStringList names;
  for (const auto& [sensor, n] : d.frames_per_sensor) names << QString::fromStdString(sensor);
  return names.join(", ");
}
}  // namespace

DriveTableModel::DriveTableModel(QObject* parent) : QAbstractTableModel(parent) {}

void DriveTableModel::set_drives(std::vector<dc::core::DriveSummary> drives) {
  beginResetModel();
  drives_ = std::move(drives);
  endResetModel();
}

const dc::core::DriveSummary* DriveTableModel::drive_at(int row) const {
  return row >= 0 && row < static_cast<int>(drives_.size()) ? &drives_[static_cast<std::size_t>(row)] : nullptr;
}

int DriveTableModel::row_of(const QString& name) const {
  const std::string key = name.toStdString();
  for (std::size_t i = 0; i < drives_.size(); ++i)
    if (drives_[i].name == key) return static_cast<int>(i);
  return -1;
}

int DriveTableModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : static_cast<int>(drives_.size());
}

int DriveTableModel::columnCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : ColumnCount;
}

QVariant DriveTableModel::data(const QModelIndex& index, int role) const {
  const auto* d = drive_at(index.row());
  if (!d) return {};
  if (role == Qt::DisplayRole) {
    switch (index.column()) {
      case Name:
        return QString::fromStdString(d->name);
      case Format:
        return QString::fromStdString(d->format);
      case Start:  // an object split's times are only an order: no 1970 dates, no duration
        if (!d->timestamped) return tr("no timestamps");
        return QString::fromStdString(dc::core::format_iso8601(d->start_ns));
      case Duration:
        if (!d->timestamped) return QString("–");
        return QString::number(d->duration_s(), 'f', 1) + " s";
      case Samples:
        return QVariant::fromValue(static_cast<qlonglong>(d->samples));
      case Labels:
        return QVariant::fromValue(static_cast<qlonglong>(d->labels));
      case Sensors:
        return sensors_text(*d);
      case Frames: {
        QStringList parts;
        for (const auto& [sensor, n] : d->frames_per_sensor)
          parts << QString::fromStdString(sensor) + " " + QString::number(n);
        return parts.join("  ");
      }
    }
  }
  if (role == Qt::ToolTipRole) return QString::fromStdString(d->root);
  if (role == SortRole) {
    switch (index.column()) {
      case Start:
        return QVariant::fromValue(static_cast<qlonglong>(d->start_ns));
      case Duration:
        return d->duration_s();
      case Samples:
        return QVariant::fromValue(static_cast<qlonglong>(d->samples));
      case Labels:
        return QVariant::fromValue(static_cast<qlonglong>(d->labels));
      default:
        return data(index, Qt::DisplayRole);
    }
  }
  if (role == FilterRole) {
    // ISO date and KITTI's folder date (2011_09_26) both match.
    const QString iso = d->timestamped ? QString::fromStdString(dc::core::format_iso8601(d->start_ns)) : QString();
    QString date = iso.left(10);
    QString kitti_date = date;
    kitti_date.replace('-', '_');
    return QStringList{QString::fromStdString(d->name), QString::fromStdString(d->format), iso, kitti_date,
                       sensors_text(*d)}
        .join(' ')
        .toLower();
  }
  if (role == NameRole) return QString::fromStdString(d->name);
  if (role == Qt::TextAlignmentRole &&
      (index.column() == Duration || index.column() == Samples || index.column() == Labels))
    return int(Qt::AlignRight | Qt::AlignVCenter);
  return {};
}

QVariant DriveTableModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
  switch (section) {
    case Name:
      return tr("Drive");
    case Format:
      return tr("Format");
    case Start:
      return tr("Start");
    case Duration:
      return tr("Duration");
    case Samples:
      return tr("Samples");
    case Labels:
      return tr("Labels");
    case Sensors:
      return tr("Sensors");
    case Frames:
      return tr("Frames per sensor");
  }
  return {};
}

}  // namespace dc::widgets
