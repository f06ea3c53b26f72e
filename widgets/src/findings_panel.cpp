#include "dc/widgets/findings_panel.h"

#include "dc/core/catalog/catalog.h"
#include "dc/widgets/finding_filter_proxy.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QPushButton>
#include <QSignalBlocker>
#include <QStyledItemDelegate>
#include <QTableView>
#include <QVBoxLayout>

#include <set>

namespace dc::widgets {

using dc::core::ReviewState;
using dc::core::Severity;

namespace {

// The box a finding is about: label-qa stores the label's catalog id in its details.
std::optional<std::int64_t> label_id_of(const std::string& details) {
  const QJsonValue id = QJsonDocument::fromJson(QByteArray::fromStdString(details)).object().value("label_id");
  if (!id.isDouble()) return std::nullopt;
  return id.toInteger();
}

// Drive names differ at their end (..._drive_0001_sync): elide them in the middle, messages at their end.
class MiddleElideDelegate : public QStyledItemDelegate {
public:
  using QStyledItemDelegate::QStyledItemDelegate;

protected:
  void initStyleOption(QStyleOptionViewItem* option, const QModelIndex& index) const override {
    QStyledItemDelegate::initStyleOption(option, index);
    option->textElideMode = Qt::ElideMiddle;
  }
};

// Re-fills a filter box, keeping the chosen value when it is still offered.
void refill(QComboBox* box, const QString& any, const std::vector<std::pair<QString, QVariant>>& items) {
  const QVariant chosen = box->currentData();
  const QSignalBlocker block(box);
  box->clear();
  box->addItem(any, QVariant());
  for (const auto& [text, value] : items) box->addItem(text, value);
  const int index = chosen.isValid() ? box->findData(chosen) : 0;
  box->setCurrentIndex(index < 0 ? 0 : index);
}

}  // namespace

FindingsPanel::FindingsPanel(QWidget* parent) : QWidget(parent) {
  model_ = new FindingTableModel(this);
  proxy_ = new FindingFilterProxy(this);
  proxy_->setSourceModel(model_);

  check_ = new QComboBox(this);
  check_->setObjectName("checkFilter");
  check_->setSizeAdjustPolicy(QComboBox::AdjustToContents);
  severity_ = new QComboBox(this);
  severity_->setObjectName("severityFilter");
  refill(severity_, tr("All severities"),
         {{"info", static_cast<int>(Severity::Info)},
          {"warning", static_cast<int>(Severity::Warning)},
          {"error", static_cast<int>(Severity::Error)}});
  drive_ = new QComboBox(this);
  drive_->setObjectName("driveFilter");
  drive_->setSizeAdjustPolicy(QComboBox::AdjustToContents);
  review_ = new QComboBox(this);
  review_->setObjectName("reviewFilter");
  std::vector<std::pair<QString, QVariant>> reviews;
  for (auto r : {ReviewState::Unreviewed, ReviewState::Accepted, ReviewState::Rejected, ReviewState::Fixed})
    reviews.emplace_back(dc::core::to_string(r), static_cast<int>(r));
  refill(review_, tr("Any review"), reviews);
  count_ = new QLabel(this);
  count_->setObjectName("findingsCount");

  accept_ = new QPushButton(tr("Accept"), this);
  accept_->setObjectName("acceptButton");
  accept_->setToolTip(tr("The selected findings are real problems"));
  reject_ = new QPushButton(tr("Reject"), this);
  reject_->setObjectName("rejectButton");
  reject_->setToolTip(tr("The selected findings are false alarms"));
  reset_ = new QPushButton(tr("Reset"), this);
  reset_->setObjectName("resetReviewButton");
  reset_->setToolTip(tr("Mark the selected findings unreviewed"));

  table_ = new QTableView(this);
  table_->setObjectName("findingsTable");
  table_->setModel(proxy_);
  table_->setSelectionBehavior(QAbstractItemView::SelectRows);
  table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  table_->setSortingEnabled(true);
  table_->sortByColumn(FindingTableModel::SeverityColumn, Qt::DescendingOrder);
  table_->verticalHeader()->hide();
  table_->setWordWrap(false);
  table_->setItemDelegateForColumn(FindingTableModel::DriveColumn, new MiddleElideDelegate(table_));
  table_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
  table_->horizontalHeader()->setSectionResizeMode(FindingTableModel::DriveColumn, QHeaderView::Interactive);
  table_->horizontalHeader()->setSectionResizeMode(FindingTableModel::MessageColumn, QHeaderView::Stretch);
  table_->setColumnWidth(FindingTableModel::DriveColumn, 140);

  auto* filters = new QHBoxLayout;
  filters->addWidget(check_);
  filters->addWidget(severity_);
  filters->addWidget(drive_);
  filters->addWidget(review_);
  filters->addStretch(1);
  filters->addWidget(count_);
  auto* review_bar = new QHBoxLayout;
  review_bar->addWidget(new QLabel(tr("Review selected:"), this));
  review_bar->addWidget(accept_);
  review_bar->addWidget(reject_);
  review_bar->addWidget(reset_);
  review_bar->addStretch(1);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(2, 2, 2, 2);
  layout->addLayout(filters);
  layout->addWidget(table_, 1);
  layout->addLayout(review_bar);

  for (auto* box : {check_, severity_, drive_, review_})
    connect(box, &QComboBox::currentIndexChanged, this, &FindingsPanel::apply_filters);
  connect(table_, &QTableView::doubleClicked, this, [this](const QModelIndex& index) {
    if (const FindingRow* row = visible_row(index.row())) emit finding_activated(*row);
  });
  connect(accept_, &QPushButton::clicked, this, [this] { set_review_of_selection(ReviewState::Accepted); });
  connect(reject_, &QPushButton::clicked, this, [this] { set_review_of_selection(ReviewState::Rejected); });
  connect(reset_, &QPushButton::clicked, this, [this] { set_review_of_selection(ReviewState::Unreviewed); });
  rebuild_filters();
  update_count();
}

void FindingsPanel::set_catalog(dc::core::Catalog* catalog) {
  catalog_ = catalog;
  reload();
}

void FindingsPanel::reload() {
  std::vector<FindingRow> rows;
  if (catalog_) {
    try {
      for (const auto& d : catalog_->drives())
        for (auto& f : catalog_->finding_repository().list(d.id)) {
          FindingRow row;
          row.label_id = label_id_of(f.details_json);
          row.finding = std::move(f);
          row.drive_id = d.id;
          row.drive = QString::fromStdString(d.name);
          rows.push_back(std::move(row));
        }
    } catch (const std::exception&) {
      return;  // keep what is shown; the next run's end reloads
    }
  }
  model_->set_rows(std::move(rows));
  rebuild_filters();
  apply_filters();
}

void FindingsPanel::rebuild_filters() {
  std::set<std::string> checks;
  std::map<std::int64_t, QString> drives;
  for (const auto& row : model_->rows()) {
    checks.insert(row.finding.check);
    drives[row.drive_id] = row.drive;
  }
  std::vector<std::pair<QString, QVariant>> check_items, drive_items;
  for (const auto& c : checks) check_items.emplace_back(QString::fromStdString(c), QString::fromStdString(c));
  for (const auto& [id, name] : drives) drive_items.emplace_back(name, QVariant::fromValue<qlonglong>(id));
  refill(check_, tr("All checks"), check_items);
  refill(drive_, tr("All drives"), drive_items);
}

void FindingsPanel::apply_filters() {
  proxy_->set_check(check_->currentData().toString());
  const QVariant severity = severity_->currentData();
  proxy_->set_severity(severity.isValid() ? std::optional(static_cast<Severity>(severity.toInt())) : std::nullopt);
  const QVariant drive = drive_->currentData();
  proxy_->set_drive(drive.isValid() ? std::optional<std::int64_t>(drive.toLongLong()) : std::nullopt);
  const QVariant review = review_->currentData();
  proxy_->set_review(review.isValid() ? std::optional(static_cast<ReviewState>(review.toInt())) : std::nullopt);
  update_count();
}

void FindingsPanel::update_count() {
  count_->setText(tr("%1 of %2 findings").arg(proxy_->rowCount()).arg(model_->rowCount()));
}

int FindingsPanel::visible_count() const {
  return proxy_->rowCount();
}

const FindingRow* FindingsPanel::visible_row(int row) const {
  return model_->row_at(proxy_->mapToSource(proxy_->index(row, 0)).row());
}

int FindingsPanel::visible_row_of(std::int64_t finding_id) const {
  const int source = model_->row_of(finding_id);
  if (source < 0) return -1;
  const QModelIndex index = proxy_->mapFromSource(model_->index(source, 0));
  return index.isValid() ? index.row() : -1;
}

bool FindingsPanel::activate(std::int64_t finding_id) {
  if (model_->row_of(finding_id) < 0) return false;
  if (visible_row_of(finding_id) < 0) {
    for (auto* box : {check_, severity_, drive_, review_}) {
      const QSignalBlocker block(box);
      box->setCurrentIndex(0);
    }
    apply_filters();
  }
  const int row = visible_row_of(finding_id);
  table_->selectRow(row);
  table_->scrollTo(proxy_->index(row, 0));
  emit finding_activated(*visible_row(row));
  return true;
}

int FindingsPanel::set_review_of_selection(ReviewState review) {
  if (!catalog_) return 0;
  std::vector<int> source_rows;
  for (const QModelIndex& index : table_->selectionModel()->selectedRows())
    source_rows.push_back(proxy_->mapToSource(index).row());
  int changed = 0;
  for (int source : source_rows) {
    const FindingRow* row = model_->row_at(source);
    if (!row || row->finding.review == review) continue;
    dc::core::ReviewRecord stored;
    try {
      stored = catalog_->review_repository().set_finding_review(row->finding.id, review, reviewer_.toStdString());
    } catch (const std::exception&) {
      break;  // the catalog is not writable now: what is shown stays what is stored
    }
    model_->set_review(source, review, stored.reviewer, stored.reviewed_ns);
    ++changed;
  }
  apply_filters();  // a review filter may now hide what was just reviewed
  return changed;
}

}  // namespace dc::widgets
