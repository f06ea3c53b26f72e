#pragma once
#include <QDialog>
#include <QString>
#include <cstdint>

class QLabel;
class QPlainTextEdit;
class QTimer;

namespace dc::widgets {

// The log file of one pass run (what execute_pass_run wrote for it), re-read every second while open so a running
// pass can be followed.
class RunLogView : public QDialog {
  Q_OBJECT
public:
  explicit RunLogView(QWidget* parent = nullptr);

  void show_run(std::int64_t run, const QString& log_file);
  std::int64_t run() const { return run_; }
  QString log_file() const { return file_; }
  QPlainTextEdit* text() const { return text_; }

public slots:
  void refresh();

protected:
  void showEvent(QShowEvent* event) override;
  void hideEvent(QHideEvent* event) override;

private:
  std::int64_t run_ = 0;
  QString file_;
  QString shown_;
  QLabel* path_ = nullptr;
  QPlainTextEdit* text_ = nullptr;
  QTimer* timer_ = nullptr;
};

}  // namespace dc::widgets
