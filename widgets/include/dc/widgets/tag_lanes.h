#pragma once
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

// Prefix of the timeline's tag lanes ("tag night"): one lane per tag the open drive carries.
inline const QString kTagLanePrefix = QStringLiteral("tag ");

// A tag and the sample positions (in the session) that carry it.
struct TaggedSamples {
  std::string tag;
  std::vector<int> positions;
};

// One spans lane per tag, in the given order: each run of consecutive samples carrying the tag is one span from
// the first sample's time to the last one's (item id = first position, value = number of samples). Positions
// outside the session are left out; a tag without samples gets no lane.
std::vector<TimelineLane> tag_lanes(const std::vector<TaggedSamples>& tags, const dc::core::DriveSession& session,
                                    const TimelineWidget& timeline);

// A stable color per tag name, so a tag keeps its color across drives and sessions.
QColor tag_color(const std::string& tag);

}  // namespace dc::widgets
