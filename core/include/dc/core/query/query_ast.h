#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace dc::core {

// One `field OP value` term, its value already checked (numbers parsed, names validated).
struct QueryTerm {
  enum class Field { Class, LabelSource, Count, Finding, Severity, Tag, Drive, Review, Sample, Time };
  enum class Op { Eq, Contains, Lt, Le, Gt, Ge };
  Field field = Field::Class;
  Op op = Op::Eq;
  std::string text;          // class, label source, finding, tag, drive, review, severity name
  std::int64_t number = 0;   // count, sample key, time (ns), severity rank (info 0, warning 1, error 2)
  std::size_t offset = 0;    // where the term starts in the query (for errors found later)
};

// The parsed query: And / Or with two or more children, Not with one, Term as a leaf. A chain of terms joined by
// `and` or juxtaposition is one And node; parentheses make a node of their own (a parenthesized single term is an
// And of one child, so it keeps its own scope).
struct QueryNode {
  enum class Kind { And, Or, Not, Term };
  Kind kind = Kind::Term;
  std::vector<QueryNode> children;
  QueryTerm term;
};

}  // namespace dc::core
