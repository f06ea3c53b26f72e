#include "dc/widgets/pass_launch_dialog.h"

#include "dc/core/passes/pass_registry.h"
#include "dc/widgets/pass_parameter_form.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QScrollArea>
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

  auto* top = new QFormLayout;
  top->addRow(tr("Pass"), pass_box_);
  top->addRow(QString(), summary_);
  top->addRow(tr("Drives"), drives_);
  auto* params = new QGroupBox(tr("Parameters"), this);
  auto* params_layout = new QVBoxLayout(params);
  params_layout->addWidget(scroll);
  auto* layout = new QVBoxLayout(this);
  layout->addLayout(top);
  layout->addWidget(params, 1);
  layout->addWidget(message_);
  layout->addWidget(buttons);

  connect(pass_box_, &QComboBox::currentIndexChanged, this, &PassLaunchDialog::on_pass_changed);
  connect(form_, &PassParameterForm::changed, this, &PassLaunchDialog::update_message);
  connect(drives_, &QListWidget::itemChanged, this, &PassLaunchDialog::update_message);
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
  run_->setToolTip(lines.isEmpty() ? tr("Queue the run(s); the Jobs panel shows their progress") : lines.join('\n'));
}

void PassLaunchDialog::try_run() {
  tried_ = true;
  update_message();
  if (!problems().isEmpty()) return;
  emit run_requested(requests());
  accept();
}

}  // namespace dc::widgets
