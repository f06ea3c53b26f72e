#pragma once
#include <QDialog>

class QLabel;
class QPlainTextEdit;
class QTimer;

namespace dc::widgets {

// Help → Show log: the process's recent log lines (dc::core::recent_log_lines), refreshed while open, and where
// the log file is for everything older.
class LogView : public QDialog {
  Q_OBJECT
public:
  explicit LogView(QWidget* parent = nullptr);

  QPlainTextEdit* text() const { return text_; }
  QString log_file_text() const;  // the path line shown above the lines

public slots:
  void refresh();

protected:
  void showEvent(QShowEvent* event) override;
  void hideEvent(QHideEvent* event) override;

private:
  QPlainTextEdit* text_ = nullptr;
  QLabel* file_ = nullptr;
  QTimer* timer_ = nullptr;
  QString shown_;  // what the text holds, so an unchanged log does not reset the scroll position
};

}  // namespace dc::widgets
