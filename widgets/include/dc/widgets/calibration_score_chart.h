#pragma once
#include "dc/core/passes/pass_result.h"

#include <QChartView>
#include <QList>
#include <QPointF>
#include <QStringList>
#include <vector>

class QLineSeries;
class QValueAxis;

namespace dc::core {
class DriveSession;
}

namespace dc::widgets {

// The calib-check edge-alignment score over the open drive, one line per camera (x: sample position, y: score),
// with a marker at the current sample. A drop shows where a camera's extrinsic stopped matching the images; a click
// on a line asks for that sample.
class CalibrationScoreChart : public QChartView {
  Q_OBJECT
public:
  explicit CalibrationScoreChart(QWidget* parent = nullptr);

  // The newest calib-score metrics of the session's drive (RunResultRepository::metrics); none: an empty chart
  // that says how to get scores.
  void set_scores(const std::vector<dc::core::SampleMetric>& metrics, const dc::core::DriveSession& session);
  void clear_scores();

  QStringList cameras() const;                       // lines, in the timeline's order
  QList<QPointF> points(const QString& camera) const;  // (sample position, score); empty for an unknown camera
  int current_sample() const { return current_; }

public slots:
  void set_current_sample(int sample);

signals:
  void sample_requested(int sample);

private:
  void update_marker();

  std::vector<QLineSeries*> lines_;
  QLineSeries* marker_ = nullptr;
  QValueAxis* x_axis_ = nullptr;
  QValueAxis* y_axis_ = nullptr;
  int sample_count_ = 0;
  int current_ = -1;
};

}  // namespace dc::widgets
