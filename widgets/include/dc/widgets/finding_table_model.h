#pragma once
#include "dc/core/model/finding.h"

#include <QAbstractTableModel>
#include <QString>
#include <cstdint>
#include <optional>
#include <vector>

namespace dc::widgets {

// One finding with the drive it belongs to, and the box it names (label-qa puts the label id in its details).
struct FindingRow {
  dc::core::Finding finding;
  std::int64_t drive_id = 0;
  QString drive;
  std::optional<std::int64_t> label_id;
};

// Findings as a table: check, severity, drive, sample (key), sensor, message, review state, reviewer.
class FindingTableModel : public QAbstractTableModel {
  Q_OBJECT
public:
  enum Column { CheckColumn, SeverityColumn, DriveColumn, SampleColumn, SensorColumn, MessageColumn, ReviewColumn,
                ReviewerColumn, ColumnCount };
  enum Role {
    SortRole = Qt::UserRole,  // typed sort key (severity by rank, sample by key)
    SeverityRole,             // int(core::Severity)
    ReviewRole,               // int(core::ReviewState)
    DriveIdRole,              // qlonglong
    FindingIdRole             // qlonglong
  };

  explicit FindingTableModel(QObject* parent = nullptr);

  void set_rows(std::vector<FindingRow> rows);
  const std::vector<FindingRow>& rows() const { return rows_; }
  const FindingRow* row_at(int row) const;
  int row_of(std::int64_t finding_id) const;  // -1 when absent
  void set_review(int row, dc::core::ReviewState review, const std::string& reviewer = {},
                  std::int64_t reviewed_ns = 0);

  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
  std::vector<FindingRow> rows_;
};

}  // namespace dc::widgets
