#include "dc/widgets/calibration_score_chart.h"

#include "dc/core/data/drive_session.h"
#include "dc/widgets/validation_lanes.h"

#include <QChart>
#include <QLegendMarker>
#include <QLineSeries>
#include <QValueAxis>

#include <algorithm>
#include <cmath>
#include <limits>
#include <unordered_map>

namespace dc::widgets {

namespace {
const QColor kBackground(0x1e, 0x1f, 0x22);
const QColor kMarker(0xff, 0xd5, 0x4f);  // the timeline's playhead color
const char* kEmptyTitle = QT_TRANSLATE_NOOP("dc::widgets::CalibrationScoreChart",
                                            "No calib-check scores for this drive (Passes → Run pass… → calib-check)");
}  // namespace

CalibrationScoreChart::CalibrationScoreChart(QWidget* parent) : QChartView(parent) {
  setObjectName("calibrationScoreChart");
  setRenderHint(QPainter::Antialiasing);
  setMinimumHeight(160);
  auto* c = chart();
  c->setTheme(QChart::ChartThemeDark);
  c->setBackgroundBrush(kBackground);
  c->setMargins(QMargins(4, 4, 4, 4));
  c->legend()->setAlignment(Qt::AlignTop);
  x_axis_ = new QValueAxis(c);
  x_axis_->setTitleText(tr("sample"));
  x_axis_->setLabelFormat("%d");
  y_axis_ = new QValueAxis(c);
  y_axis_->setTitleText(tr("score"));
  c->addAxis(x_axis_, Qt::AlignBottom);
  c->addAxis(y_axis_, Qt::AlignLeft);
  clear_scores();
}

void CalibrationScoreChart::clear_scores() {
  auto* c = chart();
  c->removeAllSeries();  // deletes them
  lines_.clear();
  marker_ = nullptr;
  sample_count_ = 0;
  c->setTitle(tr(kEmptyTitle));
  x_axis_->setRange(0, 1);
  y_axis_->setRange(0, 1);
}

void CalibrationScoreChart::set_scores(const std::vector<dc::core::SampleMetric>& metrics,
                                       const dc::core::DriveSession& session) {
  clear_scores();
  sample_count_ = session.sample_count();
  const auto cameras = scored_cameras(metrics, session);
  if (cameras.empty()) return;
  std::unordered_map<std::int64_t, int> positions;
  for (int i = 0; i < session.sample_count(); ++i) positions.emplace(session.sample(i).key(), i);

  auto* c = chart();
  c->setTitle(QString());  // the legend names the cameras; the height goes to the plot
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  for (std::size_t k = 0; k < cameras.size(); ++k) {
    std::vector<QPointF> points;
    for (const auto& m : metrics) {
      if (m.name != "calib-score" || m.sensor != cameras[k]) continue;
      const auto it = positions.find(m.sample_key);
      if (it == positions.end()) continue;
      points.emplace_back(it->second, m.value);
      lo = std::min(lo, m.value);
      hi = std::max(hi, m.value);
    }
    std::sort(points.begin(), points.end(), [](const QPointF& a, const QPointF& b) { return a.x() < b.x(); });
    auto* line = new QLineSeries(c);
    line->setName(QString::fromStdString(cameras[k]));
    line->setColor(score_color(k));
    line->setPointsVisible(points.size() < 300);
    line->append(QList<QPointF>(points.begin(), points.end()));
    c->addSeries(line);
    line->attachAxis(x_axis_);
    line->attachAxis(y_axis_);
    connect(line, &QLineSeries::clicked, this, [this](const QPointF& p) {
      const int sample = static_cast<int>(std::lround(p.x()));
      if (sample >= 0 && sample < sample_count_) emit sample_requested(sample);
    });
    lines_.push_back(line);
  }
  if (!std::isfinite(lo)) lo = 0, hi = 1;
  const double pad = std::max((hi - lo) * 0.1, 1e-3);
  y_axis_->setRange(std::max(0.0, lo - pad), hi + pad);
  x_axis_->setRange(0, std::max(1, sample_count_ - 1));
  // Ticks on whole samples (1, 2, 5, 10, 20, 50 ... apart), so a label names the sample under it.
  int step = 1;
  for (int base = 1; sample_count_ / step > 8; base *= 10)
    for (int m : {1, 2, 5})
      if (sample_count_ / step > 8) step = base * m;
  x_axis_->setTickType(QValueAxis::TicksDynamic);
  x_axis_->setTickAnchor(0);
  x_axis_->setTickInterval(step);

  marker_ = new QLineSeries(c);
  marker_->setPen(QPen(kMarker, 1.5));
  c->addSeries(marker_);
  marker_->attachAxis(x_axis_);
  marker_->attachAxis(y_axis_);
  for (auto* m : c->legend()->markers(marker_)) m->setVisible(false);
  update_marker();
}

QStringList CalibrationScoreChart::cameras() const {
  QStringList names;
  for (const auto* line : lines_) names << line->name();
  return names;
}

QList<QPointF> CalibrationScoreChart::points(const QString& camera) const {
  for (const auto* line : lines_)
    if (line->name() == camera) return line->points();
  return {};
}

void CalibrationScoreChart::set_current_sample(int sample) {
  current_ = sample;
  update_marker();
}

void CalibrationScoreChart::update_marker() {
  if (!marker_) return;
  marker_->clear();
  if (current_ < 0 || current_ >= sample_count_) return;
  marker_->append(current_, y_axis_->min());
  marker_->append(current_, y_axis_->max());
}

}  // namespace dc::widgets
