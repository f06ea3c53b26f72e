#include "slurm_test_cluster.h"

#include <QDeadlineTimer>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QThread>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cerrno>
#include <csignal>

#include <random>
#include <thread>

namespace dc::test {

namespace {

QString find_program(const QString& name) {
  QString p = QStandardPaths::findExecutable(name);
  if (p.isEmpty()) p = QStandardPaths::findExecutable(name, {"/usr/sbin", "/usr/bin", "/sbin", "/bin"});
  return p;
}

bool write_file(const QString& path, const QByteArray& text, QFile::Permissions perms = {}) {
  QFile f(path);
  if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate)) return false;
  const bool ok = f.write(text) == text.size();
  f.close();
  if (perms) f.setPermissions(perms);
  return ok;
}

QString tail_of(const QString& path, int lines) {
  QFile f(path);
  if (!f.open(QIODevice::ReadOnly)) return {};
  const QStringList all = QString::fromLocal8Bit(f.readAll()).split('\n', Qt::SkipEmptyParts);
  return all.mid(std::max<qsizetype>(0, all.size() - lines)).join('\n');
}

QString short_hostname() {
  char buf[256] = {};
  if (gethostname(buf, sizeof buf - 1) != 0) return QStringLiteral("localhost");
  QString h = QString::fromLocal8Bit(buf);
  return h.section('.', 0, 0);
}

}  // namespace

QList<int> free_tcp_ports(int count) {
  // Random ports below Linux's ephemeral range (32768-60999): a port the kernel hands out for an outgoing connection
  // or a bind to port 0 cannot take one of them between this check and the daemon's bind.
  QList<int> ports;
  std::vector<int> fds;
  std::mt19937 rng(std::random_device{}());
  std::uniform_int_distribution<int> dist(20000, 32000);
  auto try_bind = [&](int port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return false;
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(static_cast<uint16_t>(port));
    socklen_t len = sizeof addr;
    if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
      ::close(fd);
      return false;
    }
    fds.push_back(fd);  // held until all are chosen, so they are distinct
    ports << ntohs(addr.sin_port);
    return true;
  };
  for (int tries = 0; ports.size() < count && tries < 500; ++tries) try_bind(dist(rng));
  while (ports.size() < count && try_bind(0)) {
  }
  for (int fd : fds) ::close(fd);
  return ports;
}

SlurmTestCluster::SlurmTestCluster() : SlurmTestCluster(Options{}) {}

SlurmTestCluster::SlurmTestCluster(const Options& options) : options_(options) {
  QElapsedTimer timer;
  timer.start();
  ok_ = start();
  start_seconds_ = timer.nsecsElapsed() / 1e9;
  if (!ok_) stop();
}

SlurmTestCluster::~SlurmTestCluster() {
  stop();
}

bool SlurmTestCluster::fail(const QString& reason) {
  skip_reason_ = reason;
  return false;
}

QProcessEnvironment SlurmTestCluster::environment() const {
  QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
  // A test run inside a Slurm job (or with user defaults) must not leak its job's settings into this cluster.
  static const QStringList prefixes = {"SLURM_", "SBATCH_",  "SALLOC_", "SRUN_",    "SQUEUE_",
                                       "SINFO_", "SCANCEL_", "SACCT_",  "SCONTROL_"};
  for (const QString& key : env.keys())
    for (const QString& p : prefixes)
      if (key.startsWith(p)) env.remove(key);
  env.insert("SLURM_CONF", conf_path_);
  return env;
}

std::map<std::string, std::string> SlurmTestCluster::env_vars() const {
  return {{"SLURM_CONF", conf_path_.toStdString()}};
}

CommandResult SlurmTestCluster::run(const QString& program, const QStringList& args, int timeout_ms) const {
  return run_program(program, args, environment(), root_, timeout_ms);
}

QList<QMap<QString, QString>> SlurmTestCluster::show_job(const QString& job_id) const {
  QList<QMap<QString, QString>> jobs;
  const CommandResult r = run("scontrol", {"show", "job", "-o", job_id});
  if (r.exit_code != 0) return jobs;
  // Values may contain spaces (paths): a value runs until the next " Key=".
  static const QRegularExpression key_re(QStringLiteral("(?:^| )([A-Za-z][A-Za-z0-9_/:]*)="));
  for (const QString& line : QString::fromStdString(r.out).split('\n', Qt::SkipEmptyParts)) {
    QMap<QString, QString> job;
    QList<QRegularExpressionMatch> keys;
    for (auto it = key_re.globalMatch(line); it.hasNext();) keys << it.next();
    for (qsizetype i = 0; i < keys.size(); ++i) {
      const qsizetype begin = keys[i].capturedEnd(0);
      const qsizetype end = i + 1 < keys.size() ? keys[i + 1].capturedStart(0) : line.size();
      job.insert(keys[i].captured(1), line.mid(begin, end - begin).trimmed());
    }
    if (!job.isEmpty()) jobs << job;
  }
  return jobs;
}

QString SlurmTestCluster::log_tail(int lines) const {
  QString out;
  for (const char* name : {"log/munged.stderr", "log/slurmctld.log", "log/slurmd.log"}) {
    const QString path = root_ + "/" + QLatin1String(name);
    if (QFileInfo::exists(path)) out += "--- " + path + "\n" + tail_of(path, lines) + "\n";
  }
  return out;
}

bool SlurmTestCluster::start_daemon(std::unique_ptr<QProcess>& process, const QString& name, const QString& program,
                                    const QStringList& args) {
  process = std::make_unique<QProcess>();
  process->setProgram(program);
  process->setArguments(args);
  process->setProcessEnvironment(environment());
  process->setWorkingDirectory(root_);
  process->setStandardInputFile(QProcess::nullDevice());
  process->setStandardOutputFile(root_ + "/log/" + name + ".stdout");
  process->setStandardErrorFile(root_ + "/log/" + name + ".stderr");
  // The daemon gets SIGTERM when the test process dies, crashed or killed: no daemons outlive a test run.
  process->setChildProcessModifier([] { ::prctl(PR_SET_PDEATHSIG, SIGTERM); });
  process->start();
  if (!process->waitForStarted(10000)) return fail(name + " did not start: " + process->errorString());
  return true;
}

bool SlurmTestCluster::start() {
  if (::geteuid() != 0)
    return fail("the Slurm test cluster needs root (slurmd runs jobs as their users; tests run as root in CI)");
  const QString munged = find_program("munged"), slurmctld = find_program("slurmctld"), slurmd = find_program("slurmd"),
                sinfo = find_program("sinfo"), sbatch = find_program("sbatch");
  QStringList missing;
  if (munged.isEmpty()) missing << "munged (package munge)";
  if (slurmctld.isEmpty()) missing << "slurmctld (package slurmctld)";
  if (slurmd.isEmpty()) missing << "slurmd (package slurmd)";
  if (sinfo.isEmpty() || sbatch.isEmpty()) missing << "sinfo/sbatch (package slurm-client)";
  if (!missing.isEmpty()) return fail("missing " + missing.join(", ") + ": run installers/debian/install-deps.sh");

  if (options_.root_dir.isEmpty()) {
    reap_stale_test_dirs("dc-slurm-");  // left by a crashed or killed test run
    temp_ = std::make_unique<QTemporaryDir>(QDir::tempPath() + "/dc-slurm-XXXXXX");
    if (!temp_->isValid()) return fail("cannot create a temporary folder: " + temp_->errorString());
    root_ = temp_->path();
  } else {
    root_ = QDir(options_.root_dir).absolutePath();
    QDir().mkpath(root_);
  }
  if (root_.contains(QRegularExpression("\\s")))  // slurm.conf has no quoting for paths
    return fail("the cluster folder must not contain blanks: " + root_);
  write_file(root_ + "/owner.pid", QByteArray::number(::getpid()));
  // A given folder may hold a previous run's files: start from empty state, spool, log and munge folders.
  for (const char* sub : {"munge", "state", "spool", "log"}) QDir(root_ + "/" + QLatin1String(sub)).removeRecursively();
  // munged wants its socket folder (and the path to it) searchable by everyone; QTemporaryDir makes 0700.
  ::chmod(root_.toLocal8Bit().constData(), 0755);
  for (const char* sub : {"munge", "state", "spool", "log"}) QDir(root_).mkpath(sub);
  ::chmod((root_ + "/munge").toLocal8Bit().constData(), 0755);

  // --- munge: own key (1 KiB from /dev/urandom, 0400), socket, pid, log and seed files.
  const QString key = root_ + "/munge/munge.key";
  {
    QFile rnd("/dev/urandom");
    if (!rnd.open(QIODevice::ReadOnly)) return fail("cannot read /dev/urandom");
    if (!write_file(key, rnd.read(1024), QFile::ReadOwner)) return fail("cannot write " + key);
  }
  munge_socket_ = root_ + "/munge/munge.socket";
  if (munge_socket_.toLocal8Bit().size() >= 100)  // sockaddr_un.sun_path holds 108 bytes (with munged's ".lock")
    return fail("folder path too long for a Unix socket: " + munge_socket_);
  if (!start_daemon(munged_, "munged", munged,
                    {"--foreground", "--key-file=" + key, "--socket=" + munge_socket_,
                     "--pid-file=" + root_ + "/munge/munged.pid", "--log-file=" + root_ + "/munge/munged.log",
                     "--seed-file=" + root_ + "/munge/munged.seed", "--num-threads=2"}))
    return false;

  // --- slurm.conf: the node as slurmd -C sees this machine.
  node_ = short_hostname();
  QString node_hw;
  {
    QProcess p;
    p.start(slurmd, {"-C"});
    if (p.waitForFinished(10000) && p.exitCode() == 0) {
      const QString line = QString::fromLocal8Bit(p.readAllStandardOutput()).section('\n', 0, 0).trimmed();
      if (line.startsWith("NodeName=")) node_hw = line.section(' ', 1);  // CPUs=.. Boards=.. RealMemory=..
    }
    if (node_hw.isEmpty()) {
      const long mem_mb = ::sysconf(_SC_PHYS_PAGES) / 1024 * ::sysconf(_SC_PAGESIZE) / 1024;
      node_hw =
          QStringLiteral("CPUs=%1 RealMemory=%2").arg(std::max(1u, std::thread::hardware_concurrency())).arg(mem_mb);
    }
    static const QRegularExpression cpus_re(QStringLiteral("CPUs=(\\d+)"));
    const auto m = cpus_re.match(node_hw);
    cpus_ = m.hasMatch() ? m.captured(1).toInt() : 1;
  }
  const QList<int> ports = free_tcp_ports(2);
  if (ports.size() != 2) return fail("cannot find free TCP ports on 127.0.0.1");
  second_ = options_.second_partition;
  conf_path_ = root_ + "/slurm.conf";
  QString conf;
  conf += "# Written by dc::test::SlurmTestCluster\n";
  conf += "ClusterName=dctest\n";
  conf += QStringLiteral("SlurmctldHost=%1(127.0.0.1)\n").arg(node_);
  conf += QStringLiteral("SlurmctldPort=%1\nSlurmdPort=%2\n").arg(ports[0]).arg(ports[1]);
  conf += "AuthType=auth/munge\nCredType=cred/munge\n";
  conf += "AuthInfo=socket=" + munge_socket_ + "\n";
  conf += "SlurmUser=root\nSlurmdUser=root\n";
  conf += "StateSaveLocation=" + root_ + "/state\n";
  conf += "SlurmdSpoolDir=" + root_ + "/spool\n";
  conf += "SlurmctldPidFile=" + root_ + "/slurmctld.pid\n";
  conf += "SlurmdPidFile=" + root_ + "/slurmd.pid\n";
  conf += "SlurmctldLogFile=" + root_ + "/log/slurmctld.log\n";
  conf += "SlurmdLogFile=" + root_ + "/log/slurmd.log\n";
  conf += "SlurmctldDebug=info\nSlurmdDebug=info\n";
  conf += "ProctrackType=proctrack/linuxproc\nTaskPlugin=task/none\n";
  conf += "JobAcctGatherType=jobacct_gather/none\nAccountingStorageType=accounting_storage/none\n";
  conf += "JobCompType=jobcomp/none\nMpiDefault=none\nMailProg=/bin/true\n";
  conf += "SelectType=select/cons_tres\nSelectTypeParameters=CR_Core_Memory\n";
  // Without a default, a job that asks for no memory gets the whole node's: jobs (array tasks too) run one at a time.
  conf += "DefMemPerCPU=256\n";
  // batch_sched_delay defaults to 3 s: submissions would wait for a 3-second scheduling tick.
  conf += "SchedulerType=sched/backfill\nSchedulerParameters=batch_sched_delay=0,sched_min_interval=0\n";
  // Finished jobs stay visible to `scontrol show job` (there is no accounting storage for sacct).
  conf += "MinJobAge=3600\n";
  conf += "KillWait=5\nReturnToService=2\nSlurmdTimeout=300\n";
  conf += QStringLiteral("NodeName=%1 NodeAddr=127.0.0.1 NodeHostname=%1 %2 State=UNKNOWN\n").arg(node_, node_hw);
  conf += QStringLiteral("PartitionName=debug Nodes=%1 Default=YES MaxTime=INFINITE State=UP\n").arg(node_);
  if (second_)
    conf += QStringLiteral("PartitionName=second Nodes=%1 Default=NO MaxTime=INFINITE State=UP\n").arg(node_);
  if (!write_file(conf_path_, conf.toUtf8())) return fail("cannot write " + conf_path_);
  // cgroup.conf is only read by cgroup plugins; written anyway so nothing falls back to /etc/slurm/cgroup.conf.
  write_file(root_ + "/cgroup.conf",
             "CgroupPlugin=autodetect\nIgnoreSystemd=yes\nConstrainCores=no\n"
             "ConstrainRAMSpace=no\nConstrainDevices=no\n");

  // Wait for munged's socket before the Slurm daemons need it.
  {
    QDeadlineTimer deadline(5000);
    while (!QFileInfo::exists(munge_socket_)) {
      if (munged_->waitForFinished(0) || deadline.hasExpired()) return fail("munged did not start:\n" + log_tail());
      QThread::msleep(20);
    }
  }
  if (!start_daemon(slurmctld_, "slurmctld", slurmctld, {"-D", "-i", "-f", conf_path_})) return false;
  if (!start_daemon(slurmd_, "slurmd", slurmd, {"-D", "-N", node_, "-f", conf_path_})) return false;

  // Node idle = controller up, slurmd registered.
  QDeadlineTimer deadline(options_.start_timeout_ms);
  QString state;
  while (!deadline.hasExpired()) {
    for (auto* p : {munged_.get(), slurmctld_.get(), slurmd_.get()})
      if (p->waitForFinished(0))
        return fail(QStringLiteral("%1 exited with code %2:\n%3").arg(p->program()).arg(p->exitCode()).arg(log_tail()));
    const CommandResult r = run(sinfo, {"-h", "-n", node_, "-o", "%T"}, 5000);
    state = QString::fromStdString(r.out).trimmed();
    if (r.exit_code == 0 && state == "idle") return true;
    QThread::msleep(50);
  }
  return fail(QStringLiteral("node %1 not idle after %2 ms (state '%3'):\n%4")
                  .arg(node_)
                  .arg(options_.start_timeout_ms)
                  .arg(state, log_tail()));
}

void SlurmTestCluster::stop_daemon(std::unique_ptr<QProcess>& process) {
  if (!process) return;
  if (process->state() != QProcess::NotRunning && !process->waitForFinished(0)) {
    process->terminate();  // SIGTERM to the pid
    if (!process->waitForFinished(10000)) {
      process->kill();
      process->waitForFinished(5000);
    }
  }
  process.reset();
}

void SlurmTestCluster::stop() {
  if (ok_ && slurmctld_ && slurmd_ && !slurmctld_->waitForFinished(0)) {
    // Cancel what is left, so no job's processes outlive the cluster.
    const CommandResult q = run("squeue", {"-h", "-o", "%A"}, 10000);
    QStringList ids = QString::fromStdString(q.out).split('\n', Qt::SkipEmptyParts);
    if (!ids.isEmpty()) {
      run("scancel", ids, 10000);
      QDeadlineTimer deadline(15000);
      while (!deadline.hasExpired()) {
        const CommandResult r = run("squeue", {"-h", "-o", "%A"}, 5000);
        if (r.exit_code != 0 || QString::fromStdString(r.out).trimmed().isEmpty()) break;
        QThread::msleep(100);
      }
    }
    // Let the steps' slurmstepd finish with slurmd still there: each removes its socket <spool>/<node>_<job>.<step>.
    QDeadlineTimer deadline(5000);
    while (!deadline.hasExpired() &&
           !QDir(root_ + "/spool").entryList({node_ + "_*"}, QDir::System | QDir::Files).isEmpty())
      QThread::msleep(50);
  }
  // slurmd first (it would otherwise keep retrying the controller), then the controller, then munge.
  stop_daemon(slurmd_);
  stop_daemon(slurmctld_);
  stop_daemon(munged_);
  // A slurmstepd (daemonized: its parent is init) outlives slurmd and keeps retrying to report its step's end, and
  // a job's processes can outlive a killed step. They all carry this cluster's SLURM_CONF (slurmd's environment,
  // the submitter's environment): end every such process.
  if (!conf_path_.isEmpty()) kill_processes_with_env("SLURM_CONF=" + conf_path_);
  ok_ = false;
}

int reap_stale_test_dirs(const QString& prefix) {
  int reaped = 0;
  const QDir tmp(QDir::tempPath());
  for (const QString& name : tmp.entryList({prefix + "*"}, QDir::Dirs | QDir::NoDotAndDotDot)) {
    const QString dir = tmp.filePath(name);
    QFile f(dir + "/owner.pid");
    if (!f.open(QIODevice::ReadOnly)) continue;  // not ours, or its owner is still writing it
    bool ok = false;
    const pid_t owner = QString::fromLatin1(f.readAll()).trimmed().toInt(&ok);
    f.close();
    if (!ok || owner <= 0 || ::kill(owner, 0) == 0 || errno != ESRCH) continue;  // owner alive
    kill_processes_with_env("SLURM_CONF=" + dir + "/slurm.conf");
    if (QDir(dir).removeRecursively()) ++reaped;
  }
  return reaped;
}

int kill_processes_with_env(const QString& entry) {
  const QByteArray needle = entry.toLocal8Bit();
  auto matching = [&] {
    QList<pid_t> pids;
    const pid_t self = ::getpid();
    for (const QString& name : QDir("/proc").entryList(QDir::Dirs | QDir::NoDotAndDotDot)) {
      bool is_pid = false;
      const pid_t pid = name.toInt(&is_pid);
      if (!is_pid || pid == self) continue;
      QFile f("/proc/" + name + "/environ");
      if (!f.open(QIODevice::ReadOnly)) continue;
      for (const QByteArray& var : f.readAll().split('\0'))
        if (var == needle) {
          pids << pid;
          break;
        }
    }
    return pids;
  };
  QList<pid_t> pids = matching();
  const int count = static_cast<int>(pids.size());
  for (pid_t pid : pids) ::kill(pid, SIGTERM);
  QDeadlineTimer deadline(3000);
  while (!pids.isEmpty() && !deadline.hasExpired()) {
    QThread::msleep(50);
    pids = matching();  // zombies have an empty environ: they no longer match
  }
  for (pid_t pid : pids) ::kill(pid, SIGKILL);
  return count;
}

}  // namespace dc::test
