#include "dc/widgets/ingest_runner.h"

#include "dc/core/catalog/catalog.h"

#include <QDateTime>
#include <QMetaObject>
#include <QProgressDialog>
#include <algorithm>
#include <cmath>
#include <thread>

namespace dc::widgets {

struct IngestRunner::WorkerState {
  std::atomic<bool> cancel{false};
  std::mutex mutex;               // guards owner, and posting to it against its destruction
  IngestRunner* owner = nullptr;  // null once the runner is gone: the worker then reports to nobody
  int last_percent = -1;
  qint64 last_post_ms = 0;

  // Runs `f` on the owner's (GUI) thread, unless the owner is gone. Posting under the mutex keeps the owner alive
  // until the event is queued; Qt drops queued events of a deleted object.
  template <typename F>
  void post(F f) {
    std::lock_guard lock(mutex);
    if (owner) QMetaObject::invokeMethod(owner, [owner = owner, f = std::move(f)]() mutable { f(owner); },
                                         Qt::QueuedConnection);
  }

  void report_progress(double done, double total, const std::string& message) {
    const int percent = total > 0 ? std::clamp(static_cast<int>(std::floor(100.0 * done / total)), 0, 100) : 0;
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    {
      // Many reports per second would flood the GUI's event queue: post on a new percent or every 100 ms.
      std::lock_guard lock(mutex);
      if (!owner || (percent == last_percent && now - last_post_ms < 100)) return;
      last_percent = percent;
      last_post_ms = now;
    }
    const QString text = QString::fromStdString(message);
    post([percent, text](IngestRunner* runner) { emit runner->progress(percent, text); });
  }
};

IngestRunner::IngestRunner(std::filesystem::path catalog_file, QObject* parent)
    : QObject(parent), catalog_file_(std::move(catalog_file)) {}

IngestRunner::~IngestRunner() {
  if (!worker_) return;
  worker_->cancel.store(true);
  std::lock_guard lock(worker_->mutex);  // waits at most for one post, never for the ingest
  worker_->owner = nullptr;
}

bool IngestRunner::start(const QStringList& paths) {
  if (running_ || paths.isEmpty()) return false;
  std::vector<std::filesystem::path> folders;
  for (const auto& p : paths) folders.emplace_back(p.toStdString());
  running_ = true;
  cancelled_ = false;
  failure_.clear();
  worker_ = std::make_shared<WorkerState>();
  worker_->owner = this;
  emit started();
  // A plain detached thread, not a pool the runner owns: a pool's destructor would wait for the ingest.
  std::thread([state = worker_, catalog_file = catalog_file_, folders = std::move(folders)] {
    dc::core::IngestReport report;
    QString failure;
    bool cancelled = false;
    try {
      dc::core::Catalog catalog(catalog_file);  // one connection per thread; WAL lets the GUI keep reading
      dc::core::Progress progress;
      progress.cancel = &state->cancel;
      progress.report = [&state](double done, double total, const std::string& message) {
        state->report_progress(done, total, message);
      };
      report = dc::core::Ingester(catalog).ingest(folders, progress);
    } catch (const dc::core::Cancelled&) {
      cancelled = true;
    } catch (const std::exception& e) {
      failure = QString::fromUtf8(e.what());
    }
    cancelled = cancelled || state->cancel.load();
    state->post([report = std::move(report), failure, cancelled](IngestRunner* runner) mutable {
      runner->on_worker_done(std::move(report), failure, cancelled);
    });
  }).detach();
  return true;
}

void IngestRunner::cancel() {
  if (running_ && worker_) worker_->cancel.store(true);
}

void IngestRunner::on_worker_done(dc::core::IngestReport report, QString failure, bool cancelled) {
  running_ = false;
  worker_.reset();
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
  dialog->setWindowModality(Qt::NonModal);  // the ingest runs in the background: keep browsing meanwhile
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
  connect(this, &QObject::destroyed, dialog, &QProgressDialog::close);  // runner dropped (catalog switched)
  dialog->show();
  return dialog;
}

}  // namespace dc::widgets
