#include "dc/widgets/filter_bar.h"

#include "dc/core/catalog/catalog.h"
#include "dc/core/query/query_engine.h"
#include "dc/core/query/query_error.h"
#include "dc/core/query/query_lexer.h"
#include "dc/widgets/query_line_edit.h"
#include "dc/widgets/query_result_model.h"

#include <QFutureWatcher>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QInputDialog>
#include <QLabel>
#include <QPushButton>
#include <QTableView>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

namespace dc::widgets {

namespace {

// The first rows are listed at once; the whole result follows.
constexpr std::size_t kFirstPage = 1000;

struct QueryOutcome {
  std::vector<dc::core::QueryHit> hits;
  bool complete = true;   // false: a first page, more matches follow
  QString error;          // empty on success
  int error_offset = -1;  // for a query error: where the offending token starts
  int error_length = 0;
};

// Length of the token starting at `offset` (the lexer's view), or of the rest of the text when it does not lex.
int token_length(const std::string& text, std::size_t offset) {
  try {
    for (const auto& t : dc::core::QueryLexer::tokenize(text))
      if (t.offset == offset && t.end > t.offset) return static_cast<int>(t.end - t.offset);
    return 1;
  } catch (const std::exception&) {
    return static_cast<int>(text.size() - std::min(offset, text.size()));
  }
}

// `first_page`: only the first kFirstPage matches (quick whatever the query); else all of them.
QueryOutcome run_on_own_connection(const std::string& path, const std::string& text, bool first_page) {
  QueryOutcome out;
  try {
    dc::core::Catalog catalog(path);
    if (first_page) {
      auto page = dc::core::QueryEngine(catalog).page(text, kFirstPage);
      out.hits = std::move(page.hits);
      out.complete = !page.more;
    } else {
      out.hits = dc::core::QueryEngine(catalog).run(text);
    }
  } catch (const dc::core::QueryError& e) {
    out.error = QString::fromStdString(e.message());
    out.error_offset = static_cast<int>(e.column() - 1);
    out.error_length = token_length(text, e.column() - 1);
    // Columns count bytes; the line edit counts UTF-16 units.
    out.error_offset = static_cast<int>(QString::fromUtf8(text.substr(0, e.column() - 1)).size());
  } catch (const std::exception& e) {
    out.error = QString::fromUtf8(e.what());
  }
  return out;
}

}  // namespace

FilterBar::FilterBar(QWidget* parent) : QWidget(parent) {
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(2, 2, 2, 2);
  auto* row = new QHBoxLayout;
  edit_ = new QueryLineEdit(this);
  edit_->setObjectName("queryEdit");
  row->addWidget(edit_, 1);
  run_ = new QPushButton(tr("Run"), this);
  run_->setObjectName("runQueryButton");
  run_->setToolTip(tr("Run the query (Enter)"));
  row->addWidget(run_);
  save_ = new QPushButton(tr("Save as collection…"), this);
  save_->setObjectName("saveCollectionButton");
  save_->setToolTip(tr("Freeze the listed samples as a named collection (export, eval --collection)"));
  save_->setEnabled(false);
  row->addWidget(save_);
  layout->addLayout(row);
  status_ = new QLabel(tr("Type a query and press Enter."), this);
  status_->setObjectName("queryStatus");
  status_->setWordWrap(true);
  status_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  layout->addWidget(status_);
  model_ = new QueryResultModel(this);
  view_ = new QTableView(this);
  view_->setObjectName("queryResults");
  view_->setModel(model_);
  view_->setSelectionBehavior(QAbstractItemView::SelectRows);
  view_->setSelectionMode(QAbstractItemView::SingleSelection);
  view_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  view_->verticalHeader()->hide();
  view_->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 4);
  view_->horizontalHeader()->setStretchLastSection(true);
  view_->horizontalHeader()->setSectionResizeMode(QueryResultModel::DriveColumn, QHeaderView::Stretch);
  view_->horizontalHeader()->setSectionResizeMode(QueryResultModel::KeyColumn, QHeaderView::ResizeToContents);
  layout->addWidget(view_, 1);

  connect(edit_, &QLineEdit::returnPressed, this, &FilterBar::run_query);
  connect(run_, &QPushButton::clicked, this, &FilterBar::run_query);
  connect(save_, &QPushButton::clicked, this, &FilterBar::ask_collection_name);
  connect(view_, &QAbstractItemView::activated, this, [this](const QModelIndex& index) {
    if (!index.isValid()) return;
    const auto& h = model_->hit(index.row());
    emit sample_activated(QString::fromStdString(h.drive), h.sample.key);
  });
}

FilterBar::~FilterBar() = default;

void FilterBar::set_catalog(dc::core::Catalog* catalog, const QString& path) {
  catalog_ = catalog;
  path_ = catalog ? path : QString();
  ++generation_;
  running_ = false;
  model_->set_hits({});
  shown_query_.clear();
  save_->setEnabled(false);
  show_status(catalog ? tr("Type a query and press Enter.") : tr("No catalog open."), false);
  reload_vocabulary();
}

void FilterBar::reload_vocabulary() {
  if (path_.isEmpty()) {
    edit_->set_vocabulary({});
    return;
  }
  auto* watcher = new QFutureWatcher<std::pair<dc::core::QueryVocabulary, QString>>(this);
  connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, generation = generation_] {
    watcher->deleteLater();
    if (generation != generation_) return;
    auto [vocabulary, error] = watcher->result();
    if (!error.isEmpty()) show_status(error, true);
    edit_->set_vocabulary(std::move(vocabulary));
    emit vocabulary_loaded();
  });
  watcher->setFuture(QtConcurrent::run([path = path_.toStdString()]() -> std::pair<dc::core::QueryVocabulary, QString> {
    try {
      return {dc::core::QueryVocabulary::read(path), {}};
    } catch (const std::exception& e) {
      return {{}, QString::fromUtf8(e.what())};
    }
  }));
}

void FilterBar::run_query() {
  const QString text = edit_->text().trimmed();
  if (path_.isEmpty()) {
    show_status(tr("No catalog open."), true);
    return;
  }
  const auto generation = ++generation_;
  running_ = true;
  save_->setEnabled(false);
  show_status(tr("Running…"), false);
  start_query(text, generation, true);
}

void FilterBar::start_query(const QString& text, std::uint64_t generation, bool first_page) {
  auto* watcher = new QFutureWatcher<QueryOutcome>(this);
  connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, generation, text, first_page] {
    watcher->deleteLater();
    if (generation != generation_) return;
    QueryOutcome out = watcher->result();
    if (!out.error.isEmpty()) {
      running_ = false;
      if (out.error_offset >= 0) {
        // The query line may have changed while it ran: mark the token only when it still shows the same query.
        if (edit_->text().trimmed() == text) {
          const int lead = static_cast<int>(edit_->text().indexOf(text));
          edit_->mark_error(std::max(0, lead) + out.error_offset, out.error_length);
        }
        show_status(tr("Column %1: %2").arg(out.error_offset + 1).arg(out.error), true);
      } else {
        show_status(out.error, true);
      }
      emit query_failed(out.error);
      return;
    }
    if (first_page) {
      model_->set_hits(std::move(out.hits));
      shown_query_ = text;
    } else {
      // The whole result starts with the page already listed (same order): only the rest is added.
      out.hits.erase(out.hits.begin(), out.hits.begin() + std::min<std::ptrdiff_t>(model_->rowCount(),
                                                                                      std::ssize(out.hits)));
      model_->append_hits(std::move(out.hits));
    }
    const int n = model_->rowCount();
    if (!out.complete) {
      show_status(tr("First %n sample(s) listed, counting the rest…", "", n) + "  —  " + text, false);
      start_query(text, generation, false);
      return;
    }
    running_ = false;
    save_->setEnabled(n > 0 && catalog_);
    show_status(tr("%n sample(s) match", "", n) + "  —  " + text, false);
    emit query_finished(n);
  });
  watcher->setFuture(QtConcurrent::run(run_on_own_connection, path_.toStdString(), text.toStdString(), first_page));
}

void FilterBar::ask_collection_name() {
  if (model_->hits().empty()) return;
  auto* dialog = new QInputDialog(this);
  dialog->setObjectName("collectionNameDialog");
  dialog->setAttribute(Qt::WA_DeleteOnClose);
  dialog->setWindowTitle(tr("Save as collection"));
  dialog->setLabelText(tr("Name of the collection (%n sample(s) of: %1)", "", static_cast<int>(model_->hits().size()))
                           .arg(shown_query_));
  connect(dialog, &QInputDialog::textValueSelected, this, [this](const QString& name) {
    if (!name.trimmed().isEmpty()) save_collection(name.trimmed());
  });
  dialog->open();  // not exec(): the window stays live
}

bool FilterBar::save_collection(const QString& name) {
  if (!catalog_ || model_->hits().empty()) return false;
  std::vector<dc::core::SampleRef> samples;
  samples.reserve(model_->hits().size());
  for (const auto& h : model_->hits()) samples.push_back(h.sample);
  try {
    catalog_->tag_repository().create_collection(name.toStdString(), shown_query_.toStdString(), samples);
  } catch (const std::exception& e) {
    show_status(tr("Cannot save collection '%1': %2").arg(name, QString::fromUtf8(e.what())), true);
    return false;
  }
  show_status(tr("Saved %n sample(s) as collection '%1'", "", static_cast<int>(samples.size())).arg(name), false);
  emit collection_saved(name);
  return true;
}

void FilterBar::show_status(const QString& text, bool error) {
  status_->setText(text);
  status_->setStyleSheet(error ? "color: #ef5350;" : QString());
}

}  // namespace dc::widgets
