#pragma once
#include "dc/core/model/finding.h"
#include "dc/core/passes/pass_result.h"
#include "dc/widgets/timeline_lane.h"

#include <QColor>
#include <QString>
#include <string>
#include <vector>

namespace dc::core {
class DriveSession;
}

namespace dc::widgets {

class TimelineWidget;

// Name of the findings lane and prefix of the per-camera score lanes ("calib image_02").
inline const QString kFindingsLaneName = QStringLiteral("findings");
inline const QString kCalibScoreLanePrefix = QStringLiteral("calib ");

// The open drive's findings as one spans lane, colored by severity (item value = severity, so errors are drawn
// over warnings over info; item id = finding id). A finding of one sample without a time span sits at that sample.
TimelineLane findings_lane(const std::vector<dc::core::Finding>& findings, const dc::core::DriveSession& session,
                           const TimelineWidget& timeline);

// One bars lane per camera from the calib-check "calib-score" metric (item value = score, id = sample position),
// cameras in the session's order. Metrics of samples the session does not have are left out.
std::vector<TimelineLane> calibration_score_lanes(const std::vector<dc::core::SampleMetric>& metrics,
                                                  const dc::core::DriveSession& session,
                                                  const TimelineWidget& timeline);

// Cameras with calib-score metrics, in the session's camera order (others after them, by name), and the color
// each one's lane and chart line share.
std::vector<std::string> scored_cameras(const std::vector<dc::core::SampleMetric>& metrics,
                                        const dc::core::DriveSession& session);
QColor score_color(std::size_t camera_index);

// The session's sample position of a sample key (lidar frame index); -1 when the drive has no such sample.
int sample_position(const dc::core::DriveSession& session, std::int64_t sample_key);

}  // namespace dc::widgets
