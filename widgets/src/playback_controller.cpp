#include "dc/widgets/playback_controller.h"

#include <algorithm>
#include <cmath>

namespace dc::widgets {

namespace {
// When the GUI falls further behind than this, playback re-anchors instead of racing to catch up.
constexpr double kMaxLagMs = 250.0;
// Used for a step between two samples with equal or decreasing timestamps.
constexpr double kFallbackPeriodMs = 100.0;
}  // namespace

PlaybackController::PlaybackController(QObject* parent) : QObject(parent) {
  timer_.setSingleShot(true);
  timer_.setTimerType(Qt::PreciseTimer);
  connect(&timer_, &QTimer::timeout, this, &PlaybackController::advance);
}

const std::vector<double>& PlaybackController::speeds() {
  static const std::vector<double> values{0.25, 0.5, 1.0, 2.0, 4.0};
  return values;
}

void PlaybackController::set_sample_times(std::vector<dc::core::TimestampNs> times) {
  pause();
  times_ = std::move(times);
  const int old = current_;
  current_ = times_.empty() ? -1 : 0;
  if (current_ != old || current_ >= 0) emit current_changed(current_);
}

int PlaybackController::step_interval_ms() const {
  if (current_ < 0 || current_ + 1 >= sample_count()) return -1;
  const auto dt = times_[static_cast<std::size_t>(current_ + 1)] - times_[static_cast<std::size_t>(current_)];
  const double ms = dt > 0 ? static_cast<double>(dt) * 1e-6 : kFallbackPeriodMs;
  return static_cast<int>(std::lround(ms / speed_));
}

void PlaybackController::set_current(int sample) {
  if (times_.empty()) return;
  sample = std::clamp(sample, 0, sample_count() - 1);
  if (sample == current_) return;
  current_ = sample;
  if (playing_) restart_clock();
  emit current_changed(current_);
}

void PlaybackController::play() {
  if (playing_ || times_.empty()) return;
  if (current_ + 1 >= sample_count()) {
    if (!loop_ && sample_count() < 2) return;
    set_current(0);  // play from the start when parked at the end
  }
  playing_ = true;
  restart_clock();
  emit playing_changed(true);
}

void PlaybackController::pause() {
  timer_.stop();
  if (!playing_) return;
  playing_ = false;
  emit playing_changed(false);
}

void PlaybackController::toggle_play() {
  playing_ ? pause() : play();
}

void PlaybackController::step(int delta) {
  pause();
  set_current(current_ + delta);
}

void PlaybackController::jump_start() {
  pause();
  set_current(0);
}

void PlaybackController::jump_end() {
  pause();
  set_current(sample_count() - 1);
}

void PlaybackController::set_speed(double speed) {
  if (!(speed > 0)) return;
  const auto& all = speeds();
  const double snapped = *std::min_element(all.begin(), all.end(), [speed](double a, double b) {
    return std::abs(std::log2(a / speed)) < std::abs(std::log2(b / speed));
  });
  if (snapped == speed_) return;
  speed_ = snapped;
  if (playing_) restart_clock();
  emit speed_changed(speed_);
}

void PlaybackController::faster() {
  const auto& all = speeds();
  auto it = std::upper_bound(all.begin(), all.end(), speed_);
  if (it != all.end()) set_speed(*it);
}

void PlaybackController::slower() {
  const auto& all = speeds();
  auto it = std::lower_bound(all.begin(), all.end(), speed_);
  if (it != all.begin()) set_speed(*std::prev(it));
}

void PlaybackController::restart_clock() {
  anchor_sample_ = current_;
  clock_.start();
  schedule_next();
}

void PlaybackController::schedule_next() {
  if (!playing_) return;
  if (current_ + 1 >= sample_count()) {
    if (!loop_) {
      pause();
      return;
    }
    timer_.start(static_cast<int>(std::lround(kFallbackPeriodMs / speed_)));
    return;
  }
  const auto media_ns =
      times_[static_cast<std::size_t>(current_ + 1)] - times_[static_cast<std::size_t>(anchor_sample_)];
  const double due_ms = static_cast<double>(std::max<dc::core::TimestampNs>(media_ns, 0)) * 1e-6 / speed_;
  const double wait_ms = due_ms - static_cast<double>(clock_.elapsed());
  if (wait_ms < -kMaxLagMs) {
    // Far behind (slow decoding, a busy GUI): restart the clock from here rather than rushing through frames.
    anchor_sample_ = current_;
    clock_.start();
    timer_.start(std::max(1, step_interval_ms()));
    return;
  }
  timer_.start(std::max(0, static_cast<int>(std::lround(wait_ms))));
}

void PlaybackController::advance() {
  if (!playing_) return;
  if (current_ + 1 >= sample_count()) {
    if (loop_ && sample_count() > 0) {
      current_ = 0;
      anchor_sample_ = 0;
      clock_.start();
      emit current_changed(current_);
      schedule_next();
    } else {
      pause();
    }
    return;
  }
  ++current_;
  emit current_changed(current_);
  schedule_next();
}

}  // namespace dc::widgets
