#include "dc/widgets/drive_browser.h"

#include "dc/core/model/time_stamp.h"
#include "dc/widgets/drive_table_model.h"

#include <QAbstractTableModel>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QRegularExpression>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>

namespace dc::widgets {

namespace {

// The open drive's samples: index, offset from the drive start, time, lidar frame, label count.
class SampleListModel : public QAbstractTableModel {
public:
  enum Column { Index, Offset, Time, LidarFrame, Labels, ColumnCount };
  using QAbstractTableModel::QAbstractTableModel;

  void set_session(std::shared_ptr<const dc::core::DriveSession> session) {
    beginResetModel();
    session_ = std::move(session);
    endResetModel();
  }
  int rowCount(const QModelIndex& parent = {}) const override {
    return parent.isValid() || !session_ ? 0 : session_->sample_count();
  }
  int columnCount(const QModelIndex& parent = {}) const override { return parent.isValid() ? 0 : ColumnCount; }
  QVariant data(const QModelIndex& index, int role) const override {
    if (!session_ || index.row() < 0 || index.row() >= session_->sample_count()) return {};
    const auto& s = session_->sample(index.row());
    if (role == Qt::DisplayRole) {
      switch (index.column()) {
        case Index:
          return index.row();
        case Offset:
          if (!session_->timestamped()) return DriveBrowser::tr("no timestamps");
          return QString::number(static_cast<double>(s.timestamp_ns - session_->start_ns()) * 1e-9, 'f', 3) + " s";
        case Time:
          // A KITTI object split's times are only an order: no 1970 dates.
          if (!session_->timestamped()) return DriveBrowser::tr("no timestamps");
          return QString::fromStdString(dc::core::format_iso8601(s.timestamp_ns));
        case LidarFrame:
          return QVariant::fromValue(static_cast<qlonglong>(s.lidar_frame_index));
        case Labels:
          return session_->label_count(index.row());
      }
    }
    if (role == Qt::TextAlignmentRole && index.column() != Time) return int(Qt::AlignRight | Qt::AlignVCenter);
    return {};
  }
  QVariant headerData(int section, Qt::Orientation orientation, int role) const override {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
    switch (section) {
      case Index:
        return DriveBrowser::tr("#");
      case Offset:
        return DriveBrowser::tr("Offset");
      case Time:
        return DriveBrowser::tr("Time");
      case LidarFrame:
        return DriveBrowser::tr("Lidar frame");
      case Labels:
        return DriveBrowser::tr("Labels");
    }
    return {};
  }

private:
  std::shared_ptr<const dc::core::DriveSession> session_;
};

void style_table(QTableView* view) {
  view->setSelectionBehavior(QAbstractItemView::SelectRows);
  view->setSelectionMode(QAbstractItemView::SingleSelection);
  view->setEditTriggers(QAbstractItemView::NoEditTriggers);
  view->setAlternatingRowColors(true);
  view->verticalHeader()->hide();
  view->verticalHeader()->setDefaultSectionSize(view->fontMetrics().height() + 6);
  view->horizontalHeader()->setStretchLastSection(true);
}

}  // namespace

DriveBrowser::DriveBrowser(QWidget* parent) : QWidget(parent) {
  model_ = new DriveTableModel(this);
  proxy_ = new QSortFilterProxyModel(this);
  proxy_->setSourceModel(model_);
  proxy_->setSortRole(DriveTableModel::SortRole);
  proxy_->setFilterRole(DriveTableModel::FilterRole);
  proxy_->setFilterKeyColumn(DriveTableModel::Name);
  proxy_->setSortCaseSensitivity(Qt::CaseInsensitive);

  filter_ = new QLineEdit(this);
  filter_->setObjectName("driveFilter");
  filter_->setPlaceholderText(tr("Filter drives: name, format, date, sensor…"));
  filter_->setClearButtonEnabled(true);
  connect(filter_, &QLineEdit::textChanged, this, &DriveBrowser::set_filter);

  drives_view_ = new QTableView(this);
  drives_view_->setObjectName("drivesTable");
  drives_view_->setModel(proxy_);
  drives_view_->setSortingEnabled(true);
  drives_view_->sortByColumn(DriveTableModel::Name, Qt::AscendingOrder);
  style_table(drives_view_);
  // activated covers double-click and Enter (and single click where the platform style asks for it).
  connect(drives_view_, &QTableView::activated, this, &DriveBrowser::activate_row);
  // selectionChanged, not currentRowChanged: the latter comes before the row is selected.
  connect(drives_view_->selectionModel(), &QItemSelectionModel::selectionChanged, this, [this] {
    const QString name = selected_drive();
    if (name != last_selected_) emit drive_selected(last_selected_ = name);
  });

  auto* samples_model = new SampleListModel(this);
  samples_model_ = samples_model;
  samples_view_ = new QTableView(this);
  samples_view_->setObjectName("samplesTable");
  samples_view_->setModel(samples_model);
  style_table(samples_view_);
  auto emit_sample = [this](const QModelIndex& index) {
    if (index.isValid()) emit sample_activated(index.row());
  };
  connect(samples_view_, &QTableView::clicked, this, emit_sample);
  connect(samples_view_, &QTableView::activated, this, emit_sample);

  samples_title_ = new QLabel(tr("Samples"), this);
  auto* samples_box = new QWidget(this);
  auto* samples_layout = new QVBoxLayout(samples_box);
  samples_layout->setContentsMargins(0, 0, 0, 0);
  samples_layout->addWidget(samples_title_);
  samples_layout->addWidget(samples_view_);

  auto* splitter = new QSplitter(Qt::Vertical, this);
  splitter->addWidget(drives_view_);
  splitter->addWidget(samples_box);
  splitter->setStretchFactor(0, 3);
  splitter->setStretchFactor(1, 2);

  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(2, 2, 2, 2);
  layout->addWidget(filter_);
  layout->addWidget(splitter);
}

void DriveBrowser::set_drives(std::vector<dc::core::DriveSummary> drives) {
  const QString selected = selected_drive();
  model_->set_drives(std::move(drives));
  drives_view_->resizeColumnsToContents();
  if (!selected.isEmpty()) select_drive(selected);
}

void DriveBrowser::reload(const dc::core::Catalog& catalog) {
  set_drives(catalog.drives());
}

void DriveBrowser::set_session(std::shared_ptr<const dc::core::DriveSession> session) {
  samples_title_->setText(
      session ? tr("Samples — %1 (%2)").arg(QString::fromStdString(session->name())).arg(session->sample_count())
              : tr("Samples"));
  static_cast<SampleListModel*>(samples_model_)->set_session(std::move(session));
  samples_view_->resizeColumnsToContents();
}

void DriveBrowser::set_filter(const QString& text) {
  if (filter_->text() != text) filter_->setText(text);  // comes back here through textChanged
  // Every word must appear somewhere in the row's filter text: one lookahead per word.
  QString pattern;
  for (const QString& word : text.split(QRegularExpression("\\s+"), Qt::SkipEmptyParts))
    pattern += "(?=.*" + QRegularExpression::escape(word.toLower()) + ")";
  proxy_->setFilterRegularExpression(
      QRegularExpression(pattern.isEmpty() ? QString() : "^" + pattern, QRegularExpression::CaseInsensitiveOption));
}

QString DriveBrowser::selected_drive() const {
  const QModelIndex current = drives_view_->selectionModel()->currentIndex();
  if (!current.isValid() || !drives_view_->selectionModel()->isRowSelected(current.row(), current.parent())) return {};
  return proxy_->data(current, DriveTableModel::NameRole).toString();
}

bool DriveBrowser::select_drive(const QString& name) {
  const int row = model_->row_of(name);
  if (row < 0) return false;
  const QModelIndex index = proxy_->mapFromSource(model_->index(row, DriveTableModel::Name));
  if (!index.isValid()) return false;
  drives_view_->selectionModel()->setCurrentIndex(index,
                                                  QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
  drives_view_->scrollTo(index);
  return true;
}

int DriveBrowser::visible_drive_count() const {
  return proxy_->rowCount();
}

void DriveBrowser::select_sample(int sample) {
  if (sample < 0 || sample >= samples_model_->rowCount()) {
    samples_view_->clearSelection();
    return;
  }
  const QModelIndex index = samples_model_->index(sample, 0);
  samples_view_->selectionModel()->setCurrentIndex(index,
                                                   QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
  samples_view_->scrollTo(index);
}

void DriveBrowser::activate_row(const QModelIndex& proxy_index) {
  if (!proxy_index.isValid()) return;
  emit drive_activated(proxy_->data(proxy_index, DriveTableModel::NameRole).toString());
}

}  // namespace dc::widgets
