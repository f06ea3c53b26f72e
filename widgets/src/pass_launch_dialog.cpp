#include "dc/widgets/pass_launch_dialog.h"

#include "dc/core/passes/pass_registry.h"
#include "dc/widgets/pass_parameter_form.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QRadioButton>
#include <QScrollArea>
#include <QSpinBox>
#include <QVBoxLayout>

namespace dc::widgets {

PassLaunchDialog::PassLaunchDialog(QWidget* parent) : QDialog(parent) {
  setWindowTitle(tr("Run pass"));
  setObjectName("passLaunchDialog");
  resize(720, 720);

  pass_box_ = new QComboBox(this);
  pass_box_->setObjectName("passBox");
  for (const auto& pass : dc::core::pass_registry()) {
    pass_box_->addItem(QString::fromStdString(pass->name()));
    pass_box_->setItemData(pass_box_->count() - 1, QString::fromStdString(pass->summary()), Qt::ToolTipRole);
  }
  summary_ = new QLabel(this);
  summary_->setWordWrap(true);
  summary_->setStyleSheet("color: #8a9099;");

  drives_ = new QListWidget(this);
  drives_->setObjectName("driveList");
  drives_->setMaximumHeight(120);

  form_ = new PassParameterForm(this);
  form_->setObjectName("parameterForm");
  auto* scroll = new QScrollArea(this);
  scroll->setWidget(form_);
  scroll->setWidgetResizable(true);
  scroll->setFrameShape(QFrame::NoFrame);

  message_ = new QLabel(this);
  message_->setObjectName("messageLabel");
  message_->setWordWrap(true);
  message_->setTextInteractionFlags(Qt::TextSelectableByMouse);

  auto* buttons = new QDialogButtonBox(this);
  run_ = buttons->addButton(tr("Run"), QDialogButtonBox::AcceptRole);
  run_->setObjectName("runButton");
  run_->setDefault(true);
  auto* defaults = buttons->addButton(tr("Defaults"), QDialogButtonBox::ResetRole);
  defaults->setObjectName("defaultsButton");
  auto* cancel = buttons->addButton(QDialogButtonBox::Cancel);
  cancel->setObjectName("cancelButton");
  // Run is handled here (the box's accepted() is left unconnected) so an invalid request keeps the dialog open.
  connect(run_, &QPushButton::clicked, this, &PassLaunchDialog::try_run);
  connect(defaults, &QPushButton::clicked, form_, &PassParameterForm::reset_to_defaults);
  connect(cancel, &QPushButton::clicked, this, &QDialog::reject);

  local_ = new QRadioButton(tr("This computer"), this);
  local_->setObjectName("localExecutorButton");
  local_->setChecked(true);
  slurm_ = new QRadioButton(tr("Slurm cluster"), this);
  slurm_->setObjectName("slurmExecutorButton");
  slurm_->setToolTip(tr("One sbatch array job over the checked drives (one task per drive or per shard)"));
  auto* executor = new QHBoxLayout;
  executor->addWidget(local_);
  executor->addWidget(slurm_);
  executor->addStretch(1);

  auto line = [this](const char* name, const QString& placeholder, const QString& tip) {
    auto* edit = new QLineEdit(this);
    edit->setObjectName(name);
    edit->setPlaceholderText(placeholder);
    edit->setToolTip(tip);
    return edit;
  };
  partition_ = line("partitionEdit", tr("cluster default"), tr("sbatch --partition"));
  account_ = line("accountEdit", tr("cluster default"), tr("sbatch --account"));
  time_limit_ = line("timeLimitEdit", tr("e.g. 30:00 or 1-00:00:00"), tr("sbatch --time"));
  gres_ = line("gresEdit", tr("e.g. gpu:1"), tr("sbatch --gres"));
  memory_ = line("memoryEdit", tr("e.g. 16G"), tr("sbatch --mem"));
  ssh_host_ = line("sshHostEdit", tr("none: Slurm commands run here"),
                   tr("Submit, poll and cancel through ssh to this login host"));
  job_root_ = line("jobRootEdit", tr("beside the catalog, in \"jobs\""),
                   tr("Where job folders go, on a filesystem the nodes share"));
  cli_path_ = line("cliPathEdit", tr("this installation's drivecurator-cli"),
                   tr("drivecurator-cli as the nodes see it"));
  cpus_ = new QSpinBox(this);
  cpus_->setObjectName("cpusSpin");
  cpus_->setRange(0, 1024);
  cpus_->setSpecialValueText(tr("cluster default"));
  cpus_->setToolTip(tr("sbatch --cpus-per-task"));
  shard_size_ = new QSpinBox(this);
  shard_size_->setObjectName("shardSizeSpin");
  shard_size_->setRange(0, 10000000);
  shard_size_->setSpecialValueText(tr("one task per drive"));
  shard_size_->setToolTip(tr("Samples per array task; 0: one task per drive"));
  extra_lines_ = new QPlainTextEdit(this);
  extra_lines_->setObjectName("extraLinesEdit");
  extra_lines_->setPlaceholderText(tr("#SBATCH --qos=normal"));
  extra_lines_->setToolTip(tr("More #SBATCH lines for the batch script, one a line, as given"));
  extra_lines_->setMaximumHeight(60);
  extra_lines_->setTabChangesFocus(true);

  slurm_box_ = new QGroupBox(tr("Slurm"), this);
  slurm_box_->setObjectName("slurmBox");
  auto* slurm_form = new QFormLayout(slurm_box_);
  slurm_form->addRow(tr("Partition"), partition_);
  slurm_form->addRow(tr("Account"), account_);
  slurm_form->addRow(tr("Time limit"), time_limit_);
  slurm_form->addRow(tr("GRES"), gres_);
  slurm_form->addRow(tr("CPUs per task"), cpus_);
  slurm_form->addRow(tr("Memory"), memory_);
  slurm_form->addRow(tr("Extra #SBATCH lines"), extra_lines_);
  slurm_form->addRow(tr("SSH login host"), ssh_host_);
  slurm_form->addRow(tr("Shard size"), shard_size_);
  slurm_form->addRow(tr("Job folder root"), job_root_);
  slurm_form->addRow(tr("Node program (advanced)"), cli_path_);
  slurm_box_->setVisible(false);

  auto* top = new QFormLayout;
  top->addRow(tr("Pass"), pass_box_);
  top->addRow(QString(), summary_);
  top->addRow(tr("Drives"), drives_);
  top->addRow(tr("Run on"), executor);
  auto* params = new QGroupBox(tr("Parameters"), this);
  auto* params_layout = new QVBoxLayout(params);
  params_layout->addWidget(scroll);
  auto* layout = new QVBoxLayout(this);
  layout->addLayout(top);
  layout->addWidget(params, 1);
  layout->addWidget(slurm_box_);
  layout->addWidget(message_);
  layout->addWidget(buttons);

  connect(pass_box_, &QComboBox::currentIndexChanged, this, &PassLaunchDialog::on_pass_changed);
  connect(form_, &PassParameterForm::changed, this, &PassLaunchDialog::update_message);
  connect(drives_, &QListWidget::itemChanged, this, &PassLaunchDialog::update_message);
  connect(slurm_, &QRadioButton::toggled, this, [this](bool on) {
    slurm_box_->setVisible(on);
    if (on && height() < 940) resize(width(), 940);  // room for the cluster fields beside the parameters
    update_message();
  });
  on_pass_changed();
}

void PassLaunchDialog::set_drives(const std::vector<dc::core::DriveSummary>& drives, const QString& current) {
  const QSignalBlocker block(drives_);
  drives_->clear();
  for (const auto& d : drives) {
    auto* item = new QListWidgetItem(QString::fromStdString(d.name), drives_);
    item->setFlags(Qt::ItemIsUserCheckable | Qt::ItemIsEnabled | Qt::ItemIsSelectable);
    item->setCheckState(item->text() == current ? Qt::Checked : Qt::Unchecked);
    item->setToolTip(QString::fromStdString(d.root));
  }
  update_message();
}

bool PassLaunchDialog::select_pass(const QString& name) {
  const int index = pass_box_->findText(name);
  if (index < 0) return false;
  pass_box_->setCurrentIndex(index);
  return true;
}

QString PassLaunchDialog::pass_name() const {
  return pass_box_->currentText();
}

QStringList PassLaunchDialog::checked_drives() const {
  QStringList names;
  for (int i = 0; i < drives_->count(); ++i)
    if (drives_->item(i)->checkState() == Qt::Checked) names << drives_->item(i)->text();
  return names;
}

bool PassLaunchDialog::set_drive_checked(const QString& name, bool checked) {
  for (int i = 0; i < drives_->count(); ++i)
    if (drives_->item(i)->text() == name) {
      drives_->item(i)->setCheckState(checked ? Qt::Checked : Qt::Unchecked);
      return true;
    }
  return false;
}

std::vector<dc::core::PassRequest> PassLaunchDialog::requests() const {
  std::vector<dc::core::PassRequest> out;
  const auto values = form_->values();
  for (const QString& drive : checked_drives()) {
    dc::core::PassRequest r;
    r.pass = pass_name().toStdString();
    r.drive = drive.toStdString();
    r.parameters = values;
    out.push_back(std::move(r));
  }
  return out;
}

QStringList PassLaunchDialog::problems() const {
  QStringList out = form_->problems();
  if (checked_drives().isEmpty()) out << tr("choose at least one drive");
  return out;
}

bool PassLaunchDialog::slurm_selected() const {
  return slurm_->isChecked();
}

void PassLaunchDialog::set_slurm_selected(bool slurm) {
  (slurm ? slurm_ : local_)->setChecked(true);
}

dc::core::SlurmOptions PassLaunchDialog::slurm_options() const {
  dc::core::SlurmOptions o;
  o.partition = partition_->text().trimmed().toStdString();
  o.account = account_->text().trimmed().toStdString();
  o.time_limit = time_limit_->text().trimmed().toStdString();
  o.gres = gres_->text().trimmed().toStdString();
  o.cpus_per_task = cpus_->value();
  o.memory = memory_->text().trimmed().toStdString();
  for (const QString& l : extra_lines_->toPlainText().split('\n', Qt::SkipEmptyParts))
    if (!l.trimmed().isEmpty()) o.extra_lines.push_back(l.trimmed().toStdString());
  o.ssh_host = ssh_host_->text().trimmed().toStdString();
  o.ssh_config = ssh_config_;
  o.shard_size = shard_size_->value();
  o.job_root = job_root_->text().trimmed().toStdString();
  o.cli_path = cli_path_->text().trimmed().toStdString();
  return o;
}

void PassLaunchDialog::set_slurm_options(const dc::core::SlurmOptions& o) {
  partition_->setText(QString::fromStdString(o.partition));
  account_->setText(QString::fromStdString(o.account));
  time_limit_->setText(QString::fromStdString(o.time_limit));
  gres_->setText(QString::fromStdString(o.gres));
  cpus_->setValue(o.cpus_per_task);
  memory_->setText(QString::fromStdString(o.memory));
  QStringList lines;
  for (const auto& l : o.extra_lines) lines << QString::fromStdString(l);
  extra_lines_->setPlainText(lines.join('\n'));
  ssh_host_->setText(QString::fromStdString(o.ssh_host));
  ssh_config_ = o.ssh_config;
  shard_size_->setValue(o.shard_size);
  job_root_->setText(QString::fromStdString(o.job_root.string()));
  cli_path_->setText(QString::fromStdString(o.cli_path.string()));
}

SlurmRequest PassLaunchDialog::slurm_request() const {
  SlurmRequest r;
  r.pass = pass_name().toStdString();
  for (const QString& d : checked_drives()) r.drives.push_back(d.toStdString());
  r.parameters = form_->values();
  r.options = slurm_options();
  return r;
}

void PassLaunchDialog::on_pass_changed() {
  const auto* pass = dc::core::find_pass(pass_name().toStdString());
  summary_->setText(pass ? QString::fromStdString(pass->summary()) : QString());
  form_->set_schema(pass ? pass->parameters() : std::vector<dc::core::ParamSpec>{});
  tried_ = false;
  update_message();
}

void PassLaunchDialog::update_message() {
  const QStringList lines = problems();
  message_->setText(lines.join('\n'));
  message_->setStyleSheet(tried_ ? "color: #ef5350;" : "color: #ffa726;");
  const QString ready = slurm_selected() ? tr("Submit one array job; the Jobs panel shows its tasks")
                                         : tr("Queue the run(s); the Jobs panel shows their progress");
  run_->setToolTip(lines.isEmpty() ? ready : lines.join('\n'));
}

void PassLaunchDialog::try_run() {
  tried_ = true;
  update_message();
  if (!problems().isEmpty()) return;
  if (slurm_selected())
    emit slurm_requested(slurm_request());
  else
    emit run_requested(requests());
  accept();
}

}  // namespace dc::widgets
