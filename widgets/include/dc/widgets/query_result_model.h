#pragma once
#include "dc/core/query/query_hit.h"

#include <QAbstractTableModel>
#include <vector>

namespace dc::widgets {

// The samples a query matched, one row each: drive, sample key (lidar frame index), time (UTC, as stored).
class QueryResultModel : public QAbstractTableModel {
  Q_OBJECT
 public:
  enum Column { DriveColumn, KeyColumn, TimeColumn, ColumnCount };
  explicit QueryResultModel(QObject* parent = nullptr);

  void set_hits(std::vector<dc::core::QueryHit> hits);
  void append_hits(std::vector<dc::core::QueryHit> hits);  // rows after the present ones (scroll and selection kept)
  const std::vector<dc::core::QueryHit>& hits() const { return hits_; }
  const dc::core::QueryHit& hit(int row) const { return hits_.at(static_cast<std::size_t>(row)); }

  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

 private:
  std::vector<dc::core::QueryHit> hits_;
};

}  // namespace dc::widgets
