#pragma once
#include "dc/core/data/drive_session.h"
#include "dc/core/model/box_label.h"

#include <QObject>
#include <QString>
#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <vector>

class QUndoStack;

namespace dc::core {
class Catalog;
}

namespace dc::widgets {

// What propagating a box along its track did.
struct PropagationReport {
  std::vector<std::int64_t> created_keys;  // samples that got the box
  std::vector<std::int64_t> skipped_keys;  // the track already has a box of that source there
  std::vector<std::int64_t> no_pose_keys;  // no ego pose to carry the box there
  QString message;                         // for the status bar
};

// Stores label edits of the open drive in the catalog, each as one LabelEditCommand on one QUndoStack. Every
// stored edit is a new revision of source `manual` (LabelRepository::update keeps the previous one); deletion is
// a revision too; undo and redo put the exact rows back.
class LabelEditor : public QObject {
  Q_OBJECT
 public:
  explicit LabelEditor(QObject* parent = nullptr);
  ~LabelEditor() override;

  QUndoStack* undo_stack() const { return stack_; }
  // The catalog and drive edits go to; the history is cleared (its commands refer to the old catalog). Null
  // catalog or session: nothing can be edited.
  void set_target(dc::core::Catalog* catalog, std::shared_ptr<const dc::core::DriveSession> session,
                  std::optional<std::int64_t> drive_id);
  bool can_edit() const { return catalog_ && session_ && drive_id_; }
  // A track id no label of the drive uses (any source, deleted ones too): one more than the largest numeric one,
  // so a drawn box can be propagated along a track of its own. Empty when nothing can be edited.
  std::string unused_track_id() const;

  // Stores the geometry, class and track id of `edited` (matched by id, based on its revision) as a manual revision;
  // the other fields keep their stored values. `what` names it in the history.
  bool edit_box(const dc::core::BoxLabel& edited, const QString& what);
  // Stores a new manual box (frame_index and timestamp_ns must name its sample); returns its id.
  std::optional<std::int64_t> create_box(const dc::core::BoxLabel& box);
  bool delete_box(std::int64_t label_id);
  // Copies `box` (of sample `sample`) to the next `count` samples, standing still in the world: its pose in the
  // world at `sample` is expressed in the lidar frame of each following sample (label_propagation.h). Samples
  // where the track already has a box of the box's source or a manual one are skipped. One undoable edit.
  PropagationReport propagate(const dc::core::BoxLabel& box, int sample, int count);

  QString last_error() const { return last_error_; }

 signals:
  // After an edit, its undo or its redo: the sample keys whose labels changed, and the label the edit was about
  // (to keep selected; 0 when it no longer exists).
  void labels_changed(const std::set<std::int64_t>& sample_keys, std::int64_t label_id);
  void edit_failed(const QString& message);

 private:
  bool push(const QString& text, std::vector<std::int64_t> existing_ids,
            std::function<std::vector<std::int64_t>(dc::core::LabelRepository&)> apply);

  QUndoStack* stack_ = nullptr;
  dc::core::Catalog* catalog_ = nullptr;
  std::shared_ptr<const dc::core::DriveSession> session_;
  std::optional<std::int64_t> drive_id_;
  QString last_error_;
  std::vector<std::int64_t> last_ids_;
};

}  // namespace dc::widgets
