#include "dc/widgets/label_editor.h"

#include "dc/core/catalog/catalog.h"
#include "dc/core/catalog/catalog_error.h"
#include "dc/widgets/label_edit_command.h"
#include "dc/core/edit/label_propagation.h"

#include <QStringList>
#include <QUndoStack>

#include <algorithm>

namespace dc::widgets {

using dc::core::BoxLabel;
using dc::core::LabelSource;

namespace {
QString keys_text(const std::vector<std::int64_t>& keys) {
  QStringList parts;
  for (auto k : keys) parts << QString::number(k);
  return parts.join(", ");
}
}  // namespace

LabelEditor::LabelEditor(QObject* parent) : QObject(parent), stack_(new QUndoStack(this)) {
  stack_->setObjectName("labelUndoStack");
}

LabelEditor::~LabelEditor() {
  stack_->clear();  // before the catalog the commands refer to can go
}

void LabelEditor::set_target(dc::core::Catalog* catalog, std::shared_ptr<const dc::core::DriveSession> session,
                             std::optional<std::int64_t> drive_id) {
  stack_->clear();
  catalog_ = catalog;
  session_ = std::move(session);
  drive_id_ = drive_id;
}

bool LabelEditor::push(const QString& text, std::vector<std::int64_t> existing_ids,
                       std::function<std::vector<std::int64_t>(dc::core::LabelRepository&)> apply) {
  last_error_.clear();
  if (!can_edit()) {
    last_error_ = tr("no drive open: nothing to edit");
    emit edit_failed(last_error_);
    return false;
  }
  auto changed = [this](const std::set<std::int64_t>& keys, const LabelEditCommand& command) {
    std::int64_t focus = 0;
    if (!command.label_ids().empty()) {
      const auto id = command.label_ids().front();
      if (auto l = catalog_->label_repository().find(id); l && !l->deleted) focus = id;
    }
    emit labels_changed(keys, focus);
  };
  auto failed = [this](const QString& message) {
    last_error_ = message;
    emit edit_failed(message);
  };
  auto* command = new LabelEditCommand(*catalog_, text, std::move(existing_ids), std::move(apply), changed, failed);
  // The stack runs redo() on push; a failed first redo reports through `failed` and leaves the command obsolete,
  // so the stack drops it.
  stack_->push(command);
  return last_error_.isEmpty();
}

bool LabelEditor::edit_box(const BoxLabel& edited, const QString& what) {
  return push(what, {edited.id}, [edited](dc::core::LabelRepository& labels) {
    // Only what the editor changes is taken from `edited`; the rest (review state and what else was recorded in
    // place since the box was shown) stays as stored. update() refuses an edit based on an older revision.
    const auto stored = labels.find(edited.id);
    if (!stored) throw dc::core::CatalogError("label " + std::to_string(edited.id) + " does not exist");
    BoxLabel next = *stored;
    next.revision = edited.revision;
    next.center = edited.center;
    next.length = edited.length, next.width = edited.width, next.height = edited.height;
    next.yaw = edited.yaw;
    next.category = edited.category;
    next.track_id = edited.track_id;
    next.source = LabelSource::Manual;
    next.source_name.clear();  // a model run's name belongs to its predictions, not to a reviewer's fix
    labels.update(next);
    return std::vector<std::int64_t>{next.id};
  });
}

std::optional<std::int64_t> LabelEditor::create_box(const BoxLabel& box) {
  BoxLabel fresh = box;
  fresh.id = 0;
  fresh.source = LabelSource::Manual;
  fresh.source_name.clear();
  fresh.run_id.reset();
  fresh.deleted = false;
  fresh.revision = 1;
  std::int64_t created = 0;
  const auto drive = drive_id_.value_or(0);
  const bool ok = push(tr("Create %1").arg(QString::fromStdString(box.category)), {},
                       [fresh, drive, &created](dc::core::LabelRepository& labels) {
                         created = labels.insert(drive, fresh);
                         return std::vector<std::int64_t>{created};
                       });
  if (!ok || created == 0) return std::nullopt;
  return created;
}

std::string LabelEditor::unused_track_id() const {
  if (!can_edit()) return {};
  dc::core::LabelQuery all;
  all.include_deleted = true;
  long long largest = -1;
  for (const BoxLabel& l : catalog_->label_repository().list(*drive_id_, all)) {
    const std::string& t = l.track_id;
    if (!t.empty() && t.size() < 18 && t.find_first_not_of("0123456789") == std::string::npos)
      largest = std::max(largest, std::stoll(t));
  }
  return std::to_string(largest + 1);
}

bool LabelEditor::delete_box(std::int64_t label_id) {
  return push(tr("Delete box"), {label_id}, [label_id](dc::core::LabelRepository& labels) {
    labels.remove(label_id);
    return std::vector<std::int64_t>{label_id};
  });
}

PropagationReport LabelEditor::propagate(const BoxLabel& box, int sample, int count) {
  PropagationReport report;
  if (!can_edit() || sample < 0 || sample >= session_->sample_count()) {
    report.message = tr("no sample to propagate from");
    return report;
  }
  if (box.track_id.empty()) {
    report.message = tr("the box has no track id: set one to propagate it along its track");
    return report;
  }
  const auto T_world_from_lidar_k = dc::core::T_world_from_lidar(*session_, sample);
  if (!T_world_from_lidar_k) {
    report.message = tr("the drive has no ego poses: the box cannot be carried to other samples");
    return report;
  }
  std::vector<BoxLabel> boxes;
  for (int j = sample + 1; j <= sample + count && j < session_->sample_count(); ++j) {
    const auto key = session_->sample(j).key();
    bool taken = false;
    for (const auto& other : catalog_->labels(*drive_id_, key))
      taken = taken ||
              (other.track_id == box.track_id && (other.source == box.source || other.source == LabelSource::Manual));
    if (taken) {
      report.skipped_keys.push_back(key);
      continue;
    }
    const auto T_world_from_lidar_j = dc::core::T_world_from_lidar(*session_, j);
    if (!T_world_from_lidar_j) {
      report.no_pose_keys.push_back(key);
      continue;
    }
    BoxLabel moved = dc::core::transform_box(box, T_world_from_lidar_j->inverse() * *T_world_from_lidar_k);
    moved.id = 0;
    moved.frame_index = key;
    moved.timestamp_ns = session_->sample(j).timestamp_ns;
    moved.source = LabelSource::Manual;
    moved.source_name.clear();
    moved.run_id.reset();
    moved.review = dc::core::ReviewState::Unreviewed;
    moved.revision = 1;
    moved.deleted = false;
    // The KITTI extras describe the image of the original frame, not of this one.
    moved.truncated = -1, moved.truncation_state = -1, moved.occlusion = -1, moved.alpha = -10;
    for (double& v : moved.bbox2d) v = -1;
    boxes.push_back(moved);
    report.created_keys.push_back(key);
  }
  if (!boxes.empty()) {
    const auto drive = *drive_id_;
    const bool ok = push(tr("Propagate track %1 to %n sample(s)", "", static_cast<int>(boxes.size()))
                             .arg(QString::fromStdString(box.track_id)),
                         {}, [boxes, drive](dc::core::LabelRepository& labels) {
                           std::vector<std::int64_t> ids;
                           for (const auto& b : boxes) ids.push_back(labels.insert(drive, b));
                           return ids;
                         });
    if (!ok) {
      report.created_keys.clear();
      report.message = last_error_;
      return report;
    }
  }
  report.message = tr("track %1: propagated to %n sample(s)", "", static_cast<int>(report.created_keys.size()))
                       .arg(QString::fromStdString(box.track_id));
  if (!report.skipped_keys.empty())
    report.message +=
        tr("; skipped sample key(s) %1 (the track already has a box there)").arg(keys_text(report.skipped_keys));
  if (!report.no_pose_keys.empty())
    report.message += tr("; no ego pose at sample key(s) %1").arg(keys_text(report.no_pose_keys));
  return report;
}

}  // namespace dc::widgets
