#pragma once

namespace dc::core::generator::road_layout {

// Cross-section of the street by lateral offset |d| from the centerline (metres), right-hand traffic:
// two driving lanes, a parking strip each side, curb, sidewalk, then front gardens and buildings.
inline constexpr double kLaneWidth = 3.5;      // each driving lane; the ego lane is d in [-3.5, 0]
inline constexpr double kEdgeLine = 3.4;       // solid line between lane and parking strip
inline constexpr double kCurb = 6.0;           // parking strip ends, curb begins
inline constexpr double kSidewalk = 6.25;      // sidewalk begins
inline constexpr double kSidewalkEnd = 11.3;   // then grass
inline constexpr double kBuildingLine = 12.0;  // nearest building face
inline constexpr double kParkedCar = 4.75;     // parked cars' center line
inline constexpr double kCyclist = 3.1;        // cyclists ride at the lane's edge
inline constexpr double kPole = 6.45;          // street lights and signs
inline constexpr double kWalkNear = 7.3;       // pedestrians walking with the traffic of that side
inline constexpr double kWalkFar = 8.6;        // pedestrians walking against it
inline constexpr double kTree = 9.7;
inline constexpr double kStanding = 10.8;  // people standing near the houses

}  // namespace dc::core::generator::road_layout
