#include "dc/widgets/query_line_edit.h"

#include <QAbstractItemView>
#include <QCompleter>
#include <QKeyEvent>
#include <QScrollBar>
#include <QStringListModel>

namespace dc::widgets {

QueryLineEdit::QueryLineEdit(QWidget* parent) : QLineEdit(parent) {
  setPlaceholderText(tr("query, e.g. class:Car count>=3 and not tag:night   (Ctrl+Space completes)"));
  setClearButtonEnabled(true);
  model_ = new QStringListModel(this);
  // Not setCompleter(): QLineEdit would complete the whole text, the query completes the term at the cursor.
  completer_ = new QCompleter(model_, this);
  completer_->setWidget(this);
  completer_->setCompletionMode(QCompleter::PopupCompletion);
  completer_->setCaseSensitivity(Qt::CaseInsensitive);
  completer_->setMaxVisibleItems(12);
  completer_->popup()->setObjectName("queryCompletionPopup");
  connect(completer_, qOverload<const QString&>(&QCompleter::activated), this, &QueryLineEdit::insert_completion);
  connect(this, &QLineEdit::textEdited, this, [this] {
    clear_error();
    // Between terms (nothing typed of the next one) Enter should run the query: fields are offered once a letter
    // is typed, or on Ctrl+Space. After `field:` the values are offered at once.
    const auto context = query_completion(text(), cursorPosition(), vocabulary_);
    if (context.kind == QueryCompletion::Kind::Field && context.prefix.isEmpty())
      completer_->popup()->hide();
    else
      update_completions(true);
  });
}

void QueryLineEdit::set_vocabulary(dc::core::QueryVocabulary vocabulary) {
  vocabulary_ = std::move(vocabulary);
  if (completer_->popup()->isVisible()) update_completions(true);
}

QStringList QueryLineEdit::candidates() const {
  return query_completion(text(), cursorPosition(), vocabulary_).candidates;
}

void QueryLineEdit::show_completions() {
  update_completions(true);
}

void QueryLineEdit::update_completions(bool show_popup) {
  context_ = query_completion(text(), cursorPosition(), vocabulary_);
  if (context_.candidates.isEmpty()) {
    completer_->popup()->hide();
    return;
  }
  model_->setStringList(context_.candidates);
  completer_->setFilterMode(context_.match_inside ? Qt::MatchContains : Qt::MatchStartsWith);
  completer_->setCompletionPrefix(context_.prefix);
  if (!show_popup) return;
  // Nothing left to offer, or exactly what is typed already: no popup in the way.
  if (completer_->completionCount() == 0 ||
      (completer_->completionCount() == 1 && completer_->currentCompletion() == context_.prefix)) {
    completer_->popup()->hide();
    return;
  }
  QRect rect = cursorRect();
  rect.setWidth(completer_->popup()->sizeHintForColumn(0) +
                completer_->popup()->verticalScrollBar()->sizeHint().width());
  completer_->complete(rect);
  // The best match is highlighted, so Enter or Tab takes it.
  completer_->popup()->setCurrentIndex(completer_->completionModel()->index(0, 0));
}

void QueryLineEdit::insert_completion(const QString& completion) {
  const int cursor = cursorPosition();
  const QString current = text();
  QString inserted = completion;
  // Keywords stand alone; a value ends the term: both are followed by a space. Fields end in their operator.
  const bool field = context_.kind == QueryCompletion::Kind::Field &&
                     (completion.endsWith(':') || completion.endsWith('~') || completion.endsWith('='));
  if (!field && (cursor >= current.size() || !current[cursor].isSpace())) inserted += ' ';
  const QString next = current.left(context_.start) + inserted + current.mid(cursor);
  setText(next);
  setCursorPosition(context_.start + static_cast<int>(inserted.size()));
  clear_error();
  // After a field, its values are what comes next.
  if (field) update_completions(true);
}

void QueryLineEdit::keyPressEvent(QKeyEvent* event) {
  if (completer_->popup()->isVisible()) {
    switch (event->key()) {
      case Qt::Key_Enter:
      case Qt::Key_Return:
      case Qt::Key_Tab:
      case Qt::Key_Backtab:
      case Qt::Key_Escape:
        event->ignore();  // the completer acts on these
        return;
      default:
        break;
    }
  }
  if (event->key() == Qt::Key_Space && (event->modifiers() & Qt::ControlModifier)) {
    update_completions(true);
    return;
  }
  QLineEdit::keyPressEvent(event);
  // Moving the cursor changes the term it is in.
  if (completer_->popup()->isVisible() && (event->key() == Qt::Key_Left || event->key() == Qt::Key_Right ||
                                           event->key() == Qt::Key_Home || event->key() == Qt::Key_End))
    update_completions(true);
}

void QueryLineEdit::mark_error(int offset, int length) {
  error_ = true;
  setStyleSheet("QLineEdit { border: 1px solid #e53935; background: #3a1f22; selection-background-color: #e53935; }");
  offset = std::clamp(offset, 0, static_cast<int>(text().size()));
  length = std::min(std::max(length, 1), static_cast<int>(text().size()) - offset);
  if (length > 0)
    setSelection(offset, length);
  else
    setCursorPosition(offset);
}

void QueryLineEdit::clear_error() {
  if (!error_) return;
  error_ = false;
  setStyleSheet({});
}

}  // namespace dc::widgets
