#pragma once
#include "dc/widgets/timeline_lane.h"

#include <QWidget>
#include <optional>
#include <utility>
#include <vector>

class QPainter;

namespace dc::core {
class DriveSession;
}

namespace dc::widgets {

// A time axis with one row (lane) per stream: ticks per sensor frame with gaps highlighted, per-sample bars (label
// counts), spans (findings, tags). Clicking or dragging asks for the sample nearest the pointer; the wheel zooms
// around the pointer (Shift+wheel or a middle/right drag pans); double-click resets the zoom. Shift+drag selects a
// time range (shown shaded; a plain click clears it), for actions on several samples at once such as tagging.
class TimelineWidget : public QWidget {
  Q_OBJECT
public:
  static constexpr int kGutterWidth = 120;  // lane names
  static constexpr int kAxisHeight = 22;    // time labels

  explicit TimelineWidget(QWidget* parent = nullptr);

  // One tick lane per sensor with frames (named after the sensor) and a "labels" bar lane with the box count
  // per sample; the session's sample times become the click targets. Extra lanes are dropped.
  void set_session(const dc::core::DriveSession& session);
  // The samples clicks snap to and the playhead moves along.
  void set_sample_times(std::vector<dc::core::TimestampNs> times);
  const std::vector<dc::core::TimestampNs>& sample_times() const { return sample_times_; }

  // Appends a lane and returns its index; a lane with the same name is replaced in place instead.
  int add_lane(TimelineLane lane);
  bool remove_lane(const QString& name);
  void clear_lanes();
  int lane_count() const { return static_cast<int>(lanes_.size()); }
  const TimelineLane& lane(int index) const { return lanes_.at(static_cast<std::size_t>(index)).lane; }
  int lane_index(const QString& name) const;  // -1 when absent
  const std::vector<TimeSpan>& lane_gaps(int index) const { return lanes_.at(static_cast<std::size_t>(index)).gaps; }
  void set_gap_factor(double factor);  // gaps are periods longer than factor x the lane's median (default 1.5)
  double gap_factor() const { return gap_factor_; }

  int current_sample() const { return current_; }

  // The range selected with Shift+drag, as the first and last sample positions inside it; empty when nothing is
  // selected or no sample lies inside.
  std::optional<std::pair<int, int>> selected_samples() const;
  bool has_selection() const { return selecting_ || selection_end_ != selection_start_; }
  void clear_selection();

  // Visible time range; zooming keeps it inside the data range.
  dc::core::TimestampNs data_start_ns() const { return data_start_; }
  dc::core::TimestampNs data_end_ns() const { return data_end_; }
  dc::core::TimestampNs view_start_ns() const { return view_start_; }
  dc::core::TimestampNs view_end_ns() const { return view_end_; }
  void set_view(dc::core::TimestampNs start_ns, dc::core::TimestampNs end_ns);
  void reset_view();
  void zoom(double factor, dc::core::TimestampNs anchor_ns);  // factor < 1 zooms in

  // Geometry, in widget coordinates.
  double x_for_time(dc::core::TimestampNs t) const;
  // For a drive without timestamps the axis is the frame order; these are the axis positions of its samples.
  bool timestamped() const { return timestamped_; }
  // Where a time of the session's drive lies on the axis: itself, or its step in the frame order without
  // timestamps. Lanes added later (findings, metrics) place their items with it.
  dc::core::TimestampNs axis_time(dc::core::TimestampNs t) const;
  dc::core::TimestampNs time_for_x(double x) const;
  int sample_at_x(double x) const;  // nearest sample, -1 when there are none
  QRect lane_rect(int index) const;
  int lane_at(int y) const;  // -1 outside the lanes

  QSize sizeHint() const override;
  QSize minimumSizeHint() const override;

public slots:
  void set_current_sample(int sample);  // moves the playhead (and the view, when zoomed, to keep it visible)

signals:
  void sample_requested(int sample);
  void item_clicked(int lane, int item);  // a click that hit an item of a spans lane (findings, tags)
  void selection_changed();               // a Shift+drag ended, or the selection was cleared

protected:
  void paintEvent(QPaintEvent* event) override;
  void mousePressEvent(QMouseEvent* event) override;
  void mouseMoveEvent(QMouseEvent* event) override;
  void mouseReleaseEvent(QMouseEvent* event) override;
  void mouseDoubleClickEvent(QMouseEvent* event) override;
  void wheelEvent(QWheelEvent* event) override;
  bool event(QEvent* event) override;

private:
  struct LaneState {
    TimelineLane lane;
    std::vector<TimeSpan> gaps;
    double max_value = 0.0;
    double median_period_ns = 0.0;
  };

  LaneState prepare(TimelineLane lane) const;
  void update_data_range();
  int lane_height(const TimelineLane& lane) const;
  double plot_width() const;
  int item_at(int lane, double x) const;  // nearest item within a few pixels, -1 otherwise
  QString tooltip_at(const QPoint& pos) const;
  void request_at(double x);
  void pan_pixels(double dx);
  void paint_axis(QPainter& p) const;
  void paint_lane(QPainter& p, int index) const;

  std::vector<LaneState> lanes_;
  std::vector<dc::core::TimestampNs> sample_times_;
  // False for a drive without timestamps (KITTI object split): the axis is the frames' order, one step per
  // distinct time, with no gaps and no dates.
  bool timestamped_ = true;
  std::vector<dc::core::TimestampNs> frame_order_;  // distinct frame times, without timestamps only
  dc::core::TimestampNs data_start_ = 0, data_end_ = 0;
  dc::core::TimestampNs view_start_ = 0, view_end_ = 0;
  double gap_factor_ = 1.5;
  int current_ = -1;
  int last_requested_ = -1;
  bool scrubbing_ = false;
  bool panning_ = false;
  double pan_last_x_ = 0.0;
  // Shift+drag selection, in axis time; start == end means none.
  bool selecting_ = false;
  dc::core::TimestampNs selection_start_ = 0, selection_end_ = 0;
};

}  // namespace dc::widgets
