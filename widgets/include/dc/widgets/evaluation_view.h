#pragma once
#include "dc/core/model/evaluation.h"

#include <QList>
#include <QPointF>
#include <QStringList>
#include <QWidget>
#include <cstdint>
#include <vector>

class QChartView;
class QComboBox;
class QTableWidget;

namespace dc::core {
class Catalog;
}

namespace dc::widgets {

// The stored evaluations of a drive: precision/recall curves per class of the chosen evaluation (bird's-eye or
// 3D, all ranges), a trend chart of each class's AP over the drive's evaluations of the same reference (oldest
// left: how the labels improved run after run), and the samples with the most false positives and misses; a
// double-click on one asks the viewer to open it with both label sources drawn.
class EvaluationView : public QWidget {
  Q_OBJECT
public:
  explicit EvaluationView(QWidget* parent = nullptr);

  // The catalog (owned by the caller) and the drive whose evaluations to show; reload() re-reads them.
  void set_catalog(dc::core::Catalog* catalog);
  void set_drive(std::int64_t drive_id);

  QComboBox* evaluation_choice() const { return choice_; }
  QComboBox* metric_choice() const { return metric_; }
  QTableWidget* worst_samples() const { return worst_; }
  QChartView* pr_chart() const { return pr_; }
  QChartView* trend_chart() const { return trend_; }
  int evaluation_count() const { return static_cast<int>(evaluations_.size()); }

  // What the charts show, for checks: the classes with a PR line and its points (recall, precision); the trend's
  // classes and points (evaluation position, AP).
  QStringList pr_classes() const;
  QList<QPointF> pr_points(const QString& category) const;
  QList<QPointF> trend_points(const QString& category) const;

public slots:
  void reload();
  void show_evaluation(int index);  // into the drive's evaluations, oldest first

signals:
  // A worst sample was double-clicked: open it with the predicted source's labels next to the reference's.
  void sample_requested(std::int64_t drive_id, std::int64_t sample_key, const QString& predicted,
                        const QString& reference);

private:
  void fill_pr(const dc::core::Evaluation& e);
  void fill_trend(const dc::core::Evaluation& e);
  void fill_worst(const dc::core::Evaluation& e);
  QString metric_key() const;  // "bev" or "3d"

  dc::core::Catalog* catalog_ = nullptr;
  std::int64_t drive_id_ = 0;
  std::vector<dc::core::Evaluation> evaluations_;
  int current_ = -1;
  QComboBox* choice_ = nullptr;
  QComboBox* metric_ = nullptr;
  QChartView* pr_ = nullptr;
  QChartView* trend_ = nullptr;
  QTableWidget* worst_ = nullptr;
};

}  // namespace dc::widgets
