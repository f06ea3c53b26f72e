#pragma once
#include "dc/core/exec/pass_runner.h"
#include "dc/core/exec/slurm_options.h"
#include "dc/core/model/drive_summary.h"

#include <QDialog>
#include <map>
#include <string>
#include <vector>

class QComboBox;
class QGroupBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QPlainTextEdit;
class QPushButton;
class QRadioButton;
class QSpinBox;

namespace dc::widgets {

class PassParameterForm;

// One array job for SlurmExecutor::submit: the pass over every checked drive.
struct SlurmRequest {
  std::string pass;
  std::vector<std::string> drives;
  std::map<std::string, std::string> parameters;
  dc::core::SlurmOptions options;
};

// Passes → Run pass…: the pass (from core's registry), the drives to run it over (the open one checked at first)
// and its parameters (editors generated from the pass's schema). Run emits one request per checked drive and closes;
// with an invalid value or no drive it stays open and says what is wrong. With "Slurm cluster" chosen as the executor,
// Run emits one SlurmRequest (one array job over all checked drives) with the cluster fields instead.
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

  // Executor choice and the Slurm fields (the caller restores and remembers them, e.g. in QSettings).
  bool slurm_selected() const;
  void set_slurm_selected(bool slurm);
  dc::core::SlurmOptions slurm_options() const;
  void set_slurm_options(const dc::core::SlurmOptions& options);
  SlurmRequest slurm_request() const;

  QComboBox* pass_box() const { return pass_box_; }
  QListWidget* drive_list() const { return drives_; }
  PassParameterForm* form() const { return form_; }
  QPushButton* run_button() const { return run_; }
  QLabel* message_label() const { return message_; }
  QRadioButton* local_button() const { return local_; }
  QRadioButton* slurm_button() const { return slurm_; }
  QGroupBox* slurm_box() const { return slurm_box_; }
  QLineEdit* partition_edit() const { return partition_; }
  QLineEdit* job_root_edit() const { return job_root_; }
  QLineEdit* cli_path_edit() const { return cli_path_; }

signals:
  void run_requested(const std::vector<dc::core::PassRequest>& requests);
  void slurm_requested(const dc::widgets::SlurmRequest& request);

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
  QRadioButton* local_ = nullptr;
  QRadioButton* slurm_ = nullptr;
  QGroupBox* slurm_box_ = nullptr;
  QLineEdit *partition_ = nullptr, *account_ = nullptr, *time_limit_ = nullptr, *gres_ = nullptr, *memory_ = nullptr;
  QLineEdit *ssh_host_ = nullptr, *job_root_ = nullptr, *cli_path_ = nullptr;
  QSpinBox *cpus_ = nullptr, *shard_size_ = nullptr;
  QPlainTextEdit* extra_lines_ = nullptr;
  std::filesystem::path ssh_config_;  // no field: kept from the options given
  bool tried_ = false;  // problems are shown in red once Run was pressed; before, they are a quiet hint
};

}  // namespace dc::widgets
