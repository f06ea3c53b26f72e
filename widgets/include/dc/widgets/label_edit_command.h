#pragma once
#include "dc/core/catalog/label_repository.h"

#include <QString>
#include <QUndoCommand>
#include <cstdint>
#include <functional>
#include <set>
#include <vector>

namespace dc::core {
class Catalog;
}

namespace dc::widgets {

// One stored label edit on the undo stack. The first redo() performs the edit through `apply` (which returns the
// ids of every label it stored, existing or new) and reads those labels' rows before and after it; undo() and
// every later redo() put those rows back exactly (LabelRepository::put_back), so the catalog's `labels` and
// `label_revisions` rows are what they were before (or after) the edit, column for column.
class LabelEditCommand : public QUndoCommand {
 public:
  using Apply = std::function<std::vector<std::int64_t>(dc::core::LabelRepository&)>;
  // Called after every redo and undo that changed the catalog: the sample keys whose labels changed.
  using Changed = std::function<void(const std::set<std::int64_t>& sample_keys, const LabelEditCommand& command)>;
  using Failed = std::function<void(const QString& message)>;

  LabelEditCommand(dc::core::Catalog& catalog, const QString& text, std::vector<std::int64_t> existing_ids, Apply apply,
                   Changed changed, Failed failed);

  void redo() override;
  void undo() override;

  // Labels the edit stored (existing ones first, then those it created).
  const std::vector<std::int64_t>& label_ids() const { return ids_; }
  bool applied() const { return applied_; }  // false when the first redo failed (the command is then obsolete)

 private:
  void restore(const std::vector<dc::core::StoredLabelRows>& target,
               const std::vector<dc::core::StoredLabelRows>& expected);

  dc::core::Catalog& catalog_;
  std::vector<std::int64_t> ids_;
  Apply apply_;
  Changed changed_;
  Failed failed_;
  std::vector<dc::core::StoredLabelRows> before_, after_;
  std::set<std::int64_t> sample_keys_;
  bool applied_ = false;
};

}  // namespace dc::widgets
