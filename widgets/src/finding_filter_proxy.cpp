#include "dc/widgets/finding_filter_proxy.h"

#include "dc/widgets/finding_table_model.h"

namespace dc::widgets {

FindingFilterProxy::FindingFilterProxy(QObject* parent) : QSortFilterProxyModel(parent) {
  setSortRole(FindingTableModel::SortRole);
}

void FindingFilterProxy::set_check(const QString& check) {
  check_ = check;
  invalidateFilter();
}

void FindingFilterProxy::set_severity(std::optional<dc::core::Severity> severity) {
  severity_ = severity;
  invalidateFilter();
}

void FindingFilterProxy::set_drive(std::optional<std::int64_t> drive_id) {
  drive_ = drive_id;
  invalidateFilter();
}

void FindingFilterProxy::set_review(std::optional<dc::core::ReviewState> review) {
  review_ = review;
  invalidateFilter();
}

void FindingFilterProxy::clear_filters() {
  check_.clear();
  severity_.reset();
  drive_.reset();
  review_.reset();
  invalidateFilter();
}

bool FindingFilterProxy::filterAcceptsRow(int source_row, const QModelIndex&) const {
  const auto* model = qobject_cast<const FindingTableModel*>(sourceModel());
  const FindingRow* row = model ? model->row_at(source_row) : nullptr;
  if (!row) return false;
  const auto& f = row->finding;
  if (!check_.isEmpty() && QString::fromStdString(f.check) != check_) return false;
  if (severity_ && f.severity != *severity_) return false;
  if (drive_ && row->drive_id != *drive_) return false;
  if (review_ && f.review != *review_) return false;
  return true;
}

}  // namespace dc::widgets
