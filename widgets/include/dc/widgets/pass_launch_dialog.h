#pragma once
#include "dc/core/exec/pass_runner.h"
#include "dc/core/model/drive_summary.h"

#include <QDialog>
#include <vector>

class QComboBox;
class QLabel;
class QListWidget;
class QPushButton;

namespace dc::widgets {

class PassParameterForm;

// Passes → Run pass…: the pass (from core's registry), the drives to run it over (the open one checked at first)
// and its parameters (editors generated from the pass's schema). Run emits one request per checked drive and closes;
// with an invalid value or no drive it stays open and says what is wrong.
class PassLaunchDialog : public QDialog {
  Q_OBJECT
public:
  explicit PassLaunchDialog(QWidget* parent = nullptr);

  // The catalog's drives; `current` (a name) is checked, the others not. Keeps the chosen pass and values.
  void set_drives(const std::vector<dc::core::DriveSummary>& drives, const QString& current);
  bool select_pass(const QString& name);  // false for a pass the registry does not have
  QString pass_name() const;
  QStringList checked_drives() const;
  bool set_drive_checked(const QString& name, bool checked);

  // One request per checked drive with the form's values; empty when nothing is checked.
  std::vector<dc::core::PassRequest> requests() const;
  // What stops a run (invalid values, no drive), one line each; empty when it can run.
  QStringList problems() const;

  QComboBox* pass_box() const { return pass_box_; }
  QListWidget* drive_list() const { return drives_; }
  PassParameterForm* form() const { return form_; }
  QPushButton* run_button() const { return run_; }
  QLabel* message_label() const { return message_; }

signals:
  void run_requested(const std::vector<dc::core::PassRequest>& requests);

private:
  void on_pass_changed();
  void update_message();
  void try_run();

  QComboBox* pass_box_ = nullptr;
  QLabel* summary_ = nullptr;
  QListWidget* drives_ = nullptr;
  PassParameterForm* form_ = nullptr;
  QLabel* message_ = nullptr;
  QPushButton* run_ = nullptr;
  bool tried_ = false;  // problems are shown in red once Run was pressed; before, they are a quiet hint
};

}  // namespace dc::widgets
