#include "dc/widgets/finding_table_model.h"

#include "dc/widgets/severity_color.h"

#include <QDateTime>
#include <QTimeZone>

namespace dc::widgets {

using dc::core::ReviewState;

FindingTableModel::FindingTableModel(QObject* parent) : QAbstractTableModel(parent) {}

void FindingTableModel::set_rows(std::vector<FindingRow> rows) {
  beginResetModel();
  rows_ = std::move(rows);
  endResetModel();
}

const FindingRow* FindingTableModel::row_at(int row) const {
  return row >= 0 && row < static_cast<int>(rows_.size()) ? &rows_[static_cast<std::size_t>(row)] : nullptr;
}

int FindingTableModel::row_of(std::int64_t finding_id) const {
  for (std::size_t i = 0; i < rows_.size(); ++i)
    if (rows_[i].finding.id == finding_id) return static_cast<int>(i);
  return -1;
}

void FindingTableModel::set_review(int row, ReviewState review, const std::string& reviewer,
                                   std::int64_t reviewed_ns) {
  if (row < 0 || row >= static_cast<int>(rows_.size())) return;
  auto& f = rows_[static_cast<std::size_t>(row)].finding;
  f.review = review;
  f.reviewer = reviewer;
  f.reviewed_ns = reviewed_ns;
  emit dataChanged(index(row, 0), index(row, ColumnCount - 1));
}

int FindingTableModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : static_cast<int>(rows_.size());
}

int FindingTableModel::columnCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : ColumnCount;
}

QVariant FindingTableModel::data(const QModelIndex& index, int role) const {
  const FindingRow* row = row_at(index.row());
  if (!row) return {};
  const auto& f = row->finding;
  switch (role) {
    case SeverityRole:
      return static_cast<int>(f.severity);
    case ReviewRole:
      return static_cast<int>(f.review);
    case DriveIdRole:
      return QVariant::fromValue<qlonglong>(row->drive_id);
    case FindingIdRole:
      return QVariant::fromValue<qlonglong>(f.id);
    default:
      break;
  }
  if (role == Qt::DisplayRole || role == SortRole) {
    switch (index.column()) {
      case CheckColumn:
        return QString::fromStdString(f.check);
      case SeverityColumn:
        return role == SortRole ? QVariant(static_cast<int>(f.severity)) : QVariant(dc::core::to_string(f.severity));
      case DriveColumn:
        return row->drive;
      case SampleColumn:
        if (role == SortRole) return QVariant::fromValue<qlonglong>(f.sample_key);
        return f.sample_key >= 0 ? QString::number(f.sample_key) : QString("—");
      case SensorColumn:
        return QString::fromStdString(f.sensor);
      case MessageColumn:
        return QString::fromStdString(f.message);
      case ReviewColumn:
        return QString(dc::core::to_string(f.review));
      case ReviewerColumn:
        return QString::fromStdString(f.reviewer);
    }
  }
  if (role == Qt::DecorationRole && index.column() == SeverityColumn) return severity_color(f.severity);
  if (role == Qt::ToolTipRole) {
    QString tip = QString::fromStdString(f.message);
    if (f.details_json != "{}" && !f.details_json.empty()) tip += "\n" + QString::fromStdString(f.details_json);
    if (f.reviewed_ns > 0)
      tip += "\n" + tr("%1 by %2, %3")
                        .arg(dc::core::to_string(f.review), QString::fromStdString(f.reviewer),
                             QDateTime::fromMSecsSinceEpoch(f.reviewed_ns / 1'000'000, QTimeZone::utc())
                                 .toString(Qt::ISODate));
    return tip;
  }
  if (role == Qt::ForegroundRole && f.review == ReviewState::Rejected) return QColor(0x7a, 0x7f, 0x87);
  return {};
}

QVariant FindingTableModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
  switch (section) {
    case CheckColumn:
      return tr("Check");
    case SeverityColumn:
      return tr("Severity");
    case DriveColumn:
      return tr("Drive");
    case SampleColumn:
      return tr("Sample");
    case SensorColumn:
      return tr("Sensor");
    case MessageColumn:
      return tr("Message");
    case ReviewColumn:
      return tr("Review");
    case ReviewerColumn:
      return tr("Reviewer");
  }
  return {};
}

}  // namespace dc::widgets
