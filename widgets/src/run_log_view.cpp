#include "dc/widgets/run_log_view.h"

#include <QFile>
#include <QFontDatabase>
#include <QLabel>
#include <QPlainTextEdit>
#include <QScrollBar>
#include <QTimer>
#include <QVBoxLayout>

namespace dc::widgets {

RunLogView::RunLogView(QWidget* parent) : QDialog(parent) {
  setObjectName("runLogView");
  resize(900, 420);
  path_ = new QLabel(this);
  path_->setObjectName("runLogFile");
  path_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  text_ = new QPlainTextEdit(this);
  text_->setObjectName("runLogText");
  text_->setReadOnly(true);
  text_->setLineWrapMode(QPlainTextEdit::NoWrap);
  text_->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
  auto* layout = new QVBoxLayout(this);
  layout->addWidget(path_);
  layout->addWidget(text_, 1);
  timer_ = new QTimer(this);
  timer_->setInterval(1000);
  connect(timer_, &QTimer::timeout, this, &RunLogView::refresh);
}

void RunLogView::show_run(std::int64_t run, const QString& log_file) {
  run_ = run;
  file_ = log_file;
  shown_.clear();
  text_->clear();
  setWindowTitle(tr("Run %1 log").arg(run));
  refresh();
}

void RunLogView::refresh() {
  if (file_.isEmpty()) {
    path_->setText(tr("Run %1 has no log yet (it has not started)").arg(run_));
    return;
  }
  path_->setText(tr("Log file: %1").arg(file_));
  QFile f(file_);
  if (!f.open(QIODevice::ReadOnly)) {
    text_->setPlainText(tr("cannot read %1: %2").arg(file_, f.errorString()));
    shown_.clear();
    return;
  }
  const QString all = QString::fromUtf8(f.readAll());
  if (all == shown_) return;
  shown_ = all;
  auto* bar = text_->verticalScrollBar();
  const bool at_end = bar->value() == bar->maximum();
  text_->setPlainText(all);
  if (at_end) bar->setValue(bar->maximum());  // follow a running pass unless the user scrolled up
}

void RunLogView::showEvent(QShowEvent* event) {
  refresh();
  timer_->start();
  QDialog::showEvent(event);
}

void RunLogView::hideEvent(QHideEvent* event) {
  timer_->stop();
  QDialog::hideEvent(event);
}

}  // namespace dc::widgets
