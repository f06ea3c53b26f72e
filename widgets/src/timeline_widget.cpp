#include "dc/widgets/timeline_widget.h"

#include "dc/core/data/drive_session.h"

#include <QHelpEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QPainterPath>
#include <QToolTip>
#include <QWheelEvent>
#include <algorithm>
#include <cmath>

namespace dc::widgets {

using dc::core::TimestampNs;

namespace {
constexpr int kRightMargin = 10;
constexpr int kHitPixels = 4;
constexpr TimestampNs kMinViewSpanNs = 1'000'000;  // 1 ms

// Dark theme: quiet backgrounds, saturated marks.
const QColor kBackground(0x1b, 0x1d, 0x21);
const QColor kLaneEven(0x23, 0x26, 0x2b);
const QColor kLaneOdd(0x28, 0x2b, 0x31);
const QColor kGutter(0x1f, 0x21, 0x25);
const QColor kGrid(0x3a, 0x3e, 0x45);
const QColor kText(0xc8, 0xcc, 0xd2);
const QColor kGap(0xe5, 0x39, 0x35, 110);
const QColor kGapEdge(0xef, 0x53, 0x50);
const QColor kPlayhead(0xff, 0xd5, 0x4f);
const QColor kTicks(0x90, 0xa4, 0xae);
const QColor kBars(0xba, 0x68, 0xc8);
const QColor kSpans(0x4d, 0xb6, 0xac);
const QColor kSelection(0x64, 0xb5, 0xf6, 60);
const QColor kSelectionEdge(0x64, 0xb5, 0xf6);

QColor default_color(TimelineLane::Kind kind) {
  switch (kind) {
    case TimelineLane::Kind::Ticks:
      return kTicks;
    case TimelineLane::Kind::Bars:
      return kBars;
    case TimelineLane::Kind::Spans:
      return kSpans;
  }
  return kTicks;
}

QColor sensor_color(const dc::core::Sensor* sensor) {
  if (!sensor) return kTicks;
  switch (sensor->kind) {
    case dc::core::SensorKind::Lidar:
      return QColor(0x4f, 0xc3, 0xf7);
    case dc::core::SensorKind::Camera:
      return QColor(0x81, 0xc7, 0x84);
    case dc::core::SensorKind::GnssImu:
      return QColor(0xff, 0xb7, 0x4d);
  }
  return kTicks;
}

// First item whose start is >= t (items sorted by start_ns).
std::size_t lower_item(const std::vector<TimelineItem>& items, TimestampNs t) {
  return static_cast<std::size_t>(
      std::lower_bound(items.begin(), items.end(), t,
                       [](const TimelineItem& item, TimestampNs v) { return item.start_ns < v; }) -
      items.begin());
}

// Axis spacing of consecutive frames of a drive without timestamps.
constexpr TimestampNs kOrderStepNs = 100'000'000;

QString format_offset(double seconds, int decimals) {
  const bool negative = seconds < 0;
  seconds = std::abs(seconds);
  QString text;
  if (seconds >= 60.0) {
    const int minutes = static_cast<int>(seconds / 60.0);
    const double rest = seconds - minutes * 60.0;
    text = QString("%1:%2").arg(minutes).arg(rest, decimals > 0 ? 3 + decimals : 2, 'f', decimals, QChar('0'));
  } else {
    text = QString::number(seconds, 'f', decimals) + " s";
  }
  return negative ? "-" + text : text;
}
}  // namespace

TimelineWidget::TimelineWidget(QWidget* parent) : QWidget(parent) {
  setMouseTracking(true);
  setFocusPolicy(Qt::ClickFocus);
  setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
  setAttribute(Qt::WA_OpaquePaintEvent);
}

void TimelineWidget::set_session(const dc::core::DriveSession& session) {
  lanes_.clear();
  timestamped_ = session.timestamped();
  // Without timestamps (frames 000005 and 000114 of an object split are unrelated, not 10.9 s apart) every
  // distinct time becomes one evenly spaced step of the frame order.
  auto& order = frame_order_;
  order.clear();
  if (!timestamped_) {
    for (const auto& name : session.sensor_names())
      for (const auto& f : session.frames(name)) order.push_back(f.timestamp_ns);
    order.insert(order.end(), session.sample_times().begin(), session.sample_times().end());
    std::sort(order.begin(), order.end());
    order.erase(std::unique(order.begin(), order.end()), order.end());
  }
  for (const auto& name : session.sensor_names()) {
    TimelineLane lane;
    lane.name = QString::fromStdString(name);
    lane.kind = TimelineLane::Kind::Ticks;
    lane.color = sensor_color(session.sensor(name));
    lane.highlight_gaps = timestamped_;
    const auto& frames = session.frames(name);
    lane.items.reserve(frames.size());
    for (const auto& f : frames) {
      const TimestampNs t = axis_time(f.timestamp_ns);
      lane.items.push_back({t, t, 1.0, f.index, {}, {}});
    }
    lanes_.push_back(prepare(std::move(lane)));
  }
  TimelineLane labels;
  labels.name = tr("labels");
  labels.kind = TimelineLane::Kind::Bars;
  labels.items.reserve(static_cast<std::size_t>(session.sample_count()));
  for (int i = 0; i < session.sample_count(); ++i) {
    const auto t = axis_time(session.sample_times()[static_cast<std::size_t>(i)]);
    const int n = session.label_count(i);
    labels.items.push_back({t, t, static_cast<double>(n), i, tr("sample %1: %n box(es)", "", n).arg(i), {}});
  }
  lanes_.push_back(prepare(std::move(labels)));
  sample_times_.clear();
  for (TimestampNs t : session.sample_times()) sample_times_.push_back(axis_time(t));
  current_ = sample_times_.empty() ? -1 : 0;
  selecting_ = false;
  selection_start_ = selection_end_ = 0;
  update_data_range();
  reset_view();
  updateGeometry();
}

std::optional<std::pair<int, int>> TimelineWidget::selected_samples() const {
  if (selection_start_ == selection_end_) return std::nullopt;
  const TimestampNs lo = std::min(selection_start_, selection_end_), hi = std::max(selection_start_, selection_end_);
  const auto first = std::lower_bound(sample_times_.begin(), sample_times_.end(), lo);
  const auto past = std::upper_bound(sample_times_.begin(), sample_times_.end(), hi);
  if (first >= past) return std::nullopt;
  return std::pair{static_cast<int>(first - sample_times_.begin()), static_cast<int>(past - sample_times_.begin()) - 1};
}

void TimelineWidget::clear_selection() {
  const bool had = has_selection();
  selecting_ = false;
  selection_start_ = selection_end_ = 0;
  update();
  if (had) emit selection_changed();
}

TimestampNs TimelineWidget::axis_time(TimestampNs t) const {
  if (timestamped_) return t;
  return static_cast<TimestampNs>(std::lower_bound(frame_order_.begin(), frame_order_.end(), t) -
                                  frame_order_.begin()) *
         kOrderStepNs;
}

void TimelineWidget::set_sample_times(std::vector<TimestampNs> times) {
  sample_times_ = std::move(times);
  if (current_ >= static_cast<int>(sample_times_.size())) current_ = sample_times_.empty() ? -1 : 0;
  update_data_range();
  reset_view();
}

TimelineWidget::LaneState TimelineWidget::prepare(TimelineLane lane) const {
  std::stable_sort(lane.items.begin(), lane.items.end(),
                   [](const TimelineItem& a, const TimelineItem& b) { return a.start_ns < b.start_ns; });
  LaneState state;
  if (lane.kind == TimelineLane::Kind::Ticks && lane.highlight_gaps) state.gaps = lane.find_gaps(gap_factor_);
  state.median_period_ns = lane.median_period_ns();
  for (const auto& item : lane.items) state.max_value = std::max(state.max_value, item.value);
  state.lane = std::move(lane);
  return state;
}

int TimelineWidget::add_lane(TimelineLane lane) {
  const int existing = lane_index(lane.name);
  auto state = prepare(std::move(lane));
  int index = existing;
  if (existing >= 0) {
    lanes_[static_cast<std::size_t>(existing)] = std::move(state);
  } else {
    lanes_.push_back(std::move(state));
    index = lane_count() - 1;
  }
  const bool was_full = view_start_ == data_start_ && view_end_ == data_end_;
  update_data_range();
  if (was_full) reset_view();
  updateGeometry();
  update();
  return index;
}

bool TimelineWidget::remove_lane(const QString& name) {
  const int index = lane_index(name);
  if (index < 0) return false;
  lanes_.erase(lanes_.begin() + index);
  updateGeometry();
  update();
  return true;
}

void TimelineWidget::clear_lanes() {
  lanes_.clear();
  update_data_range();
  reset_view();
  updateGeometry();
}

int TimelineWidget::lane_index(const QString& name) const {
  for (std::size_t i = 0; i < lanes_.size(); ++i)
    if (lanes_[i].lane.name == name) return static_cast<int>(i);
  return -1;
}

void TimelineWidget::set_gap_factor(double factor) {
  gap_factor_ = factor;
  for (auto& state : lanes_)
    state.gaps = state.lane.kind == TimelineLane::Kind::Ticks && state.lane.highlight_gaps
                     ? state.lane.find_gaps(gap_factor_)
                     : std::vector<TimeSpan>{};
  update();
}

void TimelineWidget::update_data_range() {
  bool any = false;
  TimestampNs lo = 0, hi = 0;
  auto include = [&](TimestampNs a, TimestampNs b) {
    if (!any) {
      lo = a;
      hi = b;
      any = true;
    }
    lo = std::min(lo, a);
    hi = std::max(hi, b);
  };
  for (auto t : sample_times_) include(t, t);
  for (const auto& state : lanes_)
    for (const auto& item : state.lane.items) include(item.start_ns, std::max(item.start_ns, item.end_ns));
  // A little room at both ends so the first and last ticks are not on the border.
  const TimestampNs pad = std::max<TimestampNs>((hi - lo) / 100, 50'000'000);
  data_start_ = any ? lo - pad : 0;
  data_end_ = any ? hi + pad : 1'000'000'000;
}

void TimelineWidget::set_view(TimestampNs start_ns, TimestampNs end_ns) {
  if (end_ns < start_ns) std::swap(start_ns, end_ns);
  TimestampNs span = std::max(end_ns - start_ns, kMinViewSpanNs);
  span = std::min(span, data_end_ - data_start_);
  start_ns = std::clamp(start_ns, data_start_, data_end_ - span);
  view_start_ = start_ns;
  view_end_ = start_ns + span;
  update();
}

void TimelineWidget::reset_view() {
  view_start_ = data_start_;
  view_end_ = data_end_;
  update();
}

void TimelineWidget::zoom(double factor, TimestampNs anchor_ns) {
  const double span = static_cast<double>(view_end_ - view_start_);
  const double left = static_cast<double>(anchor_ns - view_start_) / span;
  const double new_span = std::max(span * factor, static_cast<double>(kMinViewSpanNs));
  const auto start = anchor_ns - static_cast<TimestampNs>(std::llround(left * new_span));
  set_view(start, start + static_cast<TimestampNs>(std::llround(new_span)));
}

double TimelineWidget::plot_width() const {
  return std::max(1, width() - kGutterWidth - kRightMargin);
}

double TimelineWidget::x_for_time(TimestampNs t) const {
  const double span = static_cast<double>(std::max<TimestampNs>(view_end_ - view_start_, 1));
  return kGutterWidth + static_cast<double>(t - view_start_) / span * plot_width();
}

TimestampNs TimelineWidget::time_for_x(double x) const {
  const double span = static_cast<double>(view_end_ - view_start_);
  return view_start_ + static_cast<TimestampNs>(std::llround((x - kGutterWidth) / plot_width() * span));
}

int TimelineWidget::sample_at_x(double x) const {
  if (sample_times_.empty()) return -1;
  const TimestampNs t = time_for_x(x);
  auto it = std::lower_bound(sample_times_.begin(), sample_times_.end(), t);
  if (it == sample_times_.end()) return static_cast<int>(sample_times_.size()) - 1;
  int i = static_cast<int>(it - sample_times_.begin());
  if (i > 0 && t - sample_times_[static_cast<std::size_t>(i - 1)] <= *it - t) --i;
  return i;
}

int TimelineWidget::lane_height(const TimelineLane& lane) const {
  if (lane.height > 0) return lane.height;
  switch (lane.kind) {
    case TimelineLane::Kind::Ticks:
      return 20;
    case TimelineLane::Kind::Bars:
      return 30;
    case TimelineLane::Kind::Spans:
      return 18;
  }
  return 20;
}

QRect TimelineWidget::lane_rect(int index) const {
  int y = kAxisHeight;
  for (int i = 0; i < index; ++i) y += lane_height(lanes_[static_cast<std::size_t>(i)].lane);
  return QRect(0, y, width(), lane_height(lanes_.at(static_cast<std::size_t>(index)).lane));
}

int TimelineWidget::lane_at(int y) const {
  int top = kAxisHeight;
  for (int i = 0; i < lane_count(); ++i) {
    const int h = lane_height(lanes_[static_cast<std::size_t>(i)].lane);
    if (y >= top && y < top + h) return i;
    top += h;
  }
  return -1;
}

QSize TimelineWidget::sizeHint() const {
  int h = kAxisHeight + 4;
  for (const auto& state : lanes_) h += lane_height(state.lane);
  return QSize(900, std::max(h, kAxisHeight + 60));
}

QSize TimelineWidget::minimumSizeHint() const {
  return QSize(kGutterWidth + 200, kAxisHeight + 40);
}

void TimelineWidget::set_current_sample(int sample) {
  if (sample < -1 || sample >= static_cast<int>(sample_times_.size())) return;
  if (sample == current_) return;
  current_ = sample;
  if (current_ >= 0) {
    const TimestampNs t = sample_times_[static_cast<std::size_t>(current_)];
    const bool zoomed = view_start_ > data_start_ || view_end_ < data_end_;
    if (zoomed && (t < view_start_ || t > view_end_)) {
      const TimestampNs span = view_end_ - view_start_;
      set_view(t - span / 2, t - span / 2 + span);
    }
  }
  update();
}

int TimelineWidget::item_at(int lane_index, double x) const {
  if (lane_index < 0 || lane_index >= lane_count()) return -1;
  const auto& items = lanes_[static_cast<std::size_t>(lane_index)].lane.items;
  if (items.empty()) return -1;
  const auto& lane = lanes_[static_cast<std::size_t>(lane_index)].lane;
  const TimestampNs t = time_for_x(x);
  if (lane.kind == TimelineLane::Kind::Spans) {
    // The span drawn on top where x is (highest value, then latest start: see paint_lane), with a few pixels of
    // slack for very short spans.
    const std::size_t end = lower_item(items, time_for_x(x + kHitPixels) + 1);
    int best = -1;
    for (std::size_t i = end; i-- > 0;) {
      const double x0 = x_for_time(items[i].start_ns);
      const double x1 = x_for_time(std::max(items[i].start_ns, items[i].end_ns));
      if (x < x0 - kHitPixels || x > x1 + kHitPixels) continue;
      if (best < 0 || items[i].value > items[static_cast<std::size_t>(best)].value) best = static_cast<int>(i);
    }
    return best;
  }
  const std::size_t hi = lower_item(items, t);
  int best = -1;
  double best_dx = kHitPixels + 0.5;
  for (std::size_t i = hi > 0 ? hi - 1 : 0; i < std::min(items.size(), hi + 1); ++i) {
    const double dx = std::abs(x_for_time(items[i].start_ns) - x);
    if (dx < best_dx) {
      best_dx = dx;
      best = static_cast<int>(i);
    }
  }
  return best;
}

void TimelineWidget::request_at(double x) {
  const int sample = sample_at_x(x);
  if (sample < 0) return;
  if (scrubbing_ && sample == last_requested_) return;
  last_requested_ = sample;
  emit sample_requested(sample);
}

void TimelineWidget::pan_pixels(double dx) {
  const double ns_per_px = static_cast<double>(view_end_ - view_start_) / plot_width();
  const auto shift = static_cast<TimestampNs>(std::llround(dx * ns_per_px));
  set_view(view_start_ - shift, view_end_ - shift);
}

void TimelineWidget::mousePressEvent(QMouseEvent* event) {
  const double x = event->position().x();
  if (event->button() == Qt::MiddleButton || event->button() == Qt::RightButton) {
    panning_ = true;
    pan_last_x_ = x;
    setCursor(Qt::ClosedHandCursor);
    return;
  }
  if (event->button() != Qt::LeftButton || x < kGutterWidth) return QWidget::mousePressEvent(event);
  if (event->modifiers() & Qt::ShiftModifier) {
    // Shift+drag selects a range; the playhead stays where it is.
    selecting_ = true;
    selection_start_ = selection_end_ = time_for_x(x);
    update();
    return;
  }
  if (has_selection()) clear_selection();
  scrubbing_ = false;
  last_requested_ = -1;
  request_at(x);
  scrubbing_ = true;
  const int lane = lane_at(static_cast<int>(event->position().y()));
  if (lane >= 0 && lanes_[static_cast<std::size_t>(lane)].lane.kind == TimelineLane::Kind::Spans) {
    const int item = item_at(lane, x);
    if (item >= 0) emit item_clicked(lane, item);
  }
}

void TimelineWidget::mouseMoveEvent(QMouseEvent* event) {
  const double x = event->position().x();
  if (panning_) {
    pan_pixels(x - pan_last_x_);
    pan_last_x_ = x;
    return;
  }
  if (selecting_ && (event->buttons() & Qt::LeftButton)) {
    selection_end_ = time_for_x(std::max<double>(x, kGutterWidth));
    update();
    return;
  }
  if (scrubbing_ && (event->buttons() & Qt::LeftButton)) request_at(std::max<double>(x, kGutterWidth));
}

void TimelineWidget::mouseReleaseEvent(QMouseEvent* event) {
  if (panning_ && (event->button() == Qt::MiddleButton || event->button() == Qt::RightButton)) {
    panning_ = false;
    unsetCursor();
  }
  if (event->button() == Qt::LeftButton && selecting_) {
    selecting_ = false;
    selection_end_ = time_for_x(std::max<double>(event->position().x(), kGutterWidth));
    update();
    emit selection_changed();
  }
  if (event->button() == Qt::LeftButton) scrubbing_ = false;
}

void TimelineWidget::mouseDoubleClickEvent(QMouseEvent* event) {
  if (event->button() == Qt::MiddleButton || event->position().x() < kGutterWidth) {
    reset_view();
    return;
  }
  mousePressEvent(event);  // a quick second click still jumps
}

void TimelineWidget::wheelEvent(QWheelEvent* event) {
  const QPoint angle = event->angleDelta();
  const bool pan = (event->modifiers() & Qt::ShiftModifier) || std::abs(angle.x()) > std::abs(angle.y());
  const double steps = (pan && std::abs(angle.x()) > std::abs(angle.y()) ? angle.x() : angle.y()) / 120.0;
  if (steps == 0.0) return;
  if (pan) {
    pan_pixels(steps * plot_width() * 0.1);
  } else {
    const double x = std::max<double>(event->position().x(), kGutterWidth);
    zoom(std::pow(0.8, steps), time_for_x(x));
  }
  event->accept();
}

bool TimelineWidget::event(QEvent* event) {
  if (event->type() == QEvent::ToolTip) {
    auto* help = static_cast<QHelpEvent*>(event);
    const QString text = tooltip_at(help->pos());
    if (text.isEmpty()) {
      QToolTip::hideText();
      event->ignore();
    } else {
      QToolTip::showText(help->globalPos(), text, this);
    }
    return true;
  }
  return QWidget::event(event);
}

QString TimelineWidget::tooltip_at(const QPoint& pos) const {
  const int li = lane_at(pos.y());
  if (li < 0) return {};
  const auto& state = lanes_[static_cast<std::size_t>(li)];
  if (pos.x() < kGutterWidth) {
    QString text = QString("%1 — %2 item(s)").arg(state.lane.name).arg(state.lane.items.size());
    if (state.median_period_ns > 0)
      text += QString(", median period %1 ms").arg(state.median_period_ns * 1e-6, 0, 'f', 1);
    if (!state.gaps.empty()) text += QString(", %1 gap(s)").arg(state.gaps.size());
    return text;
  }
  const int item = item_at(li, pos.x());
  if (item >= 0) {
    const auto& it = state.lane.items[static_cast<std::size_t>(item)];
    const double offset = static_cast<double>(it.start_ns - data_start_) * 1e-9;
    QString text = it.text.isEmpty() ? QString("%1 #%2").arg(state.lane.name).arg(it.id) : it.text;
    if (!timestamped_) return text + "\n" + tr("no timestamps");
    return text + QString("\n%1  (%2)")
                      .arg(QString::fromStdString(dc::core::format_iso8601(it.start_ns)), format_offset(offset, 3));
  }
  const TimestampNs t = time_for_x(pos.x());
  for (const auto& gap : state.gaps)
    if (t > gap.start_ns && t < gap.end_ns) {
      const double ms = static_cast<double>(gap.end_ns - gap.start_ns) * 1e-6;
      return tr("gap of %1 ms in %2 (median period %3 ms)")
          .arg(ms, 0, 'f', 1)
          .arg(state.lane.name)
          .arg(state.median_period_ns * 1e-6, 0, 'f', 1);
    }
  return {};
}

void TimelineWidget::paintEvent(QPaintEvent*) {
  QPainter p(this);
  p.fillRect(rect(), kBackground);
  paint_axis(p);
  for (int i = 0; i < lane_count(); ++i) paint_lane(p, i);

  // Gutter on top of the lanes' left edge so that marks never run under the names.
  p.fillRect(QRect(0, 0, kGutterWidth - 1, height()), kGutter);
  const QFontMetrics fm(font());
  for (int i = 0; i < lane_count(); ++i) {
    const QRect r = lane_rect(i).adjusted(6, 0, 0, 0);
    const auto& state = lanes_[static_cast<std::size_t>(i)];
    QString name = state.lane.name;
    if (!state.gaps.empty()) name += QString(" (%1)").arg(state.gaps.size());
    QString scale;  // bars: the value of a full-height bar, right-aligned in the gutter
    if (state.lane.kind == TimelineLane::Kind::Bars && state.max_value > 0)  // counts whole, scores to 3 digits
      scale = state.max_value >= 100 ? QString::number(std::llround(state.max_value))
                                     : QString::number(state.max_value, 'g', 3);
    // A name that does not fit beside the scale goes below it, when the lane has room for two lines.
    const bool two_lines = !scale.isEmpty() && r.height() >= 2 * fm.height() &&
                           fm.horizontalAdvance(name) > kGutterWidth - 16 - fm.horizontalAdvance(scale);
    const int scale_width = scale.isEmpty() || two_lines ? 0 : fm.horizontalAdvance(scale) + 6;
    p.setPen(kText);
    p.drawText(QRect(r.left(), r.top(), kGutterWidth - 10 - scale_width, r.height() - (two_lines ? 1 : 0)),
               (two_lines ? Qt::AlignBottom : Qt::AlignVCenter) | Qt::AlignLeft,
               fm.elidedText(name, Qt::ElideRight, kGutterWidth - 10 - scale_width));
    if (!scale.isEmpty()) {
      p.setPen(kGrid.lighter(160));
      p.drawText(QRect(0, r.top() + 1, kGutterWidth - 6, r.height()), Qt::AlignTop | Qt::AlignRight, scale);
    }
  }
  p.setPen(kGrid);
  p.drawLine(kGutterWidth - 1, 0, kGutterWidth - 1, height());

  if (has_selection()) {
    const double x0 = std::max<double>(kGutterWidth, x_for_time(std::min(selection_start_, selection_end_)));
    const double x1 = std::min<double>(width(), x_for_time(std::max(selection_start_, selection_end_)));
    if (x1 >= x0) {
      p.fillRect(QRectF(x0, kAxisHeight, std::max(1.0, x1 - x0), height() - kAxisHeight), kSelection);
      p.setPen(kSelectionEdge);
      p.drawLine(QPointF(x0, kAxisHeight), QPointF(x0, height()));
      p.drawLine(QPointF(x1, kAxisHeight), QPointF(x1, height()));
    }
  }

  if (current_ >= 0 && current_ < static_cast<int>(sample_times_.size())) {
    const double x = x_for_time(sample_times_[static_cast<std::size_t>(current_)]);
    if (x >= kGutterWidth && x <= width()) {
      p.setRenderHint(QPainter::Antialiasing, true);
      p.setPen(QPen(kPlayhead, 1.5));
      p.drawLine(QPointF(x, 6), QPointF(x, height()));
      QPainterPath head;
      head.moveTo(x - 5, 1);
      head.lineTo(x + 5, 1);
      head.lineTo(x, 8);
      head.closeSubpath();
      p.fillPath(head, kPlayhead);
    }
  }
}

void TimelineWidget::paint_axis(QPainter& p) const {
  const double span = static_cast<double>(view_end_ - view_start_);
  if (span <= 0) return;
  const double min_step = span * 80.0 / plot_width();  // at least 80 px between labels
  double step = 1e3;
  for (double base = 1e3; base < 1e13; base *= 10) {
    bool found = false;
    for (double m : {1.0, 2.0, 5.0})
      if (base * m >= min_step) {
        step = base * m;
        found = true;
        break;
      }
    if (found) break;
  }
  if (!timestamped_) step = std::max(step, static_cast<double>(kOrderStepNs));  // whole frames only
  const int decimals = step >= 1e9 ? 0 : step >= 1e8 ? 1 : step >= 1e7 ? 2 : 3;
  const auto step_ns = static_cast<TimestampNs>(step);
  // Labels count from the first sample (as the samples list does), not from the padded view edge.
  const TimestampNs origin = sample_times_.empty() ? data_start_ : sample_times_.front();
  TimestampNs t = origin + ((view_start_ - origin) / step_ns) * step_ns;
  while (t > view_start_) t -= step_ns;
  while (t < view_start_) t += step_ns;
  const QFontMetrics fm(font());
  for (; t <= view_end_; t += step_ns) {
    const double x = x_for_time(t);
    p.setPen(kGrid);
    p.drawLine(QPointF(x, kAxisHeight - 5), QPointF(x, height()));
    p.setPen(kText);
    const QString label = timestamped_ ? format_offset(static_cast<double>(t - origin) * 1e-9, decimals)
                                       : QString("#%1").arg((t - origin) / kOrderStepNs);
    if (x + 3 + fm.horizontalAdvance(label) <= width()) p.drawText(QPointF(x + 3, kAxisHeight - 7), label);
  }
  p.setPen(kGrid);
  p.drawLine(0, kAxisHeight - 1, width(), kAxisHeight - 1);
}

void TimelineWidget::paint_lane(QPainter& p, int index) const {
  const auto& state = lanes_[static_cast<std::size_t>(index)];
  const auto& lane = state.lane;
  const QRect r = lane_rect(index);
  p.fillRect(QRect(kGutterWidth, r.top(), width() - kGutterWidth, r.height()), index % 2 ? kLaneOdd : kLaneEven);
  const QColor color = lane.color.isValid() ? lane.color : default_color(lane.kind);
  const double left = kGutterWidth, right = width();
  p.setRenderHint(QPainter::Antialiasing, false);

  for (const auto& gap : state.gaps) {
    const double x0 = std::max(left, x_for_time(gap.start_ns)), x1 = std::min(right, x_for_time(gap.end_ns));
    if (x1 <= x0) continue;
    const QRectF g(x0, r.top() + 1, x1 - x0, r.height() - 2);
    p.fillRect(g, kGap);
    p.setPen(kGapEdge);
    p.drawLine(QPointF(x0, r.bottom() - 1), QPointF(x1, r.bottom() - 1));
  }

  const auto& items = lane.items;
  // Items are sorted by start; spans may start before the view and still reach into it.
  std::size_t first = lower_item(items, view_start_);
  if (lane.kind == TimelineLane::Kind::Spans)
    first = 0;
  else if (first > 0)
    --first;
  const std::size_t last = std::min(items.size(), lower_item(items, view_end_) + 1);

  switch (lane.kind) {
    case TimelineLane::Kind::Ticks: {
      double last_x = -1e9;
      for (std::size_t i = first; i < last; ++i) {
        const double x = std::round(x_for_time(items[i].start_ns)) + 0.5;
        if (x < left || x > right) continue;
        if (x == last_x) continue;  // many frames per pixel: one line is enough
        last_x = x;
        p.setPen(items[i].color.isValid() ? items[i].color : color);
        p.drawLine(QPointF(x, r.top() + 4), QPointF(x, r.bottom() - 3));
      }
      break;
    }
    case TimelineLane::Kind::Bars: {
      const double period_px = state.median_period_ns / static_cast<double>(view_end_ - view_start_) * plot_width();
      const double w = std::clamp(period_px * 0.7, 1.0, 10.0);
      const double full = r.height() - 6;
      for (std::size_t i = first; i < last; ++i) {
        const auto& item = items[i];
        if (item.value <= 0 || state.max_value <= 0) continue;
        const double x = x_for_time(item.start_ns);
        if (x + w < left || x - w > right) continue;
        const double h = std::max(1.0, full * item.value / state.max_value);
        p.fillRect(QRectF(x - w / 2, r.bottom() - 2 - h, w, h), item.color.isValid() ? item.color : color);
      }
      break;
    }
    case TimelineLane::Kind::Spans: {
      // Higher values (a finding's severity) are drawn last and taller, so an error is never hidden under a
      // drive-long info and severities read apart without their colors.
      std::vector<std::size_t> order;
      for (std::size_t i = first; i < last; ++i) order.push_back(i);
      std::stable_sort(order.begin(), order.end(),
                       [&](std::size_t a, std::size_t b) { return items[a].value < items[b].value; });
      const double full = r.height() - 6;
      for (std::size_t i : order) {
        const auto& item = items[i];
        double x0 = x_for_time(item.start_ns), x1 = x_for_time(std::max(item.start_ns, item.end_ns));
        if (x1 < left || x0 > right) continue;
        x0 = std::max(x0, left);
        x1 = std::min(std::max(x1, x0 + 3), right);
        QColor c = item.color.isValid() ? item.color : color;
        c.setAlpha(190);
        const double h = state.max_value > 0 ? std::max(4.0, full * std::min(1.0, item.value / state.max_value)) : full;
        p.fillRect(QRectF(x0, r.bottom() - 2 - h, x1 - x0, h), c);
      }
      break;
    }
  }
}

}  // namespace dc::widgets
