#pragma once
// A private one-node Slurm cluster for tests: munged + slurmctld + slurmd on 127.0.0.1, all in a temporary folder
// the object owns, on free ports of its own. Needs root and Debian's slurm-wlm + munge packages; when it cannot
// start, ok() is false and skip_reason() says why (tests QSKIP with it). The destructor cancels the cluster's jobs
// and stops the daemons it started, by pid (SIGTERM, wait, SIGKILL). The daemons also get SIGTERM if the test
// process dies (PR_SET_PDEATHSIG), so a crashed run leaves nothing behind.
//
//   dc::test::SlurmTestCluster cluster;
//   if (!cluster.ok()) QSKIP(qPrintable(cluster.skip_reason()));
//   auto r = cluster.run("sbatch", {"--parsable", script});   // SLURM_CONF is set in cluster.environment()
#include "test_support.h"

#include <QList>
#include <QMap>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>

#include <map>
#include <memory>
#include <string>

class QProcess;
class QTemporaryDir;

namespace dc::test {

// Free, distinct TCP ports on 127.0.0.1, chosen below the kernel's ephemeral range (checked by binding, released).
QList<int> free_tcp_ports(int count);
// SIGTERM, then SIGKILL after 3 s, to every process (but this one) whose environment holds `entry` exactly
// ("NAME=value"). Returns how many matched.
int kill_processes_with_env(const QString& entry);
// Removes <tmp>/<prefix>* folders whose owner.pid names a process that no longer exists (a crashed or killed test
// run), first ending the processes that still carry SLURM_CONF=<folder>/slurm.conf. Returns how many it removed.
int reap_stale_test_dirs(const QString& prefix);

class SlurmTestCluster {
 public:
  struct Options {
    QString root_dir;              // empty: a fresh QTemporaryDir the cluster owns and removes
    bool second_partition = true;  // also define partition "second" (not default) on the same node
    int start_timeout_ms = 20000;  // until the node reports idle
  };

  SlurmTestCluster();
  explicit SlurmTestCluster(const Options& options);
  ~SlurmTestCluster();
  SlurmTestCluster(const SlurmTestCluster&) = delete;
  SlurmTestCluster& operator=(const SlurmTestCluster&) = delete;

  bool ok() const { return ok_; }
  QString skip_reason() const { return skip_reason_; }

  // The system environment without inherited SLURM_*/SBATCH_*/... variables, plus SLURM_CONF: give it to
  // sbatch/squeue/scontrol/scancel/sinfo.
  QProcessEnvironment environment() const;
  // Only the variables the cluster adds ({"SLURM_CONF", path}): e.g. for SshTestServer's SetEnv.
  std::map<std::string, std::string> env_vars() const;

  QString conf_path() const { return conf_path_; }
  QString root() const { return root_; }
  QString partition() const { return QStringLiteral("debug"); }  // Default=YES, MaxTime=INFINITE
  QString second_partition() const { return second_ ? QStringLiteral("second") : QString(); }
  QString node_name() const { return node_; }
  int cpus() const { return cpus_; }
  QString munge_socket() const { return munge_socket_; }
  double start_seconds() const { return start_seconds_; }  // constructor to node idle

  // Runs a Slurm client (or any program) with environment(), cwd = root(); argument vector, no shell.
  CommandResult run(const QString& program, const QStringList& args, int timeout_ms = 30000) const;
  // `scontrol show job -o ID`: one key/value map per job record (an array job gives one per task).
  QList<QMap<QString, QString>> show_job(const QString& job_id) const;
  // Last lines of the daemons' logs, for failure messages.
  QString log_tail(int lines = 30) const;

  // Cancels this cluster's jobs, stops the daemons by pid, then ends any process still carrying this cluster's
  // SLURM_CONF (a slurmstepd or job process that outlived slurmd). Also done by the destructor. Idempotent.
  void stop();

 private:
  bool start();
  bool start_daemon(std::unique_ptr<QProcess>& process, const QString& name, const QString& program,
                    const QStringList& args);
  void stop_daemon(std::unique_ptr<QProcess>& process);
  bool fail(const QString& reason);

  Options options_;
  std::unique_ptr<QTemporaryDir> temp_;
  QString root_, conf_path_, munge_socket_, node_;
  int cpus_ = 1;
  bool second_ = false;
  bool ok_ = false;
  QString skip_reason_;
  double start_seconds_ = 0;
  std::unique_ptr<QProcess> munged_, slurmctld_, slurmd_;
};

}  // namespace dc::test
