#pragma once
#include <Eigen/Core>

namespace dc::core::generator {

// What a surface looks like to both sensors.
struct Surface {
  Eigen::Vector3f color;  // RGB 0..255
  float reflectance;      // lidar, 0..1
};

// Saturated class colours that nothing else in the scene uses, so a pixel tells which class it shows.
namespace palette {
inline const Eigen::Vector3f kCar{200, 30, 35};
inline const Eigen::Vector3f kPedestrian{185, 40, 200};
inline const Eigen::Vector3f kCyclist{235, 195, 20};

inline const Surface kAsphalt{{92, 92, 96}, 0.16f};
inline const Surface kParkingStrip{{84, 84, 88}, 0.14f};
inline const Surface kMarking{{232, 232, 226}, 0.65f};
inline const Surface kCurb{{175, 172, 165}, 0.32f};
inline const Surface kSidewalk{{150, 146, 140}, 0.28f};
inline const Surface kGrass{{78, 112, 52}, 0.42f};

inline const Surface kPole{{110, 110, 118}, 0.5f};
inline const Surface kTrunk{{92, 70, 50}, 0.3f};
inline const Surface kCrown{{58, 104, 44}, 0.35f};
inline const Surface kWall{{160, 160, 154}, 0.3f};
inline const Surface kBuildings[] = {
    {{205, 190, 165}, 0.35f}, {{180, 176, 170}, 0.3f},  {{160, 140, 122}, 0.28f},
    {{222, 216, 202}, 0.42f}, {{140, 146, 156}, 0.25f}, {{190, 162, 132}, 0.33f},
};

inline const Eigen::Vector3f kSkyHorizon{205, 220, 238};
inline const Eigen::Vector3f kSkyZenith{95, 145, 215};
}  // namespace palette

}  // namespace dc::core::generator
