#pragma once
#include "dc/core/model/time_stamp.h"

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>
#include <vector>

namespace dc::widgets {

// The playhead: current sample, play/pause, stepping and speed. While playing, each step waits the recorded time
// between the two samples divided by the speed, measured from when playback (re)started so that timer jitter does
// not accumulate.
class PlaybackController : public QObject {
  Q_OBJECT
public:
  explicit PlaybackController(QObject* parent = nullptr);

  // Sample timestamps in playback order. Stops playback; the current sample becomes 0 (-1 when empty).
  void set_sample_times(std::vector<dc::core::TimestampNs> times);
  const std::vector<dc::core::TimestampNs>& sample_times() const { return times_; }
  int sample_count() const { return static_cast<int>(times_.size()); }

  int current() const { return current_; }
  bool is_playing() const { return playing_; }
  double speed() const { return speed_; }
  static const std::vector<double>& speeds();  // 0.25, 0.5, 1, 2, 4
  bool loops() const { return loop_; }
  void set_loop(bool loop) { loop_ = loop; }
  // Time until the next step at the current speed, from the recorded timestamps (ms; -1 at the end).
  int step_interval_ms() const;

public slots:
  void set_current(int sample);  // clamped; emits current_changed when it changes
  void play();
  void pause();
  void toggle_play();
  void step(int delta);
  void step_forward() { step(+1); }
  void step_backward() { step(-1); }
  void jump_start();
  void jump_end();
  void set_speed(double speed);  // snapped to the nearest of speeds()
  void faster();
  void slower();

signals:
  void current_changed(int sample);
  void playing_changed(bool playing);
  void speed_changed(double speed);

private:
  void restart_clock();
  void schedule_next();
  void advance();

  std::vector<dc::core::TimestampNs> times_;
  int current_ = -1;
  bool playing_ = false;
  bool loop_ = false;
  double speed_ = 1.0;
  QTimer timer_;
  QElapsedTimer clock_;  // wall time since anchor_sample_ was shown
  int anchor_sample_ = 0;
};

}  // namespace dc::widgets
