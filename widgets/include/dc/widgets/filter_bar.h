#pragma once
#include "dc/core/query/query_vocabulary.h"

#include <QString>
#include <QWidget>
#include <cstdint>

class QLabel;
class QPushButton;
class QTableView;

namespace dc::core {
class Catalog;
}

namespace dc::widgets {

class QueryLineEdit;
class QueryResultModel;

// Selects samples with the query language: a query line with completion from the catalog, Enter runs the query
// off the GUI thread (with a catalog connection of its own), the matching samples are listed (drive, key, time)
// with their count, and activating a row asks to show that sample. A parse error marks the offending token and
// says what is wrong. "Save as collection…" freezes the listed result as a named collection with its query.
class FilterBar : public QWidget {
  Q_OBJECT
 public:
  explicit FilterBar(QWidget* parent = nullptr);
  ~FilterBar() override;

  // The catalog results are saved into (GUI thread) and the file queries read (workers). nullptr: none open.
  void set_catalog(dc::core::Catalog* catalog, const QString& path);
  // Rereads the values completion offers (tags, classes, findings, drives), off the GUI thread.
  void reload_vocabulary();

  QueryLineEdit* line_edit() const { return edit_; }
  QTableView* results_view() const { return view_; }
  QueryResultModel* results() const { return model_; }
  QLabel* status_label() const { return status_; }
  QPushButton* save_button() const { return save_; }
  QString shown_query() const { return shown_query_; }  // the query whose result is listed
  bool running() const { return running_; }

 public slots:
  void run_query();            // the text in the query line
  void ask_collection_name();  // a dialog asks the name, then save_collection
  bool save_collection(const QString& name);

 signals:
  void sample_activated(const QString& drive, qint64 sample_key);
  void query_finished(int matches);
  void query_failed(const QString& message);
  void collection_saved(const QString& name);
  void vocabulary_loaded();

 private:
  void show_status(const QString& text, bool error);
  // Runs the query off the GUI thread: the first page, then (when more match) the whole result.
  void start_query(const QString& text, std::uint64_t generation, bool first_page);

  dc::core::Catalog* catalog_ = nullptr;
  QString path_;
  QueryLineEdit* edit_ = nullptr;
  QPushButton* run_ = nullptr;
  QPushButton* save_ = nullptr;
  QLabel* status_ = nullptr;
  QTableView* view_ = nullptr;
  QueryResultModel* model_ = nullptr;
  QString shown_query_;
  bool running_ = false;
  std::uint64_t generation_ = 0;  // a result for an older query or catalog is dropped
};

}  // namespace dc::widgets
