#include "dc/widgets/label_edit_command.h"

#include "dc/core/catalog/catalog.h"

#include <algorithm>
#include <exception>

namespace dc::widgets {

LabelEditCommand::LabelEditCommand(dc::core::Catalog& catalog, const QString& text,
                                   std::vector<std::int64_t> existing_ids, Apply apply, Changed changed, Failed failed)
    : QUndoCommand(text),
      catalog_(catalog),
      ids_(std::move(existing_ids)),
      apply_(std::move(apply)),
      changed_(std::move(changed)),
      failed_(std::move(failed)) {}

void LabelEditCommand::redo() {
  auto& labels = catalog_.label_repository();
  if (applied_) {
    restore(after_, before_);
    return;
  }
  try {
    for (auto id : ids_) before_.push_back(labels.stored_rows(id));
    for (auto id : apply_(labels)) {
      if (std::find(ids_.begin(), ids_.end(), id) != ids_.end()) continue;
      ids_.push_back(id);
      dc::core::StoredLabelRows none;  // a created label: before the edit it had no rows at all
      none.label_id = id;
      before_.push_back(none);
    }
    for (auto id : ids_) {
      after_.push_back(labels.stored_rows(id));
      if (auto l = labels.find(id)) sample_keys_.insert(l->frame_index);
    }
    applied_ = true;
  } catch (const std::exception& e) {
    setObsolete(true);  // QUndoStack drops it: nothing to undo
    if (failed_) failed_(text() + ": " + QString::fromStdString(e.what()));
    return;
  }
  if (changed_) changed_(sample_keys_, *this);
}

void LabelEditCommand::undo() {
  restore(before_, after_);
}

void LabelEditCommand::restore(const std::vector<dc::core::StoredLabelRows>& target,
                               const std::vector<dc::core::StoredLabelRows>& expected) {
  try {
    catalog_.label_repository().put_back(target, expected);
  } catch (const std::exception& e) {
    // Someone else changed these labels: the stack cannot step over this command any more.
    setObsolete(true);
    if (failed_) failed_(text() + ": " + QString::fromStdString(e.what()));
    return;
  }
  if (changed_) changed_(sample_keys_, *this);
}

}  // namespace dc::widgets
