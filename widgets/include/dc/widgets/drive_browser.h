#pragma once
#include "dc/core/catalog/catalog.h"
#include "dc/core/model/drive_summary.h"
#include "dc/core/data/drive_session.h"

#include <QWidget>
#include <memory>
#include <vector>

class QLabel;
class QLineEdit;
class QSortFilterProxyModel;
class QTableView;
class QAbstractTableModel;

namespace dc::widgets {

class DriveTableModel;

// Catalog browser: a filter box over the drives table (all words must match name, format, date or sensors),
// sortable columns, and the samples of the open drive below it.
class DriveBrowser : public QWidget {
  Q_OBJECT
public:
  explicit DriveBrowser(QWidget* parent = nullptr);

  void set_drives(std::vector<dc::core::DriveSummary> drives);    // keeps the selected drive selected
  void reload(const dc::core::Catalog& catalog);                  // set_drives(catalog.drives())
  void set_session(std::shared_ptr<const dc::core::DriveSession> session);  // fills the samples list (null empties it)

  QString selected_drive() const;          // "" when none
  bool select_drive(const QString& name);  // false when filtered out or unknown
  int visible_drive_count() const;         // rows left by the filter

  DriveTableModel* model() const { return model_; }
  QSortFilterProxyModel* proxy() const { return proxy_; }
  QTableView* drives_view() const { return drives_view_; }
  QTableView* samples_view() const { return samples_view_; }
  QLineEdit* filter_edit() const { return filter_; }

public slots:
  void set_filter(const QString& text);
  void select_sample(int sample);  // highlights and scrolls to it without emitting sample_activated

signals:
  void drive_activated(const QString& name);  // double-click or Enter on a drive
  void drive_selected(const QString& name);   // the current row changed ("" when none)
  void sample_activated(int sample);          // click, double-click or Enter on a sample

private:
  void activate_row(const QModelIndex& proxy_index);

  DriveTableModel* model_ = nullptr;
  QSortFilterProxyModel* proxy_ = nullptr;
  QLineEdit* filter_ = nullptr;
  QTableView* drives_view_ = nullptr;
  QTableView* samples_view_ = nullptr;
  QAbstractTableModel* samples_model_ = nullptr;
  QLabel* samples_title_ = nullptr;
  QString last_selected_;
};

}  // namespace dc::widgets
