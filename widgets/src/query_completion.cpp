#include "dc/widgets/query_completion.h"

#include <algorithm>

namespace dc::widgets {

namespace {

bool is_operator_char(QChar c) {
  return c == ':' || c == '~' || c == '<' || c == '>' || c == '=';
}

// Characters that end a bare word in the query language (see core's QueryLexer).
bool breaks_bare_word(QChar c) {
  return c.isSpace() || is_operator_char(c) || c == '(' || c == ')' || c == '"';
}

QStringList to_list(const std::vector<std::string>& values) {
  QStringList out;
  for (const auto& v : values) out << query_value_text(QString::fromStdString(v));
  return out;
}

}  // namespace

QString query_value_text(const QString& value) {
  bool bare = !value.isEmpty();
  for (QChar c : value)
    if (breaks_bare_word(c) || c == '\\') bare = false;
  const QString lower = value.toLower();
  if (lower == "and" || lower == "or" || lower == "not") bare = false;
  if (bare) return value;
  QString escaped = value;
  escaped.replace("\\", "\\\\").replace("\"", "\\\"");
  return '"' + escaped + '"';
}

QueryCompletion query_completion(const QString& text, int cursor, const dc::core::QueryVocabulary& vocabulary) {
  QueryCompletion out;
  cursor = std::clamp(cursor, 0, static_cast<int>(text.size()));
  // The current term starts after the last space or parenthesis outside a quoted string.
  int word_start = 0;
  bool quoted = false;
  for (int i = 0; i < cursor; ++i) {
    const QChar c = text[i];
    if (quoted) {
      if (c == '\\')
        ++i;
      else if (c == '"')
        quoted = false;
      continue;
    }
    if (c == '"')
      quoted = true;
    else if (c.isSpace() || c == '(' || c == ')')
      word_start = i + 1;
  }
  const QString word = text.mid(word_start, cursor - word_start);
  int op_start = -1;
  for (int i = 0; i < word.size(); ++i) {
    if (word[i] == '"') break;
    if (is_operator_char(word[i])) {
      op_start = i;
      break;
    }
  }
  if (op_start < 0) {
    out.kind = QueryCompletion::Kind::Field;
    out.start = word_start;
    out.prefix = word;
    out.candidates = {"class:",  "tag:",          "finding:", "severity>=", "drive:", "drive~",
                      "review:", "label-source:", "count>=",  "sample>=",   "time>=", "not"};
    // and / or join terms: offered only after something.
    if (!text.left(word_start).trimmed().isEmpty())
      out.candidates << "and"
                     << "or";
    return out;
  }
  int value_start = op_start;
  while (value_start < word.size() && is_operator_char(word[value_start])) ++value_start;
  out.kind = QueryCompletion::Kind::Value;
  out.field = word.left(op_start).toLower();
  out.start = word_start + value_start;
  out.prefix = word.mid(value_start);
  const QString op = word.mid(op_start, value_start - op_start);
  if (out.field == "class")
    out.candidates = to_list(vocabulary.classes);
  else if (out.field == "tag")
    out.candidates = to_list(vocabulary.tags);
  else if (out.field == "finding")
    out.candidates = to_list(vocabulary.findings);
  else if (out.field == "drive")
    out.candidates = to_list(vocabulary.drives);
  else if (out.field == "review")
    out.candidates = to_list(vocabulary.review_states);
  else if (out.field == "severity")
    out.candidates = to_list(vocabulary.severities);
  else if (out.field == "label-source")
    out.candidates = to_list(vocabulary.label_sources);
  else
    out.kind = QueryCompletion::Kind::None;  // numbers and times: nothing to offer
  if (out.prefix.startsWith('"')) {
    // A quote typed already: offer every value quoted, so the prefix still matches.
    for (auto& c : out.candidates)
      if (!c.startsWith('"')) c = '"' + c + '"';
  }
  out.match_inside = out.field == "drive" && op == "~";
  return out;
}

}  // namespace dc::widgets
