#include "dc/widgets/log_view.h"

#include "dc/core/util/logging.h"

#include <QFontDatabase>
#include <QLabel>
#include <QPlainTextEdit>
#include <QScrollBar>
#include <QTimer>
#include <QVBoxLayout>

namespace dc::widgets {

namespace {
constexpr int kRefreshMs = 1000;
constexpr std::size_t kLines = 2000;
}  // namespace

LogView::LogView(QWidget* parent) : QDialog(parent) {
  setWindowTitle(tr("Log"));
  setObjectName("logView");
  resize(900, 500);
  file_ = new QLabel(this);
  file_->setObjectName("logFile");
  file_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  text_ = new QPlainTextEdit(this);
  text_->setObjectName("logText");
  text_->setReadOnly(true);
  text_->setLineWrapMode(QPlainTextEdit::NoWrap);
  text_->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
  auto* layout = new QVBoxLayout(this);
  layout->addWidget(file_);
  layout->addWidget(text_, 1);
  timer_ = new QTimer(this);
  timer_->setInterval(kRefreshMs);
  connect(timer_, &QTimer::timeout, this, &LogView::refresh);
  refresh();
}

QString LogView::log_file_text() const {
  return file_->text();
}

void LogView::refresh() {
  file_->setText(tr("Log file: %1").arg(QString::fromStdString(dc::core::log_file().string())));
  QString all;
  for (const auto& line : dc::core::recent_log_lines(kLines)) {
    all += QString::fromStdString(line);
    if (!all.endsWith('\n')) all += '\n';
  }
  if (all == shown_) return;
  shown_ = all;
  auto* bar = text_->verticalScrollBar();
  const bool at_end = bar->value() == bar->maximum();
  text_->setPlainText(all);
  if (at_end) bar->setValue(bar->maximum());  // follow new lines unless the user scrolled up to read
}

void LogView::showEvent(QShowEvent* event) {
  refresh();
  timer_->start();
  QDialog::showEvent(event);
}

void LogView::hideEvent(QHideEvent* event) {
  timer_->stop();
  QDialog::hideEvent(event);
}

}  // namespace dc::widgets
