#include "dc/widgets/ingest_runner.h"

#include "dc/core/catalog/catalog.h"

#include <QDateTime>
#include <QMetaObject>
#include <QProgressDialog>
#include <algorithm>
#include <cmath>

namespace dc::widgets {

IngestRunner::IngestRunner(std::filesystem::path catalog_file, QObject* parent)
    : QObject(parent), catalog_file_(std::move(catalog_file)) {
  pool_.setMaxThreadCount(1);
}

IngestRunner::~IngestRunner() {
  cancel_.store(true);
  pool_.waitForDone();
}

bool IngestRunner::start(const QStringList& paths) {
  if (running_ || paths.isEmpty()) return false;
  std::vector<std::filesystem::path> folders;
  for (const auto& p : paths) folders.emplace_back(p.toStdString());
  running_ = true;
  cancelled_ = false;
  failure_.clear();
  cancel_.store(false);
  {
    std::lock_guard lock(progress_mutex_);
    last_percent_ = -1;
    last_post_ms_ = 0;
  }
  emit started();
  pool_.start([this, folders = std::move(folders)] {
    dc::core::IngestReport report;
    QString failure;
    bool cancelled = false;
    try {
      dc::core::Catalog catalog(catalog_file_);  // one connection per thread; WAL lets the GUI keep reading
      dc::core::Progress progress;
      progress.cancel = &cancel_;
      progress.report = [this](double done, double total, const std::string& message) {
        report_progress(done, total, message);
      };
      report = dc::core::Ingester(catalog).ingest(folders, progress);
    } catch (const dc::core::Cancelled&) {
      cancelled = true;
    } catch (const std::exception& e) {
      failure = QString::fromUtf8(e.what());
    }
    cancelled = cancelled || cancel_.load();
    QMetaObject::invokeMethod(
        this,
        [this, report = std::move(report), failure, cancelled]() mutable {
          on_worker_done(std::move(report), failure, cancelled);
        },
        Qt::QueuedConnection);
  });
  return true;
}

void IngestRunner::cancel() {
  if (running_) cancel_.store(true);
}

void IngestRunner::report_progress(double done, double total, const std::string& message) {
  const int percent = total > 0 ? std::clamp(static_cast<int>(std::floor(100.0 * done / total)), 0, 100) : 0;
  const qint64 now = QDateTime::currentMSecsSinceEpoch();
  {
    // Many reports per second would flood the GUI's event queue: post on a new percent or every 100 ms.
    std::lock_guard lock(progress_mutex_);
    if (percent == last_percent_ && now - last_post_ms_ < 100) return;
    last_percent_ = percent;
    last_post_ms_ = now;
  }
  const QString text = QString::fromStdString(message);
  QMetaObject::invokeMethod(
      this, [this, percent, text] { emit progress(percent, text); }, Qt::QueuedConnection);
}

void IngestRunner::on_worker_done(dc::core::IngestReport report, QString failure, bool cancelled) {
  running_ = false;
  cancelled_ = cancelled;
  failure_ = failure;
  report_ = std::move(report);
  const int errors = static_cast<int>(report_.errors.size()) + (failure.isEmpty() ? 0 : 1);
  QString summary;
  if (!failure.isEmpty()) {
    summary = tr("Ingest failed: %1").arg(failure);
  } else if (cancelled) {
    summary = tr("Ingest cancelled");
  } else {
    const auto& s = report_.stats;
    summary = tr("%n drive(s) found", "", static_cast<int>(report_.drives.size())) +
              tr(", %1 new, %2 frames, %3 samples, %4 labels added")
                  .arg(s.drives_added)
                  .arg(s.frames_added)
                  .arg(s.samples_added)
                  .arg(s.labels_added);
    if (errors > 0) summary += tr(", %n problem(s)", "", errors);
  }
  emit progress(100, summary);
  emit finished(summary, errors);
}

QProgressDialog* IngestRunner::show_progress_dialog(QWidget* parent) {
  auto* dialog = new QProgressDialog(tr("Ingesting…"), tr("Cancel"), 0, 100, parent);
  dialog->setWindowTitle(tr("Ingest"));
  dialog->setAttribute(Qt::WA_DeleteOnClose);
  dialog->setWindowModality(Qt::WindowModal);
  dialog->setMinimumDuration(0);
  dialog->setAutoClose(false);
  dialog->setAutoReset(false);
  dialog->setValue(0);
  connect(this, &IngestRunner::progress, dialog, [dialog](int percent, const QString& message) {
    dialog->setValue(percent);
    dialog->setLabelText(message);
  });
  connect(dialog, &QProgressDialog::canceled, this, &IngestRunner::cancel);
  connect(this, &IngestRunner::finished, dialog, &QProgressDialog::close);
  dialog->show();
  return dialog;
}

}  // namespace dc::widgets
