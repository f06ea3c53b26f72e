#pragma once
#include "dc/core/model/box_label.h"
#include "dc/widgets/finding_table_model.h"

#include <QWidget>
#include <cstdint>

class QComboBox;
class QLabel;
class QPushButton;
class QTableView;

namespace dc::core {
class Catalog;
}

namespace dc::widgets {

class FindingFilterProxy;

// Findings panel: every finding of the catalog in a table (check, severity, drive, sample, sensor, message, review
// state, reviewer), filtered by check, severity, drive and review state, errors first. Double-click (or a finding
// clicked in the timeline) activates a finding: the main window jumps to its sample and camera. Accept / Reject /
// Reset store the review state of the selected findings in the catalog with the reviewer's name and the time.
class FindingsPanel : public QWidget {
  Q_OBJECT
public:
  explicit FindingsPanel(QWidget* parent = nullptr);

  // The catalog to list (owned by the caller; null empties the panel).
  void set_catalog(dc::core::Catalog* catalog);

  QTableView* table() const { return table_; }
  FindingTableModel* model() const { return model_; }
  FindingFilterProxy* proxy() const { return proxy_; }
  QComboBox* check_filter() const { return check_; }
  QComboBox* severity_filter() const { return severity_; }
  QComboBox* drive_filter() const { return drive_; }
  QComboBox* review_filter() const { return review_; }
  QPushButton* accept_button() const { return accept_; }
  QPushButton* reject_button() const { return reject_; }
  QPushButton* reset_button() const { return reset_; }

  int visible_count() const;                   // rows the filters leave
  const FindingRow* visible_row(int row) const;  // in the table's (sorted, filtered) order
  int visible_row_of(std::int64_t finding_id) const;  // -1 when filtered out or absent

  // Selects the finding (clearing the filters when they hide it) and emits finding_activated; false when unknown.
  bool activate(std::int64_t finding_id);
  // Stores a review state for the selected findings; returns how many changed.
  int set_review_of_selection(dc::core::ReviewState review);
  // The name stored with each review (empty: the OS user).
  void set_reviewer(const QString& name) { reviewer_ = name; }

public slots:
  void reload();  // re-reads every drive's findings; keeps the filters where their values still exist

signals:
  void finding_activated(const dc::widgets::FindingRow& row);

private:
  void rebuild_filters();
  void apply_filters();
  void update_count();

  dc::core::Catalog* catalog_ = nullptr;
  FindingTableModel* model_ = nullptr;
  FindingFilterProxy* proxy_ = nullptr;
  QTableView* table_ = nullptr;
  QComboBox* check_ = nullptr;
  QComboBox* severity_ = nullptr;
  QComboBox* drive_ = nullptr;
  QComboBox* review_ = nullptr;
  QLabel* count_ = nullptr;
  QPushButton* accept_ = nullptr;
  QPushButton* reject_ = nullptr;
  QPushButton* reset_ = nullptr;
  QString reviewer_;
};

}  // namespace dc::widgets
