#include "dc/widgets/evaluation_view.h"

#include "dc/core/catalog/catalog.h"

#include <QChart>
#include <QChartView>
#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineSeries>
#include <QSplitter>
#include <QTableWidget>
#include <QValueAxis>
#include <QVBoxLayout>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <map>

namespace dc::widgets {

using nlohmann::json;

namespace {

const QColor kBackground(0x1e, 0x1f, 0x22);
constexpr int kWorstSamples = 20;

QChartView* make_chart(const QString& x, const QString& y, QWidget* parent) {
  auto* view = new QChartView(parent);
  view->setRenderHint(QPainter::Antialiasing);
  view->setMinimumHeight(180);
  auto* c = view->chart();
  c->setTheme(QChart::ChartThemeDark);
  c->setBackgroundBrush(kBackground);
  c->setMargins(QMargins(4, 4, 4, 4));
  c->legend()->setAlignment(Qt::AlignRight);
  auto* ax = new QValueAxis(c);
  ax->setTitleText(x);
  auto* ay = new QValueAxis(c);
  ay->setTitleText(y);
  c->addAxis(ax, Qt::AlignBottom);
  c->addAxis(ay, Qt::AlignLeft);
  return view;
}

QValueAxis* axis(QChartView* view, Qt::Orientation o) {
  const auto axes = view->chart()->axes(o);
  return axes.isEmpty() ? nullptr : qobject_cast<QValueAxis*>(axes.first());
}

void clear(QChartView* view) { view->chart()->removeAllSeries(); }

QLineSeries* add_line(QChartView* view, const QString& name, const QList<QPointF>& points) {
  auto* line = new QLineSeries(view->chart());
  line->setName(name);
  line->append(points);
  view->chart()->addSeries(line);
  line->attachAxis(axis(view, Qt::Horizontal));
  line->attachAxis(axis(view, Qt::Vertical));
  return line;
}

QLineSeries* find_line(const QChartView* view, const QString& name) {
  for (auto* s : view->chart()->series())
    if (s->name() == name) return qobject_cast<QLineSeries*>(s);
  return nullptr;
}

QList<QPointF> points_of(const QChartView* view, const QString& name) {
  const QLineSeries* line = find_line(view, name);
  return line ? line->points() : QList<QPointF>{};
}

}  // namespace

EvaluationView::EvaluationView(QWidget* parent) : QWidget(parent) {
  setObjectName("evaluationView");
  auto* layout = new QVBoxLayout(this);
  auto* top = new QHBoxLayout;
  choice_ = new QComboBox(this);
  choice_->setObjectName("evaluationChoice");
  choice_->setToolTip(tr("stored evaluations of this drive (run them with Passes → eval or `eval run`)"));
  metric_ = new QComboBox(this);
  metric_->setObjectName("evaluationMetric");
  metric_->addItem(tr("bird's-eye"), "bev");
  metric_->addItem(tr("3D"), "3d");
  top->addWidget(new QLabel(tr("Evaluation"), this));
  top->addWidget(choice_, 1);
  top->addWidget(new QLabel(tr("Boxes"), this));
  top->addWidget(metric_);
  layout->addLayout(top);

  auto* split = new QSplitter(Qt::Vertical, this);
  auto* charts = new QSplitter(Qt::Horizontal, split);
  pr_ = make_chart(tr("recall"), tr("precision"), charts);
  pr_->setObjectName("prChart");
  trend_ = make_chart(tr("evaluation (oldest left)"), tr("AP (%)"), charts);
  trend_->setObjectName("trendChart");
  worst_ = new QTableWidget(0, 4, split);
  worst_->setObjectName("worstSamples");
  worst_->setHorizontalHeaderLabels({tr("sample"), tr("false positives"), tr("misses"), tr("total")});
  worst_->horizontalHeader()->setStretchLastSection(true);
  worst_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  worst_->setSelectionBehavior(QAbstractItemView::SelectRows);
  worst_->setToolTip(tr("double-click: open the sample with both label sources drawn"));
  layout->addWidget(split, 1);

  connect(choice_, &QComboBox::currentIndexChanged, this, &EvaluationView::show_evaluation);
  connect(metric_, &QComboBox::currentIndexChanged, this, [this] { show_evaluation(current_); });
  connect(worst_, &QTableWidget::cellDoubleClicked, this, [this](int row, int) {
    if (current_ < 0 || !worst_->item(row, 0)) return;
    const auto& e = evaluations_[static_cast<std::size_t>(current_)];
    emit sample_requested(drive_id_, worst_->item(row, 0)->data(Qt::UserRole).toLongLong(),
                          QString::fromStdString(e.predicted), QString::fromStdString(e.reference));
  });
}

void EvaluationView::set_catalog(dc::core::Catalog* catalog) {
  catalog_ = catalog;
  reload();
}

void EvaluationView::set_drive(std::int64_t drive_id) {
  drive_id_ = drive_id;
  reload();
}

void EvaluationView::reload() {
  evaluations_.clear();
  if (catalog_ && drive_id_) evaluations_ = catalog_->run_results().evaluations(drive_id_);
  const QSignalBlocker block(choice_);
  choice_->clear();
  for (const auto& e : evaluations_)
    choice_->addItem(tr("run %1: %2 against %3")
                         .arg(e.run_id ? *e.run_id : 0)
                         .arg(QString::fromStdString(e.predicted), QString::fromStdString(e.reference)));
  const int newest = static_cast<int>(evaluations_.size()) - 1;
  choice_->setCurrentIndex(newest);
  show_evaluation(newest);
}

QString EvaluationView::metric_key() const { return metric_->currentData().toString(); }

void EvaluationView::show_evaluation(int index) {
  current_ = index >= 0 && index < static_cast<int>(evaluations_.size()) ? index : -1;
  clear(pr_);
  clear(trend_);
  worst_->setRowCount(0);
  if (current_ < 0) {
    pr_->chart()->setTitle(tr("No evaluations of this drive yet (Passes → eval)"));
    trend_->chart()->setTitle(QString());
    return;
  }
  const auto& e = evaluations_[static_cast<std::size_t>(current_)];
  fill_pr(e);
  fill_trend(e);
  fill_worst(e);
}

void EvaluationView::fill_pr(const dc::core::Evaluation& e) {
  pr_->chart()->setTitle(tr("%1 against %2: precision / recall, all ranges")
                             .arg(QString::fromStdString(e.predicted), QString::fromStdString(e.reference)));
  const json curves = json::parse(e.curves_json, nullptr, false);
  if (!curves.is_object() || !curves.contains("bands")) return;
  const std::string metric = metric_key().toStdString();
  for (const auto& [category, bands] : curves["bands"].items()) {
    if (!bands.contains("all") || !bands["all"].contains(metric)) continue;
    QList<QPointF> points;
    for (const auto& p : bands["all"][metric]) points.append({p[0].get<double>(), p[1].get<double>()});
    if (!points.isEmpty()) points.prepend({0.0, points.front().y()});  // the curve starts at recall 0
    add_line(pr_, QString::fromStdString(category), points);
  }
  axis(pr_, Qt::Horizontal)->setRange(0, 1);
  axis(pr_, Qt::Vertical)->setRange(0, 1.02);
}

void EvaluationView::fill_trend(const dc::core::Evaluation& current) {
  // Every evaluation of this drive against the same reference, oldest first: one point per class each.
  const std::string key = metric_key().toStdString() + "_ap";
  std::map<std::string, QList<QPointF>> lines;
  int position = 0;
  for (const auto& e : evaluations_) {
    if (e.reference != current.reference) continue;
    const json s = json::parse(e.summary_json, nullptr, false);
    if (s.is_object() && s.contains("bands"))
      for (const auto& [category, bands] : s["bands"].items())
        if (bands.contains("all") && bands["all"].contains(key) && bands["all"]["reference"].get<int>() > 0)
          lines[category].append({static_cast<double>(position), bands["all"][key].get<double>()});
    ++position;
  }
  trend_->chart()->setTitle(tr("AP across evaluations against %1").arg(QString::fromStdString(current.reference)));
  for (const auto& [category, points] : lines) {
    auto* line = add_line(trend_, QString::fromStdString(category), points);
    line->setPointsVisible(true);
  }
  axis(trend_, Qt::Horizontal)->setRange(0, std::max(1, position - 1));
  axis(trend_, Qt::Horizontal)->setTickCount(std::max(2, std::min(position, 11)));  // whole evaluations
  axis(trend_, Qt::Horizontal)->setLabelFormat("%d");
  axis(trend_, Qt::Vertical)->setRange(0, 100);
}

void EvaluationView::fill_worst(const dc::core::Evaluation& e) {
  if (!catalog_ || !e.run_id) return;
  std::map<std::int64_t, std::pair<double, double>> errors;
  for (const auto& m : catalog_->run_results().metrics_of_run(*e.run_id)) {
    if (m.name == "eval-fp") errors[m.sample_key].first = m.value;
    if (m.name == "eval-fn") errors[m.sample_key].second = m.value;
  }
  std::vector<std::pair<double, std::int64_t>> order;
  for (const auto& [key, fe] : errors)
    if (fe.first + fe.second > 0) order.emplace_back(-(fe.first + fe.second), key);
  std::sort(order.begin(), order.end());
  if (order.size() > kWorstSamples) order.resize(kWorstSamples);
  worst_->setRowCount(static_cast<int>(order.size()));
  for (int row = 0; row < static_cast<int>(order.size()); ++row) {
    const std::int64_t key = order[static_cast<std::size_t>(row)].second;
    const auto [fp, fn] = errors[key];
    auto* sample = new QTableWidgetItem(QString::number(key));
    sample->setData(Qt::UserRole, static_cast<qlonglong>(key));
    worst_->setItem(row, 0, sample);
    worst_->setItem(row, 1, new QTableWidgetItem(QString::number(fp)));
    worst_->setItem(row, 2, new QTableWidgetItem(QString::number(fn)));
    worst_->setItem(row, 3, new QTableWidgetItem(QString::number(fp + fn)));
  }
}

QStringList EvaluationView::pr_classes() const {
  QStringList out;
  for (auto* s : pr_->chart()->series()) out << s->name();
  return out;
}

QList<QPointF> EvaluationView::pr_points(const QString& category) const { return points_of(pr_, category); }
QList<QPointF> EvaluationView::trend_points(const QString& category) const { return points_of(trend_, category); }

}  // namespace dc::widgets
