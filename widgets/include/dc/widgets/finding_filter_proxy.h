#pragma once
#include "dc/core/model/box_label.h"
#include "dc/core/model/finding.h"

#include <QSortFilterProxyModel>
#include <QString>
#include <cstdint>
#include <optional>

namespace dc::widgets {

// Keeps the findings that match every filter set: check name, severity, drive, review state (unset: any).
class FindingFilterProxy : public QSortFilterProxyModel {
  Q_OBJECT
public:
  explicit FindingFilterProxy(QObject* parent = nullptr);

  void set_check(const QString& check);  // "" for any
  void set_severity(std::optional<dc::core::Severity> severity);
  void set_drive(std::optional<std::int64_t> drive_id);
  void set_review(std::optional<dc::core::ReviewState> review);
  void clear_filters();

protected:
  bool filterAcceptsRow(int source_row, const QModelIndex& source_parent) const override;

private:
  QString check_;
  std::optional<dc::core::Severity> severity_;
  std::optional<std::int64_t> drive_;
  std::optional<dc::core::ReviewState> review_;
};

}  // namespace dc::widgets
