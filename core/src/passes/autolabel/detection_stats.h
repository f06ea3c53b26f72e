#pragma once

namespace dc::core::autolabel {

// Where one sweep's detection spent its time (seconds) and what it found; filled only when a caller asks for it
// (benchmarks), so the pass itself pays nothing for it.
struct DetectionStats {
  double ground_s = 0;      // regional ground planes and the obstacle points above them
  double clustering_s = 0;  // Euclidean clusters
  double boxes_s = 0;       // footprint fit, shape features, class and rejection of structures
  int points = 0;
  int obstacle_points = 0;
  int clusters = 0;
  int detections = 0;

  DetectionStats& operator+=(const DetectionStats& o) {
    ground_s += o.ground_s, clustering_s += o.clustering_s, boxes_s += o.boxes_s;
    points += o.points, obstacle_points += o.obstacle_points, clusters += o.clusters, detections += o.detections;
    return *this;
  }
};

}  // namespace dc::core::autolabel
