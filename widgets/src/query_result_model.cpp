#include "dc/widgets/query_result_model.h"

#include "dc/core/model/time_stamp.h"

namespace dc::widgets {

QueryResultModel::QueryResultModel(QObject* parent) : QAbstractTableModel(parent) {}

void QueryResultModel::set_hits(std::vector<dc::core::QueryHit> hits) {
  beginResetModel();
  hits_ = std::move(hits);
  endResetModel();
}

void QueryResultModel::append_hits(std::vector<dc::core::QueryHit> hits) {
  if (hits.empty()) return;
  const int first = static_cast<int>(hits_.size());
  beginInsertRows({}, first, first + static_cast<int>(hits.size()) - 1);
  hits_.insert(hits_.end(), std::make_move_iterator(hits.begin()), std::make_move_iterator(hits.end()));
  endInsertRows();
}

int QueryResultModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : static_cast<int>(hits_.size());
}

int QueryResultModel::columnCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : ColumnCount;
}

QVariant QueryResultModel::data(const QModelIndex& index, int role) const {
  if (!index.isValid() || index.row() >= rowCount()) return {};
  const auto& h = hits_[static_cast<std::size_t>(index.row())];
  if (role == Qt::DisplayRole) {
    switch (index.column()) {
      case DriveColumn:
        return QString::fromStdString(h.drive);
      case KeyColumn:
        return QVariant::fromValue<qlonglong>(h.sample.key);
      case TimeColumn:
        return QString::fromStdString(dc::core::format_iso8601(h.timestamp_ns));
      default:
        return {};
    }
  }
  if (role == Qt::TextAlignmentRole && index.column() == KeyColumn)
    return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
  if (role == Qt::ToolTipRole)
    return tr("double-click or Enter opens %1 at sample key %2").arg(QString::fromStdString(h.drive)).arg(h.sample.key);
  return {};
}

QVariant QueryResultModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
  switch (section) {
    case DriveColumn:
      return tr("Drive");
    case KeyColumn:
      return tr("Sample key");
    case TimeColumn:
      return tr("Time (UTC)");
    default:
      return {};
  }
}

}  // namespace dc::widgets
