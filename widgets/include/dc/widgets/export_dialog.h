#pragma once
#include <QDialog>
#include <QString>

#include <atomic>
#include <filesystem>
#include <memory>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QSpinBox;

namespace dc::widgets {

// Export a collection as a training dataset: collection, format (KITTI object / raw), target folder, train fraction
// and seed of the drive split, label sources and review states, calibration, DontCare outside the camera view and
// copying instead of hard-linking. The export runs in a worker thread with its own catalog connection (recorded in
// the catalog's exports like the command line's); a progress bar follows it and Cancel stops it, leaving nothing
// under the target name.
class ExportDialog : public QDialog {
  Q_OBJECT
public:
  explicit ExportDialog(std::filesystem::path catalog_file, QWidget* parent = nullptr);
  ~ExportDialog() override;  // cancels a running export and waits for it to stop (it stops after the current file)

  bool is_running() const { return running_; }
  QString last_result() const { return last_result_; }  // the status line of the last finished run

public slots:
  void start_export();
  void cancel_export();
  void reject() override;  // Escape / window close while exporting cancels the export first

signals:
  void export_finished(bool ok, const QString& message);

private slots:
  void on_progress(double done, double total, const QString& file);
  void on_done(bool ok, const QString& message);

private:
  struct Worker;
  void reload_collections();
  void update_enabled();

  std::filesystem::path catalog_file_;
  QComboBox* collection_ = nullptr;
  QComboBox* format_ = nullptr;
  QLineEdit* folder_ = nullptr;
  QDoubleSpinBox* split_ = nullptr;
  QSpinBox* seed_ = nullptr;
  QCheckBox* sources_[4] = {};  // gt, auto, model, manual
  QCheckBox* review_[4] = {};   // unreviewed, accepted, fixed, rejected
  QComboBox* calibration_ = nullptr;
  QCheckBox* dont_care_ = nullptr;
  QCheckBox* copy_ = nullptr;
  QProgressBar* progress_ = nullptr;
  QLabel* status_ = nullptr;
  QPushButton* export_button_ = nullptr;
  QPushButton* cancel_button_ = nullptr;
  QPushButton* close_button_ = nullptr;
  std::shared_ptr<Worker> worker_;
  bool running_ = false;
  QString last_result_;
};

}  // namespace dc::widgets
