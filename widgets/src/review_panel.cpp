#include "dc/widgets/review_panel.h"

#include "dc/core/catalog/catalog.h"

#include <QAction>
#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QSignalBlocker>
#include <QTableWidget>
#include <QToolButton>
#include <QVBoxLayout>

#include <set>

namespace dc::widgets {

using dc::core::ReviewItemKind;
using dc::core::ReviewState;

namespace {
enum Column { KindColumn, IdColumn, WhatColumn, SourceColumn, ReviewColumn, ReviewerColumn, ColumnCount };

QString state_verb(ReviewState s) {
  switch (s) {
    case ReviewState::Accepted:
      return QObject::tr("accepted");
    case ReviewState::Rejected:
      return QObject::tr("rejected");
    case ReviewState::Fixed:
      return QObject::tr("marked fixed");
    case ReviewState::Unreviewed:
      break;
  }
  return QObject::tr("reset");
}
}  // namespace

ReviewPanel::ReviewPanel(QWidget* parent) : QWidget(parent) {
  reviewer_ = new QLineEdit(QString::fromStdString(dc::core::ReviewRepository::default_reviewer()), this);
  reviewer_->setObjectName("reviewerEdit");
  reviewer_->setToolTip(tr("The name stored with every review state you set"));
  connect(reviewer_, &QLineEdit::editingFinished, this, [this] { emit reviewer_changed(reviewer()); });

  source_ = new QComboBox(this);
  source_->setObjectName("reviewSourceFilter");
  source_->addItem(tr("Auto and model labels"), QString());
  source_->addItem(tr("Auto labels"), QString("auto"));
  source_->addItem(tr("Model labels"), QString("model"));
  model_ = new QComboBox(this);
  model_->setObjectName("reviewModelFilter");
  model_->setSizeAdjustPolicy(QComboBox::AdjustToContents);
  check_ = new QComboBox(this);
  check_->setObjectName("reviewCheckFilter");
  check_->setSizeAdjustPolicy(QComboBox::AdjustToContents);
  rebuild_scope_choices();
  for (auto* box : {source_, model_, check_})
    connect(box, &QComboBox::currentIndexChanged, this, [this] {
      if (loading_) return;
      if (session_) save_session();  // the session takes the new scope
      refresh();
    });

  auto make = [this](const QString& text, const QString& name, const QKeySequence& key, const QString& tip) {
    auto* a = new QAction(text, this);
    a->setObjectName(name);
    a->setShortcut(key);
    a->setShortcutContext(Qt::WindowShortcut);
    a->setToolTip(tip + " (" + key.toString(QKeySequence::NativeText) + ")");
    return a;
  };
  previous_ = make(tr("Previous unreviewed"), "reviewPreviousAction", QKeySequence(Qt::SHIFT | Qt::Key_N),
                   tr("Go back to the previous sample with something unreviewed"));
  next_ = make(tr("Next unreviewed"), "reviewNextAction", QKeySequence(Qt::Key_N),
               tr("Go to the next sample with something unreviewed"));
  accept_ = make(tr("Accept"), "reviewAcceptAction", QKeySequence(Qt::Key_A),
                 tr("Accept the selected box, the selected rows, or every unreviewed item of this sample"));
  reject_ = make(tr("Reject"), "reviewRejectAction", QKeySequence(Qt::Key_X),
                 tr("Reject the selected box, the selected rows, or every unreviewed item of this sample"));
  fixed_ = make(tr("Mark fixed"), "reviewFixedAction", QKeySequence(Qt::Key_F),
                tr("Mark the selected box, the selected rows, or every unreviewed item of this sample as fixed"));
  accept_track_ = make(tr("Accept track"), "reviewAcceptTrackAction", QKeySequence(Qt::SHIFT | Qt::Key_A),
                       tr("Accept every box of the selected box's track (its source and run)"));
  reject_track_ = make(tr("Reject track"), "reviewRejectTrackAction", QKeySequence(Qt::SHIFT | Qt::Key_X),
                       tr("Reject every box of the selected box's track (its source and run)"));
  connect(next_, &QAction::triggered, this, &ReviewPanel::go_next);
  connect(previous_, &QAction::triggered, this, &ReviewPanel::go_previous);
  connect(accept_, &QAction::triggered, this, [this] { review_current(ReviewState::Accepted); });
  connect(reject_, &QAction::triggered, this, [this] { review_current(ReviewState::Rejected); });
  connect(fixed_, &QAction::triggered, this, [this] { review_current(ReviewState::Fixed); });
  connect(accept_track_, &QAction::triggered, this, [this] { review_track(ReviewState::Accepted); });
  connect(reject_track_, &QAction::triggered, this, [this] { review_track(ReviewState::Rejected); });

  table_ = new QTableWidget(0, ColumnCount, this);
  table_->setObjectName("reviewItemsTable");
  table_->setHorizontalHeaderLabels(
      {tr("Kind"), tr("Id"), tr("What"), tr("Source / track"), tr("Review"), tr("Reviewer")});
  table_->setSelectionBehavior(QAbstractItemView::SelectRows);
  table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  table_->verticalHeader()->hide();
  table_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
  table_->horizontalHeader()->setStretchLastSection(true);
  table_->setContextMenuPolicy(Qt::CustomContextMenu);
  connect(table_, &QWidget::customContextMenuRequested, this, [this](const QPoint& at) {
    QMenu menu(this);
    menu.addActions({accept_, reject_, fixed_});
    menu.addSeparator();
    menu.addActions({accept_track_, reject_track_});
    menu.exec(table_->viewport()->mapToGlobal(at));
  });

  summary_ = new QLabel(this);
  summary_->setObjectName("reviewSummary");
  summary_->setWordWrap(true);

  auto* scope_row = new QHBoxLayout;
  scope_row->addWidget(new QLabel(tr("Reviewer:"), this));
  scope_row->addWidget(reviewer_);
  scope_row->addWidget(source_);
  scope_row->addWidget(model_);
  scope_row->addWidget(check_);
  scope_row->addStretch(1);
  auto* action_row = new QHBoxLayout;
  for (auto* a : review_actions()) {
    auto* b = new QToolButton(this);
    b->setDefaultAction(a);
    b->setToolButtonStyle(Qt::ToolButtonTextOnly);
    action_row->addWidget(b);
  }
  action_row->addStretch(1);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(2, 2, 2, 2);
  layout->addLayout(scope_row);
  layout->addLayout(action_row);
  layout->addWidget(table_, 1);
  layout->addWidget(summary_);
  update_summary();
}

QList<QAction*> ReviewPanel::review_actions() const {
  return {previous_, next_, accept_, reject_, fixed_, accept_track_, reject_track_};
}

void ReviewPanel::set_catalog(dc::core::Catalog* catalog) {
  save_position();  // in the catalog being left
  catalog_ = catalog;
  drive_id_.reset();
  sample_key_.reset();
  session_.reset();
  selected_label_.reset();
  refresh();
}

std::optional<std::int64_t> ReviewPanel::set_drive(std::optional<std::int64_t> drive_id) {
  save_position();
  drive_id_ = drive_id;
  sample_key_.reset();
  selected_label_.reset();
  session_.reset();
  if (catalog_ && drive_id_) {
    try {
      session_ = catalog_->review_repository().last_session(*drive_id_);
    } catch (const std::exception& e) {
      emit message(tr("cannot read review sessions: %1").arg(QString::fromUtf8(e.what())));
    }
  }
  rebuild_scope_choices();
  if (session_) set_scope(session_->scope);
  refresh();
  return session_ ? session_->current_sample_key : std::nullopt;
}

void ReviewPanel::set_current_sample(std::optional<std::int64_t> sample_key) {
  if (sample_key != sample_key_) selected_label_.reset();  // the views clear their selection with a new sample
  sample_key_ = sample_key;
  refresh(false);  // playback steps through here: the drive-wide count waits for a review
}

void ReviewPanel::set_selected_label(const std::optional<dc::core::BoxLabel>& label) {
  selected_label_ = label;
  if (!label) return;
  // The box's row is selected too, so the table shows what A / X / F will act on.
  for (std::size_t i = 0; i < items_.size(); ++i)
    if (items_[i].kind == ReviewItemKind::Label && items_[i].id == label->id) {
      table_->selectRow(static_cast<int>(i));
      return;
    }
  table_->clearSelection();
}

QString ReviewPanel::reviewer() const {
  const QString name = reviewer_->text().trimmed();
  return name.isEmpty() ? QString::fromStdString(dc::core::ReviewRepository::default_reviewer()) : name;
}

void ReviewPanel::set_reviewer(const QString& name) {
  reviewer_->setText(name);
  emit reviewer_changed(reviewer());
}

dc::core::ReviewScope ReviewPanel::scope() const {
  dc::core::ReviewScope scope;
  const QString source = source_->currentData().toString();
  if (!source.isEmpty()) scope.source = dc::core::label_source_from_string(source.toStdString());
  const QString model = model_->currentData().toString();
  if (!model.isNull() && model_->currentIndex() > 0) {
    scope.source = dc::core::LabelSource::Model;
    scope.model_name = model.toStdString();
  }
  if (check_->currentIndex() > 0) scope.check = check_->currentData().toString().toStdString();
  return scope;
}

void ReviewPanel::set_scope(const dc::core::ReviewScope& scope) {
  loading_ = true;
  const QString source = scope.source ? QString(dc::core::to_string(*scope.source)) : QString();
  source_->setCurrentIndex(std::max(0, source_->findData(source)));
  if (scope.model_name) {
    const QString name = QString::fromStdString(*scope.model_name);
    if (model_->findData(name) < 0) model_->addItem(name, name);
    model_->setCurrentIndex(model_->findData(name));
  } else {
    model_->setCurrentIndex(0);
  }
  if (scope.check) {
    const QString name = QString::fromStdString(*scope.check);
    if (check_->findData(name) < 0) check_->addItem(name, name);
    check_->setCurrentIndex(check_->findData(name));
  } else {
    check_->setCurrentIndex(0);
  }
  loading_ = false;
}

void ReviewPanel::rebuild_scope_choices() {
  const auto keep = scope();
  loading_ = true;
  model_->clear();
  model_->addItem(tr("Any model run"), QVariant());
  check_->clear();
  check_->addItem(tr("Any check"), QVariant());
  if (catalog_ && drive_id_) {
    try {
      for (const auto& name : catalog_->label_repository().model_runs(*drive_id_))
        model_->addItem(QString::fromStdString(name), QString::fromStdString(name));
      std::set<std::string> checks;
      for (const auto& f : catalog_->finding_repository().list(*drive_id_)) checks.insert(f.check);
      for (const auto& c : checks) check_->addItem(QString::fromStdString(c), QString::fromStdString(c));
    } catch (const std::exception& e) {
      emit message(tr("cannot read the drive's model runs and checks: %1").arg(QString::fromUtf8(e.what())));
    }
  }
  loading_ = false;
  set_scope(keep);
}

void ReviewPanel::refresh(bool recount) {
  items_.clear();
  if (recount || !drive_id_) remaining_ = -1;
  if (catalog_ && drive_id_) {
    try {
      if (sample_key_) items_ = catalog_->review_repository().items(*drive_id_, *sample_key_, scope());
      if (recount) remaining_ = catalog_->review_repository().count_unreviewed(*drive_id_, scope());
    } catch (const std::exception& e) {
      emit message(tr("cannot read review items: %1").arg(QString::fromUtf8(e.what())));
    }
  }
  const QSignalBlocker block(table_);
  table_->setRowCount(static_cast<int>(items_.size()));
  for (std::size_t i = 0; i < items_.size(); ++i) {
    const auto& item = items_[i];
    const int row = static_cast<int>(i);
    QString source;
    if (item.kind == ReviewItemKind::Label) {
      source = dc::core::to_string(item.source);
      if (!item.source_name.empty()) source += ":" + QString::fromStdString(item.source_name);
      if (!item.track_id.empty()) source += tr(" · track %1").arg(QString::fromStdString(item.track_id));
    }
    const QString cells[ColumnCount] = {
        dc::core::to_string(item.kind),         QString::number(item.id),
        QString::fromStdString(item.what),      source,
        dc::core::to_string(item.review.state), QString::fromStdString(item.review.reviewer)};
    for (int c = 0; c < ColumnCount; ++c) table_->setItem(row, c, new QTableWidgetItem(cells[c]));
  }
  if (selected_label_) set_selected_label(selected_label_);
  update_summary();
}

void ReviewPanel::update_summary() {
  QStringList parts;
  if (!drive_id_) {
    summary_->setText(tr("Open a drive to review it."));
    return;
  }
  if (session_)
    parts << tr("session %1 (%2)")
                 .arg(QString::fromStdString(session_->name), QString::fromStdString(session_->reviewer));
  if (remaining_ >= 0) parts << tr("%n unreviewed in scope", "", static_cast<int>(remaining_));
  if (session_)
    parts << tr("accepted %1 · rejected %2 · fixed %3")
                 .arg(session_->counts.accepted)
                 .arg(session_->counts.rejected)
                 .arg(session_->counts.fixed);
  summary_->setText(parts.join(" — "));
}

bool ReviewPanel::go_next() {
  return go(false);
}
bool ReviewPanel::go_previous() {
  return go(true);
}

bool ReviewPanel::go(bool backwards) {
  if (!catalog_ || !drive_id_) return false;
  std::optional<dc::core::ReviewStop> stop;
  std::vector<dc::core::ReviewItem> waiting;
  try {
    stop = catalog_->review_repository().next_unreviewed(*drive_id_, sample_key_, scope(), backwards, true);
    if (stop) waiting = catalog_->review_repository().items(*drive_id_, stop->sample_key, scope(), true);
  } catch (const std::exception& e) {
    emit message(tr("cannot find the next unreviewed sample: %1").arg(QString::fromUtf8(e.what())));
    return false;
  }
  if (!stop) {
    emit message(tr("nothing left to review in this scope"));
    return false;
  }
  if (stop->wrapped)
    emit message(backwards ? tr("passed the start: went on from the end of the drive")
                           : tr("passed the end: went on from the start of the drive"));
  sample_key_ = stop->sample_key;
  selected_label_.reset();  // a box of the sample left behind
  if (!session_) {
    session_ = dc::core::ReviewSession{};
    session_->name = reviewer().toStdString();
    session_->drive_id = *drive_id_;
  }
  session_->current_item = waiting.empty() ? std::string()
                                           : std::string(dc::core::to_string(waiting.front().kind)) + ":" +
                                                 std::to_string(waiting.front().id);
  save_session();
  emit sample_requested(stop->sample_key);
  return true;
}

int ReviewPanel::review_current(ReviewState state) {
  if (!catalog_ || !drive_id_) return 0;
  std::vector<std::pair<ReviewItemKind, std::int64_t>> targets;
  if (selected_label_) {
    targets.emplace_back(ReviewItemKind::Label, selected_label_->id);
  } else {
    std::set<int> rows;
    for (const QModelIndex& index : table_->selectionModel()->selectedRows()) rows.insert(index.row());
    for (int r : rows)
      if (r >= 0 && r < static_cast<int>(items_.size()))
        targets.emplace_back(items_[static_cast<std::size_t>(r)].kind, items_[static_cast<std::size_t>(r)].id);
    if (targets.empty())
      for (const auto& item : items_)
        if (item.review.state == ReviewState::Unreviewed) targets.emplace_back(item.kind, item.id);
  }
  if (targets.empty()) {
    emit message(tr("nothing to review at this sample"));
    return 0;
  }
  try {
    catalog_->review_repository().set_reviews(targets, state, reviewer().toStdString());
  } catch (const std::exception& e) {
    emit message(tr("cannot store the review: %1").arg(QString::fromUtf8(e.what())));
    return 0;
  }
  const int n = static_cast<int>(targets.size());
  if (n == 1)
    emit message(
        tr("%1 %2 %3").arg(state_verb(state), dc::core::to_string(targets.front().first)).arg(targets.front().second));
  else
    emit message(tr("%1 %2 items").arg(state_verb(state)).arg(n));
  note(state, n);
  refresh();
  emit reviewed();
  return n;
}

std::optional<dc::core::TrackSelector> ReviewPanel::selected_track() const {
  if (!drive_id_) return std::nullopt;
  dc::core::TrackSelector t;
  t.drive_id = *drive_id_;
  auto from = [&](dc::core::LabelSource source, const std::string& name, const std::string& track,
                  std::optional<std::int64_t> run) -> std::optional<dc::core::TrackSelector> {
    if (track.empty() || (source != dc::core::LabelSource::Auto && source != dc::core::LabelSource::Model))
      return std::nullopt;
    t.track_id = track;
    t.source = source;
    if (source == dc::core::LabelSource::Model) t.model_name = name;
    if (source == dc::core::LabelSource::Auto) t.run_id = run;  // tracks of another autolabel run are others
    return t;
  };
  if (selected_label_)
    return from(selected_label_->source, selected_label_->source_name, selected_label_->track_id,
                selected_label_->run_id);
  for (const QModelIndex& index : table_->selectionModel()->selectedRows()) {
    const int r = index.row();
    if (r < 0 || r >= static_cast<int>(items_.size())) continue;
    const auto& item = items_[static_cast<std::size_t>(r)];
    if (item.kind == ReviewItemKind::Label) return from(item.source, item.source_name, item.track_id, item.run_id);
  }
  return std::nullopt;
}

int ReviewPanel::review_track(ReviewState state) {
  if (!catalog_ || !drive_id_) return 0;
  const auto track = selected_track();
  if (!track) {
    emit message(tr("select a box of an auto or model track first"));
    return 0;
  }
  std::int64_t n = 0;
  try {
    n = catalog_->review_repository().set_track_review(*track, state, reviewer().toStdString());
  } catch (const std::exception& e) {
    emit message(tr("cannot review the track: %1").arg(QString::fromUtf8(e.what())));
    return 0;
  }
  emit message(tr("%1 %2 boxes of %3 track %4")
                   .arg(state_verb(state))
                   .arg(n)
                   .arg(dc::core::to_string(track->source), QString::fromStdString(track->track_id)));
  note(state, n);
  refresh();
  emit reviewed();
  return static_cast<int>(n);
}

void ReviewPanel::note(ReviewState state, std::int64_t n) {
  if (!drive_id_) return;
  if (!session_) {
    session_ = dc::core::ReviewSession{};
    session_->name = reviewer().toStdString();
    session_->drive_id = *drive_id_;
  }
  switch (state) {
    case ReviewState::Accepted:
      session_->counts.accepted += n;
      break;
    case ReviewState::Rejected:
      session_->counts.rejected += n;
      break;
    case ReviewState::Fixed:
      session_->counts.fixed += n;
      break;
    case ReviewState::Unreviewed:
      session_->counts.reset += n;
      break;
  }
  save_session();
}

void ReviewPanel::save_position() {
  if (!session_ || !catalog_ || !drive_id_ || !sample_key_) return;
  if (session_->current_sample_key == sample_key_) return;
  session_->current_item.clear();
  save_session();
}

void ReviewPanel::save_session() {
  if (!session_ || !catalog_) return;
  session_->scope = scope();
  session_->reviewer = reviewer().toStdString();
  if (sample_key_) session_->current_sample_key = sample_key_;
  try {
    session_->counts.remaining = catalog_->review_repository().count_unreviewed(session_->drive_id, session_->scope);
    session_ = catalog_->review_repository().save_session(*session_);
  } catch (const std::exception& e) {
    emit message(tr("cannot store the review session: %1").arg(QString::fromUtf8(e.what())));
  }
  update_summary();
}

}  // namespace dc::widgets
