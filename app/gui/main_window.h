#pragma once
#include <QMainWindow>
#include <memory>

class QSortFilterProxyModel;
class QTableView;
class QLabel;

namespace dc::core {
class Catalog;
}
namespace dc::widgets {
class DriveTableModel;
}

namespace dc::app {

// The workstation's main window. For now: the catalog's drives.
class MainWindow : public QMainWindow {
  Q_OBJECT
public:
  explicit MainWindow(QString catalog_path, QWidget* parent = nullptr);
  ~MainWindow() override;
  QTableView* drives_view() const { return drives_view_; }

public slots:
  void reload();

private:
  QString catalog_path_;
  std::unique_ptr<dc::core::Catalog> catalog_;
  dc::widgets::DriveTableModel* model_ = nullptr;
  QSortFilterProxyModel* proxy_ = nullptr;
  QTableView* drives_view_ = nullptr;
};

}  // namespace dc::app
