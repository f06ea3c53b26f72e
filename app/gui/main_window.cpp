#include "main_window.h"

#include "dc/core/catalog.h"
#include "dc/widgets/drive_table_model.h"

#include <QHeaderView>
#include <QMessageBox>
#include <QSortFilterProxyModel>
#include <QStatusBar>
#include <QTableView>

namespace dc::app {

MainWindow::MainWindow(QString catalog_path, QWidget* parent)
    : QMainWindow(parent), catalog_path_(std::move(catalog_path)) {
  setWindowTitle(tr("DriveCurator — %1").arg(catalog_path_));
  model_ = new dc::widgets::DriveTableModel(this);
  proxy_ = new QSortFilterProxyModel(this);
  proxy_->setSourceModel(model_);
  proxy_->setSortRole(Qt::UserRole);
  drives_view_ = new QTableView(this);
  drives_view_->setObjectName("drivesTable");
  drives_view_->setModel(proxy_);
  drives_view_->setSortingEnabled(true);
  drives_view_->setSelectionBehavior(QAbstractItemView::SelectRows);
  drives_view_->horizontalHeader()->setStretchLastSection(true);
  drives_view_->verticalHeader()->hide();
  setCentralWidget(drives_view_);
  resize(1400, 800);
  reload();
}

MainWindow::~MainWindow() = default;

void MainWindow::reload() {
  try {
    if (!catalog_) catalog_ = std::make_unique<dc::core::Catalog>(catalog_path_.toStdString());
    model_->set_drives(catalog_->drives());
    drives_view_->resizeColumnsToContents();
    statusBar()->showMessage(tr("%1 — %2 drive(s)").arg(catalog_path_).arg(model_->rowCount()));
  } catch (const std::exception& e) {
    statusBar()->showMessage(tr("cannot open catalog: %1").arg(QString::fromUtf8(e.what())));
    QMessageBox::critical(this, tr("Catalog"), QString::fromUtf8(e.what()));
  }
}

}  // namespace dc::app
