#include "ssh_test_server.h"

#include "slurm_test_cluster.h"  // free_tcp_ports

#include <QDeadlineTimer>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QThread>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pwd.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#include <csignal>

namespace dc::test {

namespace {

constexpr const char* kSshd = "/usr/sbin/sshd";  // sshd must be started by absolute path (it re-executes itself)

bool write_file(const QString& path, const QByteArray& text) {
  QFile f(path);
  if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate)) return false;
  const bool ok = f.write(text) == text.size();
  f.close();
  f.setPermissions(QFile::ReadOwner | QFile::WriteOwner);
  return ok;
}

QString read_file(const QString& path) {
  QFile f(path);
  return f.open(QIODevice::ReadOnly) ? QString::fromLocal8Bit(f.readAll()) : QString();
}

CommandResult run_argv(const QString& program, const QStringList& args, int timeout_ms) {
  return run_program(program, args, QProcessEnvironment::systemEnvironment(), {}, timeout_ms);
}

bool port_accepts(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return false;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  ::close(fd);
  return ok;
}

// sshd_config / ssh_config value: double-quoted when it has blanks.
QString conf_value(const QString& v) {
  return v.contains(QRegularExpression("\\s")) ? "\"" + v + "\"" : v;
}

}  // namespace

SshTestServer::SshTestServer(const std::map<std::string, std::string>& env, const QString& root_dir) {
  QElapsedTimer timer;
  timer.start();
  if (root_dir.isEmpty()) {
    reap_stale_test_dirs("dc-sshd-");  // left by a crashed or killed test run
    temp_ = std::make_unique<QTemporaryDir>(QDir::tempPath() + "/dc-sshd-XXXXXX");
    root_ = temp_->isValid() ? temp_->path() : QString();
    if (!root_.isEmpty()) write_file(root_ + "/owner.pid", QByteArray::number(::getpid()));
  } else {
    root_ = QDir(root_dir).absolutePath();
    QDir().mkpath(root_);
  }
  ok_ = !root_.isEmpty() ? start(env) : fail("cannot create a temporary folder");
  start_seconds_ = timer.nsecsElapsed() / 1e9;
  if (!ok_) stop();
}

SshTestServer::~SshTestServer() {
  stop();
}

bool SshTestServer::fail(const QString& reason) {
  skip_reason_ = reason;
  return false;
}

QString SshTestServer::shell_quote(const QString& text) {
  QString q = text;
  q.replace('\'', QStringLiteral("'\\''"));
  return "'" + q + "'";
}

QStringList SshTestServer::ssh_prefix() const {
  return {"ssh", "-F", client_config_, host_alias()};
}

CommandResult SshTestServer::run(const QString& remote_command, int timeout_ms) const {
  QStringList argv = ssh_prefix();
  const QString program = argv.takeFirst();
  return run_argv(program, argv << remote_command, timeout_ms);
}

QString SshTestServer::log_tail(int lines) const {
  const QStringList all = read_file(root_ + "/sshd.log").split('\n', Qt::SkipEmptyParts);
  return all.mid(std::max<qsizetype>(0, all.size() - lines)).join('\n');
}

bool SshTestServer::start(const std::map<std::string, std::string>& env) {
  if (!QFileInfo(kSshd).isExecutable()) return fail("no /usr/sbin/sshd: install openssh-server");
  if (!QFileInfo::exists("/usr/bin/ssh") || !QFileInfo::exists("/usr/bin/ssh-keygen"))
    return fail("no ssh / ssh-keygen: install openssh-client");
  const passwd* pw = ::getpwuid(::geteuid());
  if (!pw) return fail("unknown current user");
  user_ = QString::fromLocal8Bit(pw->pw_name);
  if (::geteuid() == 0) {
    // Privilege separation folder; Debian creates it from the systemd unit, which does not run in containers.
    ::mkdir("/run/sshd", 0755);
  }
  if (!QFileInfo(QStringLiteral("/run/sshd")).isDir()) return fail("/run/sshd is missing and cannot be created");

  const QString host_key = root_ + "/ssh_host_ed25519_key";
  identity_ = root_ + "/id_ed25519";
  for (const QString& key : {host_key, identity_}) {
    const CommandResult r =
        run_argv("ssh-keygen", {"-q", "-t", "ed25519", "-N", "", "-C", "dc-test", "-f", key}, 20000);
    if (r.exit_code != 0) return fail("ssh-keygen failed: " + QString::fromStdString(r.err));
  }
  const QString authorized = root_ + "/authorized_keys";
  if (!write_file(authorized, read_file(identity_ + ".pub").toLocal8Bit())) return fail("cannot write " + authorized);

  const QList<int> ports = free_tcp_ports(1);
  if (ports.isEmpty()) return fail("no free TCP port on 127.0.0.1");
  port_ = ports[0];

  QString conf;
  conf += "# Written by dc::test::SshTestServer\n";
  conf += QStringLiteral("Port %1\nListenAddress 127.0.0.1\nAddressFamily inet\n").arg(port_);
  conf += "HostKey " + conf_value(host_key) + "\n";
  conf += "PidFile " + conf_value(root_ + "/sshd.pid") + "\n";
  conf += "AuthorizedKeysFile " + conf_value(authorized) + "\n";
  conf += "PermitRootLogin prohibit-password\nPubkeyAuthentication yes\nPasswordAuthentication no\n";
  conf += "KbdInteractiveAuthentication no\nUsePAM no\nStrictModes no\nUseDNS no\n";
  conf += "AllowUsers " + user_ + "\n";
  conf += "X11Forwarding no\nAllowTcpForwarding no\nPrintMotd no\nPrintLastLog no\nLogLevel INFO\n";
  conf += "MaxStartups 100:30:200\nMaxSessions 100\n";
  // OpenSSH 9's default key exchange (sntrup761x25519) costs ~0.5 s per connection on the CI VMs: every client of
  // this server, whatever its own preferences, uses plain curve25519.
  conf += "KexAlgorithms curve25519-sha256,curve25519-sha256@libssh.org\n";
  for (const auto& [name, value] : env)
    conf += "SetEnv " + QString::fromStdString(name) + "=" + conf_value(QString::fromStdString(value)) + "\n";
  const QString sshd_config = root_ + "/sshd_config";
  if (!write_file(sshd_config, conf.toUtf8())) return fail("cannot write " + sshd_config);

  client_config_ = root_ + "/ssh_config";
  QString client;
  client += "Host " + host_alias() + "\n";
  client += "  HostName 127.0.0.1\n";
  client += QStringLiteral("  Port %1\n").arg(port_);
  client += "  User " + user_ + "\n";
  client += "  IdentityFile " + conf_value(identity_) + "\n";
  client += "  IdentitiesOnly yes\n  BatchMode yes\n  StrictHostKeyChecking no\n  UserKnownHostsFile /dev/null\n";
  client += "  LogLevel ERROR\n  ConnectTimeout 10\n";
  if (!write_file(client_config_, client.toUtf8())) return fail("cannot write " + client_config_);

  // Check the configuration first: sshd -t names the offending line.
  const CommandResult t = run_argv(kSshd, {"-t", "-f", sshd_config}, 20000);
  if (t.exit_code != 0) return fail("sshd -t rejected the configuration: " + QString::fromStdString(t.err));

  sshd_ = std::make_unique<QProcess>();
  sshd_->setProgram(kSshd);
  sshd_->setArguments({"-D", "-f", sshd_config, "-p", QString::number(port_), "-E", root_ + "/sshd.log"});
  sshd_->setStandardInputFile(QProcess::nullDevice());
  sshd_->setStandardOutputFile(root_ + "/sshd.stdout");
  sshd_->setStandardErrorFile(root_ + "/sshd.stderr");
  sshd_->setChildProcessModifier([] { ::prctl(PR_SET_PDEATHSIG, SIGTERM); });
  sshd_->start();
  if (!sshd_->waitForStarted(10000)) return fail("sshd did not start: " + sshd_->errorString());

  QDeadlineTimer deadline(15000);
  while (!port_accepts(port_)) {
    if (sshd_->waitForFinished(0)) return fail("sshd exited:\n" + log_tail() + read_file(root_ + "/sshd.stderr"));
    if (deadline.hasExpired()) return fail("sshd does not listen on port " + QString::number(port_));
    QThread::msleep(20);
  }
  const CommandResult r = run("true", 20000);
  if (r.exit_code != 0)
    return fail("ssh to the test sshd failed: " + QString::fromStdString(r.err) + "\n" + log_tail());
  return true;
}

void SshTestServer::stop() {
  if (sshd_) {
    if (sshd_->state() != QProcess::NotRunning && !sshd_->waitForFinished(0)) {
      sshd_->terminate();  // SIGTERM to the listener's pid; its session children end with their connections
      if (!sshd_->waitForFinished(10000)) {
        sshd_->kill();
        sshd_->waitForFinished(5000);
      }
    }
    sshd_.reset();
  }
  ok_ = false;
}

}  // namespace dc::test
