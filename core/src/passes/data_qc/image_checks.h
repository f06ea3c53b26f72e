#pragma once
#include "passes/data_qc/finding_writer.h"
#include "passes/data_qc/frame_record.h"
#include "passes/data_qc/qc_settings.h"

namespace dc::core::data_qc {

// Per-frame camera health: image-black, image-overexposed, image-blurred (against the camera's median sharpness),
// image-frozen (same picture as the frame before).
void check_images(const std::string& sensor, const std::vector<FrameRecord>& records, const QcSettings& settings,
                  FindingWriter& out);

}  // namespace dc::core::data_qc
