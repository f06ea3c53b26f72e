// The test Slurm cluster and ssh server themselves: a private one-node cluster (munged + slurmctld + slurmd on
// 127.0.0.1) runs a job array, cancels a running job, and takes a submission through a private sshd whose sessions
// see the cluster's SLURM_CONF. Timings are printed (cluster start, submit-to-running, ssh hop). Skips with the
// reason when the daemons cannot start (not root, packages missing).
#include "slurm_test_cluster.h"
#include "ssh_test_server.h"
#include "test_support.h"

#include <QDeadlineTimer>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QTest>
#include <QThread>

#include <memory>

namespace fs = std::filesystem;
using dc::test::CommandResult;
using dc::test::SlurmTestCluster;
using dc::test::SshTestServer;

namespace {

QString q(const fs::path& p) {
  return QString::fromStdString(p.string());
}

void write_script(const fs::path& file, const std::string& text) {
  dc::test::write_text(file, text);
  fs::permissions(file, fs::perms::owner_all | fs::perms::group_read | fs::perms::others_read);
}

// `sbatch --parsable` prints "ID" or "ID;CLUSTER".
QString parse_job_id(const std::string& out) {
  return QString::fromStdString(out).trimmed().section(';', 0, 0);
}

std::string file_text(const fs::path& p) {
  return fs::exists(p) ? dc::test::read_text(p) : std::string();
}

}  // namespace

class TestSlurmCluster : public QObject {
  Q_OBJECT
  std::unique_ptr<SlurmTestCluster> cluster_;
  fs::path work_;

  // squeue states of a job (all array tasks); empty once it left the queue.
  QStringList queue_states(const QString& job_id) const {
    const CommandResult r = cluster_->run("squeue", {"-h", "-j", job_id, "-o", "%T"}, 10000);
    return QString::fromStdString(r.out).split('\n', Qt::SkipEmptyParts);
  }

  // Polls squeue until some task runs or the job left the queue; returns seconds since `since`, or -1.
  double wait_running(const QString& job_id, const QElapsedTimer& since, int timeout_ms = 30000) const {
    QDeadlineTimer deadline(timeout_ms);
    while (!deadline.hasExpired()) {
      const QStringList states = queue_states(job_id);
      if (states.isEmpty() || states.contains("RUNNING") || states.contains("COMPLETING"))
        return since.nsecsElapsed() / 1e9;
      QThread::msleep(20);
    }
    return -1;
  }

  // Polls until squeue no longer lists the job, then returns its scontrol records (one per array task).
  QList<QMap<QString, QString>> wait_finished(const QString& job_id, int timeout_ms = 60000) const {
    QDeadlineTimer deadline(timeout_ms);
    while (!deadline.hasExpired() && !queue_states(job_id).isEmpty()) QThread::msleep(50);
    return cluster_->show_job(job_id);
  }

 private slots:
  void initTestCase() {
    cluster_ = std::make_unique<SlurmTestCluster>();
    if (!cluster_->ok()) QSKIP(qPrintable(cluster_->skip_reason()));
    work_ = dc::test::fresh_work_dir("slurm_cluster");
    qInfo("cluster start: %.3f s (node %s, %d CPUs, conf %s)", cluster_->start_seconds(),
          qPrintable(cluster_->node_name()), cluster_->cpus(), qPrintable(cluster_->conf_path()));
    const CommandResult r = cluster_->run("sinfo", {"-h", "-o", "%P %a %l %D %T"});
    QCOMPARE(r.exit_code, 0);
    QVERIFY2(QString::fromStdString(r.out).contains("debug* up infinite 1 idle"), r.out.c_str());
    QVERIFY2(QString::fromStdString(r.out).contains("second up infinite 1 idle"), r.out.c_str());
  }

  void arrayJobRunsBothTasks() {
    const fs::path dir = work_ / "array";
    fs::create_directories(dir);
    const fs::path script = dir / "task.sh";
    write_script(script, "#!/bin/sh\necho \"$SLURM_ARRAY_TASK_ID\" > \"$1/task_$SLURM_ARRAY_TASK_ID.txt\"\n");
    QElapsedTimer since;
    since.start();
    const CommandResult r =
        cluster_->run("sbatch", {"--parsable", "--array=0-1", "-o", q(dir / "slurm-%A_%a.out"), q(script), q(dir)});
    QVERIFY2(r.exit_code == 0, r.err.c_str());
    const QString id = parse_job_id(r.out);
    QVERIFY2(!id.isEmpty(), r.out.c_str());
    const double running = wait_running(id, since);
    QVERIFY2(running >= 0, qPrintable(cluster_->log_tail()));
    const auto jobs = wait_finished(id);
    const double done = since.nsecsElapsed() / 1e9;
    qInfo("array job %s: submit-to-running %.3f s, submit-to-finished %.3f s", qPrintable(id), running, done);
    QCOMPARE(jobs.size(), qsizetype(2));
    QSet<QString> tasks;
    for (const auto& job : jobs) {
      QCOMPARE(job.value("JobState"), QString("COMPLETED"));
      QCOMPARE(job.value("ExitCode"), QString("0:0"));
      QCOMPARE(job.value("ArrayJobId"), id);
      QCOMPARE(job.value("Partition"), cluster_->partition());
      tasks << job.value("ArrayTaskId");
    }
    QCOMPARE(tasks, (QSet<QString>{"0", "1"}));
    QCOMPARE(file_text(dir / "task_0.txt"), std::string("0\n"));
    QCOMPARE(file_text(dir / "task_1.txt"), std::string("1\n"));
  }

  void runningJobIsCancelled() {
    const fs::path dir = work_ / "cancel";
    fs::create_directories(dir);
    const fs::path script = dir / "sleep.sh";
    // exec: the job's only process is sleep, which scancel's SIGTERM ends at once.
    write_script(script, "#!/bin/sh\nexec sleep 60\n");
    QElapsedTimer since;
    since.start();
    const CommandResult r = cluster_->run("sbatch", {"--parsable", "--partition", cluster_->second_partition(), "-o",
                                                     q(dir / "slurm-%j.out"), q(script)});
    QVERIFY2(r.exit_code == 0, r.err.c_str());
    const QString id = parse_job_id(r.out);
    const double running = wait_running(id, since);
    QVERIFY(running >= 0);
    QCOMPARE(queue_states(id), QStringList{"RUNNING"});
    QElapsedTimer cancel;
    cancel.start();
    const CommandResult c = cluster_->run("scancel", {id});
    QVERIFY2(c.exit_code == 0, c.err.c_str());
    const auto jobs = wait_finished(id, 30000);
    qInfo("sleep job %s: submit-to-running %.3f s, scancel-to-gone %.3f s", qPrintable(id), running,
          cancel.nsecsElapsed() / 1e9);
    QCOMPARE(jobs.size(), qsizetype(1));
    QCOMPARE(jobs[0].value("JobState"), QString("CANCELLED"));
    QCOMPARE(jobs[0].value("Partition"), cluster_->second_partition());
  }

  void submitThroughSshHop() {
    SshTestServer ssh(cluster_->env_vars());
    if (!ssh.ok()) QSKIP(qPrintable(ssh.skip_reason()));
    qInfo("sshd start: %.3f s (port %d)", ssh.start_seconds(), ssh.port());
    QElapsedTimer hop;
    hop.start();
    const CommandResult env = ssh.run("printenv SLURM_CONF");
    const double hop_s = hop.nsecsElapsed() / 1e9;
    QVERIFY2(env.exit_code == 0, env.err.c_str());
    QCOMPARE(QString::fromStdString(env.out).trimmed(), cluster_->conf_path());

    // A folder with a space and a quote in its name: each path is one word for the remote shell.
    const fs::path dir = work_ / "ssh hop's dir";
    fs::create_directories(dir);
    const fs::path script = dir / "job script.sh";
    write_script(script, "#!/bin/sh\necho \"ran on $SLURMD_NODENAME\" > \"$1/result.txt\"\n");
    const QString remote = QStringList{"sbatch",
                                       "--parsable",
                                       "-o",
                                       SshTestServer::shell_quote(q(dir / "slurm-%j.out")),
                                       SshTestServer::shell_quote(q(script)),
                                       SshTestServer::shell_quote(q(dir))}
                               .join(' ');
    QElapsedTimer since;
    since.start();
    const CommandResult r = ssh.run(remote);
    const double submit_s = since.nsecsElapsed() / 1e9;
    QVERIFY2(r.exit_code == 0, (r.err + "\n" + ssh.log_tail().toStdString()).c_str());
    const QString id = parse_job_id(r.out);
    QVERIFY2(!id.isEmpty(), r.out.c_str());
    const double running = wait_running(id, since);
    QVERIFY(running >= 0);
    const auto jobs = wait_finished(id);
    qInfo(
        "ssh hop: `ssh printenv` round trip %.3f s, `ssh sbatch` %.3f s, submit-to-running %.3f s, "
        "submit-to-finished %.3f s",
        hop_s, submit_s, running, since.nsecsElapsed() / 1e9);
    QCOMPARE(jobs.size(), qsizetype(1));
    QCOMPARE(jobs[0].value("JobState"), QString("COMPLETED"));
    QCOMPARE(jobs[0].value("ExitCode"), QString("0:0"));
    // Slurm 22.05 shows the script and its arguments: "Command=<script> <arg>...".
    QVERIFY2(jobs[0].value("Command").startsWith(q(script) + " "), qPrintable(jobs[0].value("Command")));
    QCOMPARE(file_text(dir / "result.txt"), "ran on " + cluster_->node_name().toStdString() + "\n");
    // scontrol through the hop sees the same cluster.
    const CommandResult show = ssh.run("scontrol show job -o " + id);
    QVERIFY2(show.exit_code == 0, show.err.c_str());
    QVERIFY(QString::fromStdString(show.out).contains("JobState=COMPLETED"));
  }

  void cleanupTestCase() {
    if (!cluster_) return;
    QElapsedTimer t;
    t.start();
    cluster_.reset();
    qInfo("cluster stop: %.3f s", t.nsecsElapsed() / 1e9);
  }
};

QTEST_GUILESS_MAIN(TestSlurmCluster)
#include "tst_slurm_cluster.moc"
