#include "dc/widgets/export_dialog.h"

#include "dc/core/catalog/catalog.h"
#include "dc/core/export/dataset_exporter.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QMetaObject>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

#include <thread>

namespace dc::widgets {

namespace {
constexpr const char* kSources[4] = {"gt", "auto", "model", "manual"};
constexpr const char* kReview[4] = {"unreviewed", "accepted", "fixed", "rejected"};
}  // namespace

// The running export's thread and cancel flag; the dialog joins the thread before it goes away.
struct ExportDialog::Worker {
  std::atomic<bool> cancel{false};
  std::thread thread;
};

ExportDialog::ExportDialog(std::filesystem::path catalog_file, QWidget* parent)
    : QDialog(parent), catalog_file_(std::move(catalog_file)) {
  setWindowTitle(tr("Export collection"));
  auto* form = new QFormLayout;
  collection_ = new QComboBox;
  collection_->setObjectName("collection");
  form->addRow(tr("Collection"), collection_);
  format_ = new QComboBox;
  format_->setObjectName("format");
  format_->addItem(tr("KITTI object (one frame per sample)"), "kitti-object");
  format_->addItem(tr("KITTI raw (whole drives, tracklets)"), "kitti-raw");
  form->addRow(tr("Format"), format_);
  auto* folder_row = new QHBoxLayout;
  folder_ = new QLineEdit;
  folder_->setObjectName("folder");
  folder_->setPlaceholderText(tr("new or empty folder"));
  auto* browse = new QPushButton(tr("Browse…"));
  browse->setObjectName("browse");
  folder_row->addWidget(folder_);
  folder_row->addWidget(browse);
  form->addRow(tr("Folder"), folder_row);
  split_ = new QDoubleSpinBox;
  split_->setObjectName("split");
  split_->setRange(0.0, 1.0);
  split_->setSingleStep(0.05);
  split_->setDecimals(2);
  split_->setValue(0.8);
  split_->setToolTip(tr("Share of samples for train; whole drives go to train or val"));
  form->addRow(tr("Train fraction"), split_);
  seed_ = new QSpinBox;
  seed_->setObjectName("seed");
  seed_->setRange(0, 1'000'000'000);
  seed_->setValue(1);
  form->addRow(tr("Split seed"), seed_);
  auto* sources = new QHBoxLayout;
  for (int i = 0; i < 4; ++i) {
    sources_[i] = new QCheckBox(kSources[i]);
    sources_[i]->setObjectName(QString("source_") + kSources[i]);
    sources_[i]->setChecked(i == 0);
    sources->addWidget(sources_[i]);
  }
  form->addRow(tr("Label sources"), sources);
  auto* review = new QHBoxLayout;
  for (int i = 0; i < 4; ++i) {
    review_[i] = new QCheckBox(kReview[i]);
    review_[i]->setObjectName(QString("review_") + kReview[i]);
    review_[i]->setChecked(i < 3);  // rejected labels stay out unless asked for
    review->addWidget(review_[i]);
  }
  form->addRow(tr("Review states"), review);
  calibration_ = new QComboBox;
  calibration_->setObjectName("calibration");
  calibration_->addItem(tr("file (as ingested)"), "file");
  calibration_->addItem(tr("refined (newest calib-check refinement)"), "refined");
  form->addRow(tr("Calibration"), calibration_);
  dont_care_ = new QCheckBox(tr("Boxes outside the camera view as DontCare"));
  dont_care_->setObjectName("dont_care");
  form->addRow(QString(), dont_care_);
  copy_ = new QCheckBox(tr("Copy payload files instead of hard-linking them"));
  copy_->setObjectName("copy");
  form->addRow(QString(), copy_);

  progress_ = new QProgressBar;
  progress_->setObjectName("progress");
  progress_->setRange(0, 1000);
  progress_->setValue(0);
  status_ = new QLabel;
  status_->setObjectName("status");
  status_->setWordWrap(true);
  status_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  export_button_ = new QPushButton(tr("Export"));
  export_button_->setObjectName("export_button");
  export_button_->setDefault(true);
  cancel_button_ = new QPushButton(tr("Cancel"));
  cancel_button_->setObjectName("cancel_button");
  close_button_ = new QPushButton(tr("Close"));
  close_button_->setObjectName("close_button");
  auto* buttons = new QHBoxLayout;
  buttons->addStretch();
  buttons->addWidget(export_button_);
  buttons->addWidget(cancel_button_);
  buttons->addWidget(close_button_);

  auto* layout = new QVBoxLayout(this);
  layout->addLayout(form);
  layout->addWidget(progress_);
  layout->addWidget(status_);
  layout->addLayout(buttons);

  connect(browse, &QPushButton::clicked, this, [this] {
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Export folder"), folder_->text());
    if (!dir.isEmpty()) folder_->setText(dir);
  });
  connect(format_, &QComboBox::currentIndexChanged, this, [this] { update_enabled(); });
  connect(export_button_, &QPushButton::clicked, this, &ExportDialog::start_export);
  connect(cancel_button_, &QPushButton::clicked, this, &ExportDialog::cancel_export);
  connect(close_button_, &QPushButton::clicked, this, &QDialog::reject);
  reload_collections();
  update_enabled();
}

ExportDialog::~ExportDialog() {
  if (worker_) {
    worker_->cancel = true;
    if (worker_->thread.joinable()) worker_->thread.join();
  }
}

void ExportDialog::reload_collections() {
  collection_->clear();
  try {
    core::Catalog catalog(catalog_file_);
    for (const auto& c : catalog.tag_repository().collection_infos())
      collection_->addItem(QString::fromStdString(c.name) + tr("  (%1 samples)").arg(c.samples),
                           QString::fromStdString(c.name));
  } catch (const std::exception& e) {
    status_->setText(tr("Cannot read the collections: %1").arg(QString::fromStdString(e.what())));
  }
  if (collection_->count() == 0 && status_->text().isEmpty())
    status_->setText(tr("No collections yet: create one from a query (Tags menu or 'collection create')."));
}

void ExportDialog::update_enabled() {
  const bool object = format_->currentData().toString() == "kitti-object";
  // Camera-view DontCare belongs to the object layout (raw writes tracklets, not per-image rows).
  calibration_->setEnabled(!running_);
  dont_care_->setEnabled(object && !running_);
  for (QWidget* w : std::initializer_list<QWidget*>{collection_, format_, folder_, split_, seed_, copy_})
    w->setEnabled(!running_);
  for (auto* c : sources_) c->setEnabled(!running_);
  for (auto* c : review_) c->setEnabled(!running_);
  export_button_->setEnabled(!running_ && collection_->count() > 0);
  cancel_button_->setEnabled(running_);
  close_button_->setEnabled(!running_);
}

void ExportDialog::start_export() {
  if (running_) return;
  const QString folder = folder_->text().trimmed();
  if (collection_->currentIndex() < 0) {
    status_->setText(tr("Choose a collection."));
    return;
  }
  if (folder.isEmpty()) {
    status_->setText(tr("Choose a target folder (new or empty)."));
    return;
  }
  core::ExportOptions options;
  options.sources.clear();
  for (int i = 0; i < 4; ++i)
    if (sources_[i]->isChecked()) options.sources.push_back(kSources[i]);
  options.review.clear();
  for (int i = 0; i < 4; ++i)
    if (review_[i]->isChecked()) options.review.push_back(kReview[i]);
  if (options.sources.empty() || options.review.empty()) {
    status_->setText(tr("Choose at least one label source and one review state."));
    return;
  }
  options.train_fraction = split_->value();
  options.seed = static_cast<std::uint64_t>(seed_->value());
  const bool object = format_->currentData().toString() == "kitti-object";
  options.calibration = calibration_->currentData().toString() == "refined"
                            ? core::KittiCalibrationChoice::Refined
                            : core::KittiCalibrationChoice::File;
  options.dont_care_outside_view = object && dont_care_->isChecked();
  options.copy_payloads = copy_->isChecked();
  const std::string collection = collection_->currentData().toString().toStdString();
  const core::ExportFormat format = object ? core::ExportFormat::KittiObject : core::ExportFormat::KittiRaw;
  const std::filesystem::path target = folder.toStdString();

  if (worker_ && worker_->thread.joinable()) worker_->thread.join();  // the previous run has reported already
  worker_ = std::make_shared<Worker>();
  running_ = true;
  progress_->setValue(0);
  status_->setText(tr("Exporting…"));
  update_enabled();
  Worker* worker = worker_.get();
  // The dialog outlives the thread (its destructor joins it), so queued calls to `this` are safe.
  worker_->thread = std::thread([this, worker, collection, format, target, options] {
    core::Progress progress;
    progress.cancel = &worker->cancel;
    progress.report = [this](double done, double total, const std::string& message) {
      QMetaObject::invokeMethod(this, "on_progress", Qt::QueuedConnection, Q_ARG(double, done),
                                Q_ARG(double, total), Q_ARG(QString, QString::fromStdString(message)));
    };
    bool ok = false;
    QString message;
    try {
      core::Catalog catalog(catalog_file_);  // a connection of this thread's own
      const auto r = core::DatasetExporter(catalog).run(collection, format, target, options, progress);
      ok = true;
      message = tr("Exported %1 samples of %2 drives (%3 train, %4 val), %5 labels to %6 (%7 files hard-linked, "
                   "%8 copied)")
                    .arg(r.samples)
                    .arg(r.drives)
                    .arg(r.train)
                    .arg(r.val)
                    .arg(r.labels)
                    .arg(QString::fromStdString(r.target.string()))
                    .arg(r.linked)
                    .arg(r.copied);
    } catch (const core::Cancelled&) {
      message = tr("Cancelled: nothing was written under the target folder.");
    } catch (const std::exception& e) {
      message = tr("Export failed: %1").arg(QString::fromStdString(e.what()));
    }
    QMetaObject::invokeMethod(this, "on_done", Qt::QueuedConnection, Q_ARG(bool, ok), Q_ARG(QString, message));
  });
}

void ExportDialog::cancel_export() {
  if (!running_ || !worker_) return;
  worker_->cancel = true;
  status_->setText(tr("Cancelling…"));
}

void ExportDialog::reject() {
  if (running_) {
    cancel_export();
    return;
  }
  QDialog::reject();
}

void ExportDialog::on_progress(double done, double total, const QString& file) {
  if (!running_) return;
  progress_->setValue(total > 0 ? static_cast<int>(1000.0 * done / total) : 0);
  if (!worker_->cancel) status_->setText(tr("Exporting… %1").arg(file));
}

void ExportDialog::on_done(bool ok, const QString& message) {
  if (worker_ && worker_->thread.joinable()) worker_->thread.join();
  running_ = false;
  if (ok) progress_->setValue(progress_->maximum());
  status_->setText(message);
  last_result_ = message;
  update_enabled();
  emit export_finished(ok, message);
}

}  // namespace dc::widgets
