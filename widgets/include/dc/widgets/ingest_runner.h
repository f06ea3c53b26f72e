#pragma once
#include "dc/core/io/ingester.h"

#include <QObject>
#include <QString>
#include <QStringList>
#include <atomic>
#include <filesystem>
#include <memory>
#include <mutex>

class QProgressDialog;
class QWidget;

namespace dc::widgets {

// Runs dc::core::Ingester on folders in a worker thread with its own catalog connection, so the GUI stays live.
// Progress and the result arrive as signals on the GUI thread; cancel() stops between drives (and between files
// where the readers check it). Nothing here ever waits for the worker: destroying the runner (switching catalogs)
// cancels it and lets it finish in the background, detached from the runner.
class IngestRunner : public QObject {
  Q_OBJECT
public:
  explicit IngestRunner(std::filesystem::path catalog_file, QObject* parent = nullptr);
  ~IngestRunner() override;  // cancels and detaches a running worker; returns at once

  const std::filesystem::path& catalog_file() const { return catalog_file_; }
  // Starts ingesting; false (and nothing happens) while a run is going on or when paths is empty.
  bool start(const QStringList& paths);
  bool is_running() const { return running_; }
  bool was_cancelled() const { return cancelled_; }
  // Of the last finished run (empty before): what was found and every problem.
  const dc::core::IngestReport& report() const { return report_; }
  QString failure() const { return failure_; }  // the exception that ended the last run early, "" when none

  // A progress dialog that follows this runner (percent, message, Cancel) and closes itself when it finishes.
  QProgressDialog* show_progress_dialog(QWidget* parent);

public slots:
  void cancel();

signals:
  void started();
  void progress(int percent, const QString& message);
  // summary: one line ("2 drive(s), 60 frames added, 1 error" / "cancelled" / the failure); errors: how many
  // problems were found (a failure counts as one).
  void finished(const QString& summary, int errors);

private:
  // What a worker shares with its runner; outlives the runner when the worker is detached.
  struct WorkerState;
  void on_worker_done(dc::core::IngestReport report, QString failure, bool cancelled);

  std::filesystem::path catalog_file_;
  std::shared_ptr<WorkerState> worker_;  // of the running worker; null when none
  bool running_ = false;
  bool cancelled_ = false;
  dc::core::IngestReport report_;
  QString failure_;
};

}  // namespace dc::widgets
