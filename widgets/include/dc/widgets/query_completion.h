#pragma once
#include "dc/core/query/query_vocabulary.h"

#include <QString>
#include <QStringList>

namespace dc::widgets {

// What a query editor can offer at the cursor. Before an operator: the fields (with their usual operator, e.g.
// "class:", "count>=") and the keywords; after `field OP`: that field's values from the catalog (tag names, classes,
// finding checks, drive names, review states, severities, label sources), quoted when the language needs it.
// A chosen candidate replaces text[start, cursor).
struct QueryCompletion {
  enum class Kind { None, Field, Value };
  Kind kind = Kind::None;
  int start = 0;   // where the text a candidate replaces begins
  QString prefix;  // what is typed between start and the cursor
  QString field;   // the field whose values are offered (lower case), for Kind::Value
  QStringList candidates;
  bool match_inside = false;  // drive~ matches a part of the name: filter candidates by "contains"
};

QueryCompletion query_completion(const QString& text, int cursor, const dc::core::QueryVocabulary& vocabulary);

// A value as the language reads it back: bare when it is a plain word, else quoted with \" and \\ escaped.
QString query_value_text(const QString& value);

}  // namespace dc::widgets
