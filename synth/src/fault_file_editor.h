#pragma once
#include "fault_plan.h"
#include "kitti_raw_writer.h"

namespace dc::core::generator {

// The faults done on the written files, in this order: frozen frames (copies of the previous frame's PNG), truncated
// payloads, then drops (files deleted, later files renumbered down so file k pairs with timestamps line k).
// Runs once every frame is written and before the timestamps are; frames are the generated drive's numbers.
class FaultFileEditor {
 public:
  FaultFileEditor(const KittiRawWriter& writer, FaultPlan& plan, int frames)
      : writer_(writer), plan_(plan), frames_(frames) {}

  void apply() const;

 private:
  void freeze() const;
  void truncate() const;
  void drop() const;

  const KittiRawWriter& writer_;
  FaultPlan& plan_;
  int frames_;
};

}  // namespace dc::core::generator
