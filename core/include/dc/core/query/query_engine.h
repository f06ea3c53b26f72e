#pragma once
// The sample query language (the CLI's `query`, `collection create --query`, the GUI's filter bar).
//
// A query selects samples. Grammar:
//   query   := or
//   or      := and ('or' and)*
//   and     := unary (['and'] unary)*          juxtaposition means and; `not` binds tighter than and, and than or
//   unary   := 'not' unary | '(' query ')' | term
//   term    := FIELD OP VALUE                   no spaces inside a term
//   VALUE   := bare word (up to whitespace or one of : ~ < > = ( ) ") | "quoted string" with \" and \\ escapes
// Keywords and, or, not are case-insensitive; quote them to use them as values (tag:"not").
//
// Terms (a label is a current, not deleted box of any source; a finding belongs to a sample when it names the
// sample's key, or when it is a span finding without a sample whose time span contains the sample's time):
//   class:NAME                 a label of category NAME (exact, case-sensitive)
//   label-source:S             a label from source S: gt | auto | model | manual
//   count OP N                 the number of labels (OP: < <= > >= = or : for =)
//   finding:NAME               a finding whose check name is NAME, or made by a run of the pass NAME
//   severity OP LEVEL          a finding of that severity (info < warning < error)
//   tag:NAME                   the sample carries tag NAME
//   drive:NAME, drive=NAME     the sample's drive is named NAME exactly;  drive~TEXT: its name contains TEXT
//   review:STATE               a label or a finding of the sample is in STATE: unreviewed|accepted|rejected|fixed
//   sample OP K                the sample key (lidar frame index) compares to K
//   time OP T                  the sample time compares to T (UTC: "YYYY-MM-DD[ HH:MM:SS[.f]]" quoted, or ns)
//
// Terms that are siblings in one and-chain (not across parentheses or `not`) combine:
//   label terms class / label-source / count describe the same labels: `class:Car label-source:auto count>=3` is
//   "at least 3 auto Car labels"; without count they mean "at least one such label"; count alone counts all labels.
//   finding terms finding / severity describe the same finding: `finding:calib-check severity>=warning` is
//   "one calib-check finding of warning or error".
//   A chain may name at most one class, one label-source and one finding (use `or` or parentheses for more).
#include "dc/core/query/compiled_query.h"
#include "dc/core/query/query_ast.h"
#include "dc/core/query/query_hit.h"
#include "dc/core/query/query_page.h"

#include <cstddef>
#include <optional>

#include <string>
#include <vector>

namespace dc::core {

class Catalog;

class QueryEngine {
public:
  explicit QueryEngine(Catalog& catalog) : catalog_(catalog) {}

  // Parses and compiles; throws QueryError (a std::invalid_argument) with a caret line on bad input.
  static CompiledQuery compile(const std::string& text);
  // Matching samples ordered by drive id, time, key.
  std::vector<QueryHit> run(const std::string& text) const;
  std::vector<SampleRef> samples(const std::string& text) const;
  // At most `limit` matches after `after` (from the first when none), in the same order as run(). Quick whatever
  // the query: the samples are walked in result order first (the first page of a common match comes at once);
  // when that finds too few within a small work budget, the matches are looked up from the indexes instead
  // (a rare match has few samples to sort).
  QueryPage page(const std::string& text, std::size_t limit, const std::optional<QueryCursor>& after = {}) const;

private:
  Catalog& catalog_;
};

// Shortcut for QueryEngine(catalog).samples(text).
std::vector<SampleRef> run_query(Catalog& catalog, const std::string& text);

}  // namespace dc::core
