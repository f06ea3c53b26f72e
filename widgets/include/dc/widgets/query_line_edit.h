#pragma once
#include "dc/core/query/query_vocabulary.h"
#include "dc/widgets/query_completion.h"

#include <QLineEdit>

class QCompleter;
class QStringListModel;

namespace dc::widgets {

// A line edit for the query language with completion at the cursor: field names first, then the catalog's values
// for the field being typed (see query_completion). The popup opens while typing and on Ctrl+Space; Enter or Tab in
// the popup inserts the choice, Enter outside it submits (returnPressed). A parse error selects the offending token
// and tints the field until the text is edited.
class QueryLineEdit : public QLineEdit {
  Q_OBJECT
 public:
  explicit QueryLineEdit(QWidget* parent = nullptr);

  void set_vocabulary(dc::core::QueryVocabulary vocabulary);
  const dc::core::QueryVocabulary& vocabulary() const { return vocabulary_; }
  QCompleter* query_completer() const { return completer_; }
  // The candidates offered for the text at the cursor, before the popup filters them by what is typed.
  QStringList candidates() const;

  // Selects `length` characters from `offset` (at least one when the text has any there) and tints the field.
  void mark_error(int offset, int length);
  void clear_error();
  bool has_error() const { return error_; }

 public slots:
  void show_completions();

 protected:
  void keyPressEvent(QKeyEvent* event) override;

 private:
  void insert_completion(const QString& completion);
  void update_completions(bool show_popup);

  dc::core::QueryVocabulary vocabulary_;
  QCompleter* completer_ = nullptr;
  QStringListModel* model_ = nullptr;
  QueryCompletion context_;
  bool error_ = false;
};

}  // namespace dc::widgets
